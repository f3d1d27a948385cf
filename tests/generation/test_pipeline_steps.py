"""Steps of the generated pipeline that do more than call a tool, run here against a stand-in ``aws``.

The stand-in is a shell script on PATH that answers the few AWS CLI calls a step makes from canned
replies and records every call, so the step's own logic (which versions it deletes) is what is tested.
"""

from __future__ import annotations

import os
import shutil
import stat
import subprocess
from pathlib import Path

import pytest
import yaml

from tests.generation.answers import default_answers
from wa_assist.scaffold import render

FAKE_AWS = r"""#!/usr/bin/env bash
printf '%s\n' "$*" >> "$AWS_CALLS"
case "$1 $2" in
  "cloudformation describe-stack-resource") echo "svc-$6-XYZ" ;;
  "lambda get-alias") echo "$LIVE" ;;
  "lambda list-versions-by-function") printf '%s' "$VERSIONS" ;;
  "lambda delete-function") ;;
  *) echo "unexpected call: $*" >&2; exit 9 ;;
esac
"""

STEP = "Delete SnapStart versions older than the previous release"


def _steps(project: Path, name: str) -> list[dict]:
    workflow = yaml.safe_load((project / ".github" / "workflows" / "pipeline.yaml").read_text(encoding="utf-8"))
    return [s for job in workflow["jobs"].values() for s in job["steps"] if s.get("name") == name]


@pytest.fixture(scope="module")
def snapstart_project(tmp_path_factory):
    dest = tmp_path_factory.mktemp("snap") / "svc"
    render(dest, default_answers(function_settings={"api": {"cold_start": "snapstart", "memory_mb": 1024}}))
    return dest


def _stand_in_aws(tmp_path: Path, script: str) -> tuple[Path, Path]:
    """A folder with the stand-in `aws` to put first on PATH, and the empty file it records its calls in."""
    if shutil.which("bash") is None:
        pytest.skip("the pipeline's steps run in bash")
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir(exist_ok=True)
    aws = bin_dir / "aws"
    aws.write_text(script, encoding="utf-8")
    aws.chmod(aws.stat().st_mode | stat.S_IEXEC)
    calls = tmp_path / "calls.txt"
    calls.write_text("", encoding="utf-8")
    return bin_dir, calls


def _run(step: dict, tmp_path: Path, live: str, versions: str) -> tuple[subprocess.CompletedProcess, list[str]]:
    bin_dir, calls = _stand_in_aws(tmp_path, FAKE_AWS)
    env = {
        **os.environ,
        **step.get("env", {}),
        "PATH": f"{bin_dir}{os.pathsep}{os.environ['PATH']}",
        "AWS_CALLS": str(calls),
        "LIVE": live,
        "VERSIONS": versions,
    }
    proc = subprocess.run(["bash", "-e", "-c", step["run"]], env=env, capture_output=True, text=True, check=False)
    return proc, calls.read_text(encoding="utf-8").splitlines()


def test_snapstart_versions_older_than_the_previous_release_are_deleted(snapstart_project, tmp_path):
    steps = _steps(snapstart_project, STEP)
    assert len(steps) == 2  # after the dev and the prod deployment
    proc, calls = _run(steps[0], tmp_path, live="7", versions="1\t2\t3\t5\t7")
    assert proc.returncode == 0, proc.stderr
    deleted = [c.split("--qualifier ")[1] for c in calls if c.startswith("lambda delete-function")]
    assert deleted == ["1", "2", "3"]  # 5 (the previous release) and 7 (live) stay
    listing = next(c for c in calls if c.startswith("lambda list-versions-by-function"))
    assert "Versions[?Version!='$LATEST'].Version" in listing  # $LATEST reaches the CLI unexpanded
    assert any("--logical-resource-id ItemsFunction" in c for c in calls)


@pytest.mark.parametrize("versions", ["7", "6\t7"])
def test_a_first_or_second_release_keeps_every_version(snapstart_project, tmp_path, versions):
    proc, calls = _run(_steps(snapstart_project, STEP)[0], tmp_path, live="7", versions=versions)
    assert proc.returncode == 0, proc.stderr
    assert not [c for c in calls if c.startswith("lambda delete-function")]


def test_functions_without_snapstart_get_no_such_step(tmp_path):
    dest = tmp_path / "svc"
    render(dest, default_answers(function_settings={"api": {"cold_start": "none"}}))
    assert _steps(dest, STEP) == []


PUBLISH = "Publish the front end"
FAKE_PUBLISH_AWS = r"""#!/usr/bin/env bash
printf '%s\n' "$*" >> "$AWS_CALLS"
case "$1 $2" in
  "cloudformation describe-stacks")
    key=$(printf '%s' "$*" | sed -n "s/.*OutputKey=='\([A-Za-z]*\)'.*/\1/p")
    value="OUT_$key"
    echo "${!value:-None}" ;;
  "s3 sync") cp -R "$3" "$SYNCED" ;;
  "cloudfront create-invalidation") echo '{"Invalidation": {}}' ;;
  *) echo "unexpected call: $*" >&2; exit 9 ;;
esac
"""
OUTPUTS = {
    "OUT_HttpApiUrl": "https://api.example.com/dev",
    "OUT_SignInDomain": "https://shop-dev.auth.us-east-1.amazoncognito.com",
    "OUT_WebClientId": "client-123",
    "OUT_SiteBucketName": "shop-dev-site",
    "OUT_DistributionId": "E123",
    "OUT_SiteUrl": "https://d111.cloudfront.net",
}


@pytest.fixture(scope="module")
def web_project(tmp_path_factory):
    dest = tmp_path_factory.mktemp("web") / "shop"
    render(dest, default_answers({"scenario": "web-app", "auth": "cognito"}, {"api_auth": "cognito"}, name="shop"))
    return dest


def _publish(project: Path, step: dict, tmp_path: Path, outputs: dict[str, str]):
    bin_dir, calls = _stand_in_aws(tmp_path, FAKE_PUBLISH_AWS)
    synced = tmp_path / "synced"
    env = {
        **os.environ,
        **step.get("env", {}),
        **outputs,
        "PATH": f"{bin_dir}{os.pathsep}{os.environ['PATH']}",
        "AWS_CALLS": str(calls),
        "SYNCED": str(synced),
    }
    proc = subprocess.run(
        ["bash", "-e", "-c", step["run"]], cwd=project, env=env, capture_output=True, text=True, check=False
    )
    return proc, calls.read_text(encoding="utf-8").splitlines(), synced


def test_each_stage_publishes_the_front_end_after_its_deployment(web_project):
    workflow = yaml.safe_load((web_project / ".github" / "workflows" / "pipeline.yaml").read_text(encoding="utf-8"))
    for stage in ("dev", "prod"):
        runs = [s.get("name") or s.get("run", "") for s in workflow["jobs"][f"deploy-{stage}"]["steps"]]
        deploy = next(i for i, r in enumerate(runs) if r.startswith("sam deploy"))
        assert PUBLISH in runs[deploy + 1 :], stage
    assert [s["env"]["STACK"] for s in _steps(web_project, PUBLISH)] == ["shop-dev", "shop-prod"]


def test_the_publish_step_uploads_the_site_with_its_config_and_clears_the_cache(web_project, tmp_path):
    proc, calls, synced = _publish(web_project, _steps(web_project, PUBLISH)[0], tmp_path, OUTPUTS)
    assert proc.returncode == 0, proc.stderr
    assert all("--stack-name shop-dev" in c for c in calls if c.startswith("cloudformation"))
    [sync] = [c for c in calls if c.startswith("s3 sync")]
    assert sync.endswith(" s3://shop-dev-site/ --delete")
    assert "cloudfront create-invalidation --distribution-id E123 --paths /*" in calls
    config = (synced / "config.js").read_text(encoding="utf-8")
    assert 'apiUrl: "https://api.example.com/dev"' in config and 'clientId: "client-123"' in config
    assert {p.name for p in synced.iterdir()} == {p.name for p in (web_project / "frontend").iterdir()} | {"config.js"}
    assert not (web_project / "frontend" / "config.js").exists()  # the working tree is left as it was


def test_a_stack_without_the_site_outputs_publishes_nothing(web_project, tmp_path):
    outputs = {k: v for k, v in OUTPUTS.items() if k != "OUT_SiteBucketName"}
    proc, calls, _ = _publish(web_project, _steps(web_project, PUBLISH)[0], tmp_path, outputs)
    assert proc.returncode == 2 and "has no output SiteBucketName" in proc.stderr
    assert not [c for c in calls if not c.startswith("cloudformation")]


def test_projects_without_a_front_end_get_no_publish_step(snapstart_project):
    assert _steps(snapstart_project, PUBLISH) == []
    assert not (snapstart_project / "scripts").exists()
