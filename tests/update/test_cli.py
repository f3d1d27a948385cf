"""`wa-assist update`, `diff` and `check` as a user runs them: output, formats and exit statuses."""

from __future__ import annotations

import json

from tests.helpers import run_cli
from tests.update.conftest import snapshot


def test_update_prints_the_guidance_changes_then_each_file_and_exits_1_on_conflict(project):
    template = project / "template.yaml"
    template.write_text(
        template.read_text(encoding="utf-8").replace(
            "OrdersFunctionProvisionedConcurrency: 160\n", "OrdersFunctionProvisionedConcurrency: 40\n"
        ),
        encoding="utf-8",
    )
    proc = run_cli(
        "update", str(project), "--set", "multi_step=true", "--set", "traffic=steady", "--set", "auth=cognito"
    )
    assert proc.returncode == 1, proc.stderr
    out = proc.stdout
    assert out.index("Guidance") < out.index("Files")
    assert "decision  table_billing: on-demand -> provisioned" in out
    assert "set by svc-dynamodb-capacity-modes (DynamoDB capacity modes): Traffic is steady" in out
    assert "+ svc-cognito-user-pools" in out and "- svc-api-gateway-authorizers" in out
    assert "conflict  template.yaml" in out and "added     statemachine/workflow.asl.json" in out
    assert "need you" in out


def test_update_json_and_dry_run(project):
    before = snapshot(project, times=True)
    proc = run_cli("update", str(project), "--set", "multi_step=true", "--dry-run", "--format", "json")
    assert proc.returncode == 0, proc.stderr
    doc = json.loads(proc.stdout)
    assert doc["dry_run"] is True and doc["written"] is False and doc["conflicts"] == 0
    assert {"path": "statemachine/workflow.asl.json", "action": "added"} in doc["files"]
    assert any(d["decision"] == "workflow" for d in doc["guidance"]["decisions"])
    assert snapshot(project, times=True) == before


def test_bad_input_exits_2_with_one_line(project, tmp_path):
    for args, message in (
        (["update", str(tmp_path)], "no .wa-assist/record.json"),
        (["update", str(project), "--set", "traffic=sometimes"], "traffic"),
        (["update", str(project), "--set", "nokey"], "key=value"),
        (["check", str(tmp_path / "missing")], "no such project folder"),
        (["diff", str(tmp_path)], "no .wa-assist/record.json"),
    ):
        proc = run_cli(*args)
        assert proc.returncode == 2, (args, proc.stdout, proc.stderr)
        assert message in proc.stderr and "Traceback" not in proc.stderr


def test_reject_then_accept_round_trip(project):
    proc = run_cli("update", str(project), "--reject", "svc-lambda-provisioned-concurrency", "--format", "json")
    assert proc.returncode == 0, proc.stderr
    doc = json.loads(proc.stdout)
    assert "svc-lambda-provisioned-concurrency" in doc["guidance"]["rejected"]
    assert "ProvisionedConcurrentExecutions" not in (project / "template.yaml").read_text(encoding="utf-8")
    record = json.loads((project / ".wa-assist" / "record.json").read_text(encoding="utf-8"))
    assert record["inputs"]["rejected"] == ["svc-lambda-provisioned-concurrency"]
    proc = run_cli("update", str(project), "--accept", "svc-lambda-provisioned-concurrency")
    assert proc.returncode == 0, proc.stderr
    assert "OrdersFunctionProvisionedConcurrency: 160\n" in (project / "template.yaml").read_text(encoding="utf-8")


def test_diff_shows_your_changes_against_the_pristine_render(project):
    (project / "README.md").write_text(
        (project / "README.md").read_text(encoding="utf-8") + "my line\n", encoding="utf-8"
    )
    ini_lines = len((project / "pytest.ini").read_text(encoding="utf-8").splitlines())
    (project / "pytest.ini").unlink()
    proc = run_cli("diff", str(project))
    assert proc.returncode == 0, proc.stderr
    assert "--- a/README.md\n+++ b/README.md\n" in proc.stdout and "+my line\n" in proc.stdout
    assert "--- a/pytest.ini\n+++ /dev/null\n" in proc.stdout and "-[pytest]\n" in proc.stdout
    assert "template.yaml" not in proc.stdout
    proc = run_cli("diff", str(project), "--stat")
    assert proc.returncode == 0, proc.stderr
    rows = proc.stdout.splitlines()
    assert [r.split("|")[0].strip() for r in rows[:-1]] == ["README.md", "pytest.ini"]
    assert rows[0].endswith("| +1 -0") and rows[1].endswith(f"| +0 -{ini_lines}")
    assert rows[-1] == f" 2 files changed, 1 insertions(+), {ini_lines} deletions(-)"


def test_check_exit_statuses(project):
    proc = run_cli("check", str(project))
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "Up to date" in proc.stdout
    (project / "README.md.wa-new").write_text("x", encoding="utf-8")
    proc = run_cli("check", str(project), "--format", "json")
    assert proc.returncode == 1
    doc = json.loads(proc.stdout)
    assert doc["ok"] is False and doc["problems"] == [
        "left by the last update: README.md.wa-new: side file of an update"
    ]


def test_new_records_its_inputs_apart_from_what_was_derived(pristine):
    record = json.loads((pristine / ".wa-assist" / "record.json").read_text(encoding="utf-8"))
    assert record["schema"] == 1 and record["tool"]["name"] == "wa-assist"
    assert len(record["template"]["digest"]) == 64 and len(record["knowledge"]["digest"]) == 64
    inputs = record["inputs"]
    assert inputs["sets"] == ["auth=iam"] and inputs["rejected"] == [] and inputs["accepted"] == []
    assert inputs["profile"]["name"] == "orders-api" and "memory_mb" not in inputs["profile"]  # answers only
    assert "runtime" not in inputs["profile"]  # the example does not answer it: its default is not frozen
    assert record["derived"]["decisions"]["api_auth"] == "iam"
    assert "svc-lambda-provisioned-concurrency" in record["derived"]["recommendations"]
    from wa_assist.update.record import sha256

    files = record["files"]
    assert "template.yaml" in files and not any(k.startswith(".wa-assist/") for k in files)
    for rel, meta in files.items():
        assert sha256((pristine / rel).read_bytes()) == meta["sha256"], rel
    assert sha256((pristine / ".wa-assist" / "base.tar.gz").read_bytes()) == record["base"]["sha256"]


def test_the_base_archive_is_deterministic(pristine, tmp_path):
    from tests.update.conftest import PROFILE
    from wa_assist.scaffold import new_project

    again = tmp_path / "again"
    new_project(again, profile=PROFILE, sets=["auth=iam"])
    assert (again / ".wa-assist" / "base.tar.gz").read_bytes() == (pristine / ".wa-assist" / "base.tar.gz").read_bytes()


def test_run_from_a_subfolder_finds_the_project(project):
    import os
    import subprocess
    import sys

    from tests.helpers import ROOT

    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    proc = subprocess.run(
        [sys.executable, "-m", "wa_assist", "check"], cwd=project / "src", capture_output=True, text=True, env=env
    )
    assert proc.returncode == 0, proc.stderr
    assert f"Project {project}\n" in proc.stdout
