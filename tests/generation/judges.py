"""The external judges of a generated SAM project, run the way a user's CI would run them.

Every function returns the problems it found (an empty list means clean), so a test can assert
on them and print them. Paths to the tools come from the interpreter running the tests.
"""

from __future__ import annotations

import copy
import json
import os
import subprocess
import sys
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

import yaml

_BIN = Path(sys.executable).parent
_LOCAL_URI_KEYS = {
    "AWS::Serverless::Function": ["CodeUri"],
    "AWS::Serverless::LayerVersion": ["ContentUri"],
    "AWS::Serverless::Api": ["DefinitionUri"],
    "AWS::Serverless::HttpApi": ["DefinitionUri"],
    "AWS::Serverless::StateMachine": ["DefinitionUri"],
    "AWS::Serverless::GraphQLApi": ["SchemaUri"],
}


def _tool(name: str) -> str:
    candidate = _BIN / name
    return str(candidate) if candidate.exists() else name


def _quiet_env() -> dict[str, str]:
    env = dict(os.environ)
    env.setdefault("AWS_DEFAULT_REGION", "us-east-1")
    env["BC_SKIP_MAPPING"] = "TRUE"
    env["CHECKOV_RUN_SCA_PACKAGE_SCAN_V2"] = "false"
    env["PYTHONWARNINGS"] = "ignore"
    return env


def cfn_lint(templates: Sequence[Path]) -> dict[Path, list[str]]:
    """Lint templates with the Serverless Rules in one call; findings per template (any level)."""
    if not templates:
        return {}
    cmd = [
        _tool("cfn-lint"),
        "--format",
        "parseable",
        "--append-rules",
        "cfn_lint_serverless.rules",
        "--",
        *[str(t) for t in templates],
    ]
    proc = subprocess.run(cmd, capture_output=True, text=True, env=_quiet_env(), check=False)
    findings: dict[Path, list[str]] = {Path(t): [] for t in templates}
    for line in proc.stdout.splitlines():
        if not line.strip():
            continue
        for template in findings:
            if line.startswith(str(template)):
                findings[template].append(line[len(str(template)) :].lstrip(":"))
                break
        else:
            findings.setdefault(Path("?"), []).append(line)
    if proc.returncode not in (0, 2, 4, 6, 8, 10, 12, 14) or (proc.stderr.strip() and not proc.stdout):
        findings.setdefault(Path("?"), []).append(f"cfn-lint exited {proc.returncode}: {proc.stderr[-2000:]}")
    return {k: v for k, v in findings.items() if v or k in {Path(t) for t in templates}}


def _with_remote_uris(template: dict[str, Any]) -> dict[str, Any]:
    """Replace local code/definition paths with S3 placeholders, as `sam package` would."""
    packaged = copy.deepcopy(template)
    for logical, resource in packaged.get("Resources", {}).items():
        for key in _LOCAL_URI_KEYS.get(resource.get("Type", ""), []):
            props = resource.setdefault("Properties", {})
            if isinstance(props.get(key), str) and not props[key].startswith("s3://"):
                props[key] = f"s3://placeholder-bucket/{logical}/{key}.zip"
    globals_fn = packaged.get("Globals", {}).get("Function", {})
    if isinstance(globals_fn.get("CodeUri"), str):
        globals_fn["CodeUri"] = "s3://placeholder-bucket/globals.zip"
    return packaged


class _NoManagedPolicies:
    def load(self) -> dict[str, str]:
        return {}


def sam_transform(template_path: Path) -> dict[str, Any]:
    """Expand the SAM transform offline; raises on an invalid template."""
    os.environ.setdefault("AWS_DEFAULT_REGION", "us-east-1")
    from cfnlint.decode import decode
    from samtranslator.translator.transform import transform

    template, matches = decode(str(template_path))
    if matches:
        raise ValueError(f"{template_path} does not parse: {[str(m) for m in matches]}")
    return transform(_with_remote_uris(dict(template)), {}, _NoManagedPolicies())


def expand_all(templates: Iterable[Path], out_dir: Path) -> tuple[dict[Path, Path], dict[Path, str]]:
    """Expand each template into out_dir; returns (template -> expanded file, template -> error)."""
    out_dir.mkdir(parents=True, exist_ok=True)
    expanded: dict[Path, Path] = {}
    errors: dict[Path, str] = {}
    for index, template in enumerate(templates):
        try:
            result = sam_transform(template)
        except Exception as exc:  # the judge reports every failure of the transform
            errors[template] = f"{type(exc).__name__}: {exc}"
            continue
        target = out_dir / f"{index:02d}-{template.parent.name}.json"
        target.write_text(json.dumps(result, indent=1, default=str), encoding="utf-8")
        expanded[template] = target
    return expanded, errors


def checkov(folder: Path) -> list[str]:
    """Run checkov over a folder (one or many projects); every failed check, with file and resource."""
    cmd = [
        _tool("checkov"),
        "-d",
        str(folder),
        "--framework",
        "cloudformation",
        "--skip-download",
        "--quiet",
        "--compact",
        "--output",
        "json",
    ]
    proc = subprocess.run(cmd, capture_output=True, text=True, env=_quiet_env(), check=False)
    try:
        report = json.loads(proc.stdout) if proc.stdout.strip() else []
    except json.JSONDecodeError:
        return [f"checkov output is not JSON (exit {proc.returncode}): {proc.stdout[-1500:]} {proc.stderr[-1500:]}"]
    reports = report if isinstance(report, list) else [report]
    failures = []
    for rep in reports:
        for failed in rep.get("results", {}).get("failed_checks", []):
            failures.append(
                f"{failed.get('file_path')} {failed.get('resource')} {failed.get('check_id')} "
                f"{failed.get('check_name')}"
            )
    if proc.returncode not in (0, 1):
        failures.append(f"checkov exited {proc.returncode}: {proc.stderr[-1500:]}")
    return failures


def checkov_skips_without_reason(template: dict[str, Any]) -> list[str]:
    """Checkov skips must sit on one resource and say why."""
    problems = []
    for logical, resource in template.get("Resources", {}).items():
        skips = (resource.get("Metadata") or {}).get("checkov", {}).get("skip", [])
        for skip in skips:
            if len(str(skip.get("comment", "")).strip()) < 20:
                problems.append(f"{logical}: skip {skip.get('id')} has no written reason")
    return problems


def project_tests(project: Path, timeout: int = 300) -> subprocess.CompletedProcess[str]:
    """Run the generated project's unit tests with the current interpreter, as its README says."""
    env = _quiet_env()
    env.pop("PYTEST_ADDOPTS", None)
    env.pop("PYTEST_XDIST_WORKER", None)
    return subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "tests/unit"],
        cwd=project,
        capture_output=True,
        text=True,
        env=env,
        timeout=timeout,
        check=False,
    )


def zizmor(workflows: Sequence[Path]) -> list[str]:
    """GitHub's Actions linter zizmor, offline, over every workflow in one call; each finding."""
    if not workflows:
        return []
    cmd = [_tool("zizmor"), "--offline", "--format", "json", *[str(w) for w in workflows]]
    proc = subprocess.run(cmd, capture_output=True, text=True, env=_quiet_env(), check=False)
    try:
        findings = json.loads(proc.stdout) if proc.stdout.strip() else None
    except json.JSONDecodeError:
        findings = None
    if not isinstance(findings, list):
        return [f"zizmor exited {proc.returncode} without a report: {proc.stderr[-1500:]}"]
    problems = []
    for finding in findings:
        where = finding.get("locations", [{}])[0]
        path = where.get("symbolic", {}).get("key", {}).get("Local", {}).get("verbatim_path", "?")
        row = where.get("concrete", {}).get("location", {}).get("start_point", {}).get("row", -1)
        severity = finding.get("determinations", {}).get("severity")
        problems.append(f"{path}:{row + 1} {finding.get('ident')} ({severity}): {finding.get('desc')}")
    return problems


def sam_cli(venv: Path) -> Path | None:
    """The `sam` of a virtual environment kept apart from the test interpreter (SAM CLI pins versions of
    boto3, cfn-lint and click that clash with the judges): created and filled from pip on first use."""
    sam = venv / "bin" / "sam"
    if sam.exists():
        return sam
    try:
        subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True, capture_output=True)
        subprocess.run(
            [str(venv / "bin" / "python"), "-m", "pip", "install", "--quiet", "aws-sam-cli"],
            check=True,
            capture_output=True,
            timeout=900,
        )
    except (subprocess.CalledProcessError, subprocess.TimeoutExpired, OSError):
        return None
    return sam if sam.exists() else None


def python_for(runtime: str) -> Path | None:
    """A folder holding the interpreter of a Lambda runtime (``python3.13`` -> ``python3.13``), found on
    PATH or among pyenv's installed versions; `sam build` without a container needs it on PATH."""
    import glob
    import shutil

    version = runtime.removeprefix("python")
    found = shutil.which(f"python{version}")
    if found:
        probe = subprocess.run([found, "--version"], capture_output=True, text=True, check=False)
        if probe.returncode == 0:
            return Path(found).parent
    root = os.environ.get("PYENV_ROOT", str(Path.home() / ".pyenv"))
    for candidate in sorted(glob.glob(f"{root}/versions/{version}.*/bin/python{version}"), reverse=True):
        return Path(candidate).parent
    return None


def sam_build(
    project: Path, sam: Path, work: Path, *, with_requirements: bool = False
) -> subprocess.CompletedProcess[str]:
    """`sam build` without a container, as the generated pipeline runs it, on a copy of the project.

    By default its requirements files are emptied, so the build needs no package index and proves the
    template, the code layout and the runtime. With ``with_requirements`` they are kept: pip then
    fetches wheels for the functions' architecture (arm64 on this x86 machine, as on the pipeline's
    runner), which proves each dependency resolves for it.
    """
    import shutil

    runtime = answers_of(project)["runtime"]
    copy_dir = work / project.name
    shutil.rmtree(copy_dir, ignore_errors=True)
    shutil.copytree(project, copy_dir, ignore=shutil.ignore_patterns(".aws-sam", "__pycache__"))
    if not with_requirements:
        for requirements in copy_dir.glob("src/*/requirements.txt"):
            requirements.write_text("", encoding="utf-8")
    interpreter = python_for(runtime)
    if interpreter is None:
        return subprocess.CompletedProcess([], 1, "", f"no {runtime} interpreter on PATH or in pyenv")
    env = _quiet_env()
    env.pop("PYENV_VERSION", None)
    env["PATH"] = f"{interpreter}{os.pathsep}{sam.parent}{os.pathsep}{env.get('PATH', '')}"
    env["SAM_CLI_TELEMETRY"] = "0"
    return subprocess.run(
        [str(sam), "build", "--no-cached"], cwd=copy_dir, capture_output=True, text=True, env=env, check=False
    )


# ---------------------------------------------------------------------------- the judges as tests

ERROR_METRICS = {"Errors", "5XXError", "5xx", "SkillErrors"}  # Lambda, REST and GraphQL APIs, HTTP APIs, Alexa skill


def lint_failures(templates: Sequence[Path]) -> dict[str, list[str]]:
    """cfn-lint findings of every template that has some (empty when all are clean)."""
    return {str(k): v for k, v in cfn_lint(list(templates)).items() if v}


def unit_test_failures(projects: dict[str, Path]) -> dict[str, str]:
    """Run every project's own unit tests (two at a time); the output of each that failed or ran nothing."""
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(max_workers=2) as pool:
        results = dict(zip(projects, pool.map(project_tests, projects.values())))
    failed = {name: r.stdout[-3000:] + r.stderr[-1500:] for name, r in results.items() if r.returncode != 0}
    failed.update(
        {
            name: "no test ran: " + r.stdout[-1500:]
            for name, r in results.items()
            if r.returncode == 0 and " passed" not in r.stdout
        }
    )
    return failed


def review_failures(projects: dict[str, Path], profiles: dict[str, dict[str, Any]], work: Path) -> list[str]:
    """Review every project with its profile (``wa_assist.review``); what the review holds against it.

    (a) Nothing at high or medium, except findings the profile's answers waive (the check's
    ``not_applicable_when``) or whose practice the engine did not accept for the profile (rejected or not
    applicable): those must be explained by the engine's result. (b) Every check an accepted
    recommendation's place names (``implemented_in`` ``check``) passes on the project.
    """
    import yaml

    from wa_assist import conditions
    from wa_assist.engine import recommend
    from wa_assist.kb import load_knowledge
    from wa_assist.profile import load_profile
    from wa_assist.review import review_paths
    from wa_assist.review.catalogue import load_catalogue
    from wa_assist.scaffold import recommendation_answer

    kb = load_knowledge()
    catalogue = load_catalogue()
    work.mkdir(parents=True, exist_ok=True)
    problems: list[str] = []
    for name, project in projects.items():
        source = work / f"{name}.yaml"
        source.write_text(yaml.safe_dump({"name": name[:40].rstrip("-"), **profiles[name]}), encoding="utf-8")
        values = load_profile(source, kb.questions).values
        result = recommend(kb, load_profile(source, kb.questions))
        accepted = {r.id for r in result.recommendations}
        recorded = project.parent.parent / "answers" / f"{project.name}.json"
        # the places the project was rendered with (decisions swapped after the engine included), else the engine's
        recs = (
            answers_of(project)["recommendations"]
            if recorded.is_file()
            else [recommendation_answer(r) for r in result.recommendations]
        )
        report = review_paths([project / "template.yaml"], profile=source, catalogue=catalogue)
        problems += [f"{name}: cannot review: {e}" for e in report.errors]
        problems += [
            f"{name}: {f.check} ({f.severity}) {f.resource} line {f.line}: {f.message}"
            for f in report.at_or_above("medium")
        ]
        for quiet in report.suppressed:
            f = quiet.finding
            if quiet.by != "profile" or f.severity == "low":
                continue
            waived = conditions.evaluate(catalogue.checks[f.check].not_applicable_when, values)
            if not waived and f.practice in accepted:
                problems.append(
                    f"{name}: {f.check} on {f.resource} is suppressed by the profile, but the engine accepted "
                    f"{f.practice} for it"
                )
        failing = {f.check for f in report.findings} | {q.finding.check for q in report.suppressed}
        waived = {
            cid
            for cid, info in catalogue.checks.items()
            if info.not_applicable_when and conditions.evaluate(info.not_applicable_when, values)
        }
        for rec in recs:
            for impl in rec["implemented_in"]:
                if impl.get("check") and impl["check"] not in waived and impl["check"] in failing:
                    problems.append(
                        f"{name}: {rec['id']} says {impl['where']} has {impl['what']!r}, verified by "
                        f"{impl['check']}, but {impl['check']} does not pass"
                    )
    return problems


class JudgeSuite:
    """The judge tests every quality gate shares. A gate module defines a module-scoped ``projects``
    fixture (name -> project folder, all under one parent) and subclasses this as ``TestJudges``;
    ``expanded`` (the SAM-expanded templates) comes from ``tests/generation/conftest.py``."""

    def test_cfn_lint_with_serverless_rules_is_clean(self, projects):
        assert lint_failures([p / "template.yaml" for p in projects.values()]) == {}

    def test_sam_transform_succeeds_and_expanded_templates_lint_clean(self, expanded):
        files, errors = expanded
        assert errors == {}
        assert lint_failures(list(files.values())) == {}

    def test_checkov_has_no_failed_check(self, projects):
        folders = {p.parent for p in projects.values()}
        assert len(folders) == 1, "the projects must share one parent folder"
        assert checkov(folders.pop()) == []

    def test_every_checkov_skip_has_a_written_reason(self, projects):
        from cfnlint.decode import decode

        problems = []
        for name, project in projects.items():
            template, _ = decode(str(project / "template.yaml"))
            problems += [f"{name}: {p}" for p in checkov_skips_without_reason(template)]
        assert problems == []

    def test_generated_unit_tests_pass(self, projects):
        assert unit_test_failures(projects) == {}

    def test_zizmor_finds_nothing_in_the_pipeline(self, projects):
        workflows = [p / ".github" / "workflows" / "pipeline.yaml" for p in projects.values()]
        dependabot = [p / ".github" / "dependabot.yml" for p in projects.values()]
        assert all(w.is_file() for w in [*workflows, *dependabot])
        assert zizmor([*workflows, *dependabot]) == []

    def test_dependabot_watches_every_requirements_file_and_the_actions(self, projects):
        import fnmatch

        unwatched = []
        for name, p in projects.items():
            config = yaml.safe_load((p / ".github" / "dependabot.yml").read_text(encoding="utf-8"))
            ecosystems = {u["package-ecosystem"]: u.get("directories", [u.get("directory")]) for u in config["updates"]}
            assert "github-actions" in ecosystems, name
            for req in (r for r in p.rglob("requirements*.txt") if ".aws-sam" not in r.parts):
                folder = "/" + req.parent.relative_to(p).as_posix().strip(".")
                folder = folder.rstrip("/") or "/"
                if not any(fnmatch.fnmatchcase(folder, d) for d in ecosystems.get("pip", [])):
                    unwatched.append(f"{name}: {req.relative_to(p).as_posix()}")
        assert unwatched == []

    def test_error_alarms_fire_on_an_error_rate_not_on_one_error(self, projects):
        """A function's or an API's error alarm pages on a share of failing calls (metric math over the
        errors and the calls), never on a single error in a minute."""
        from wa_assist.review.template import get, load

        single = []
        for name, p in projects.items():
            for r in load(p / "template.yaml").of_type("AWS::CloudWatch::Alarm"):
                metrics = [get(m, "MetricStat", "Metric", "MetricName") for m in r.props.get("Metrics", [])]
                if r.props.get("MetricName") in ERROR_METRICS:
                    single.append(f"{name}: {r.id} alarms on {r.props['MetricName']} alone")
                elif any(m in ERROR_METRICS for m in metrics):
                    expression = " ".join(str(m.get("Expression", "")) for m in r.props["Metrics"])
                    if "IF(" not in expression or "/" not in expression:
                        single.append(f"{name}: {r.id} has no rate expression over {metrics}")
        assert single == []

    def test_the_pipeline_smoke_tests_every_project_it_deploys(self, projects):
        missing = [
            name
            for name, p in projects.items()
            if "pytest tests/integration" in (p / ".github" / "workflows" / "pipeline.yaml").read_text(encoding="utf-8")
            and not list((p / "tests" / "integration").glob("test_*.py"))
        ]
        assert missing == []

    def test_sam_build_without_a_container_succeeds(self, projects, tmp_path_factory):
        from concurrent.futures import ThreadPoolExecutor

        import pytest

        venv = Path(os.environ.get("WA_ASSIST_SAM_VENV", Path.home() / ".cache" / "wa-assist" / "sam-cli-venv"))
        sam = sam_cli(venv)
        if sam is None:
            pytest.skip(f"aws-sam-cli could not be installed into {venv}")
        work = tmp_path_factory.mktemp("sam-build")
        with ThreadPoolExecutor(max_workers=2) as pool:
            results = dict(zip(projects, pool.map(lambda p: sam_build(p, sam, work), projects.values())))
        failed = {name: (r.stdout[-1500:] + r.stderr[-1500:]) for name, r in results.items() if r.returncode != 0}
        assert failed == {}

    def test_sam_build_installs_every_requirements_set_for_its_architecture(self, projects, tmp_path_factory):
        """One real build per distinct (runtime, architecture, requirements) among the projects: the
        dependencies must resolve to wheels for the functions' architecture, as `sam build` needs."""
        import pytest

        venv = Path(os.environ.get("WA_ASSIST_SAM_VENV", Path.home() / ".cache" / "wa-assist" / "sam-cli-venv"))
        sam = sam_cli(venv)
        if sam is None:
            pytest.skip(f"aws-sam-cli could not be installed into {venv}")
        chosen: dict[tuple[str, str, str], str] = {}
        for name, p in projects.items():
            answers = answers_of(p)
            for req in sorted(p.glob("src/*/requirements.txt")):
                key = (answers["runtime"], answers["architecture"], req.read_text(encoding="utf-8"))
                chosen.setdefault(key, name)
        work = tmp_path_factory.mktemp("sam-build-deps")
        failed = {}
        for name in dict.fromkeys(chosen.values()):
            result = sam_build(projects[name], sam, work, with_requirements=True)
            if result.returncode != 0:
                failed[name] = result.stdout[-1500:] + result.stderr[-1500:]
        assert chosen and failed == {}

    def test_review_with_the_profile_finds_nothing_the_engine_does_not_explain(self, projects, request, tmp_path):
        problems = review_failures(projects, request.module.PROFILES, tmp_path / "review-profiles")
        assert problems == [], "\n".join(problems)


def answers_of(project: Path) -> dict[str, Any]:
    """The template answers a project of ``generate_projects`` was rendered with."""
    return json.loads((project.parent.parent / "answers" / f"{project.name}.json").read_text(encoding="utf-8"))


def generate_projects(
    root: Path, profiles: dict[str, dict[str, Any]], swapped: dict[str, dict[str, Any]] | None = None
) -> dict[str, Path]:
    """Render each profile the way a user does: a profile file, then ``new_project`` (engine included).

    ``swapped`` names profiles whose engine decisions are changed afterwards (a value the engine never
    picks but the template supports, such as the Data API); the swap is checked to be the only change.
    """
    import yaml

    from wa_assist.engine import recommend
    from wa_assist.kb import load_knowledge
    from wa_assist.profile import load_profile
    from wa_assist.scaffold import build_answers, new_project, render, template_answers

    swapped = swapped or {}
    projects = {}
    for name, profile in profiles.items():
        source = root / "profiles" / f"{name}.yaml"
        source.parent.mkdir(parents=True, exist_ok=True)
        source.write_text(yaml.safe_dump({"name": name[:40].rstrip("-"), **profile}), encoding="utf-8")
        dest = projects[name] = root / "projects" / name
        if name not in swapped:
            answers = new_project(dest, profile=source).answers
        else:
            kb = load_knowledge()
            prof = load_profile(source, kb.questions)
            answers = build_answers(prof.to_dict(), recommend(kb, prof))
            assert all(answers[key] != value for key, value in swapped[name].items()), "the swap must change one"
            answers = {**answers, **swapped[name]}
            render(dest, answers)
        record = root / "answers" / f"{name}.json"
        record.parent.mkdir(parents=True, exist_ok=True)
        record.write_text(json.dumps(template_answers(answers), default=str), encoding="utf-8")
    return projects
