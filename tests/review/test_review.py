"""`wa-assist review` end to end: realistic templates, suppressions, risk, formats, exit codes and bad input."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from tests.helpers import run_cli
from wa_assist.review import review_paths
from wa_assist.review.run import checks_for

FIXTURES = Path(__file__).parent / "fixtures"
REALISTIC = FIXTURES / "realistic"
REALISTIC_TEMPLATES = sorted([*REALISTIC.glob("*.yaml"), *REALISTIC.glob("*.json"), REALISTIC / "stock-trader"])


def _checks(report) -> set[tuple[str, str]]:
    return {(f.check, f.resource) for f in report.findings}


# --------------------------------------------------------------------------- realistic templates


@pytest.mark.parametrize("path", REALISTIC_TEMPLATES, ids=lambda p: p.name)
def test_realistic_templates_are_reviewed_without_errors(path):
    report = review_paths([path])
    assert report.errors == []
    assert report.files
    for f in report.findings:
        assert f.line >= 1 and Path(f.file).exists()
        assert f.practice and f.question and f.pillars and f.fix


def test_crud_api_findings_point_at_the_users_lines():
    report = review_paths([REALISTIC / "crud-api.yaml"])
    found = _checks(report)
    # Globals.Function.Timeout: 100 is above the 29 s of the implicit REST API, for every function
    assert {("getAllItemsFunction", "WA9011"), ("putItemFunction", "WA9011")} <= {(r, c) for c, r in found}
    timeout = next(f for f in report.findings if f.check == "WA9011")
    assert (REALISTIC / "crud-api.yaml").read_text().splitlines()[timeout.line - 1].strip() == "Timeout: 100"  # Globals
    assert ("WA9008", "putItemFunction") in found  # POST without a request model
    assert ("WA9008", "getAllItemsFunction") not in found  # GET carries no body
    assert ("WA1005", "getAllItemsFunction") not in found  # MemorySize comes from Globals
    post = next(f for f in report.findings if f.check == "WA9008")
    text = (REALISTIC / "crud-api.yaml").read_text().splitlines()
    assert text[post.line - 1].strip() == "Api:" and "Method: POST" in "\n".join(text[post.line : post.line + 4])


def test_state_machine_definition_is_read_from_its_local_file():
    report = review_paths([REALISTIC / "stock-trader"])
    assert report.files == [str(REALISTIC / "stock-trader" / "template.yaml")]
    task = next(f for f in report.findings if f.check == "WA9019")
    assert "Sell Stock" in task.message and "Check Stock Value" in task.message
    assert ("WA5000", "StockTradingStateMachine") in _checks(report)  # a SAM state machine, not only the raw type
    assert ("WA4000", "StockTradingStateMachine") in _checks(report)  # its Schedule event has no DLQ


def test_queue_consumer_sample():
    report = review_paths([REALISTIC / "sqs-worker.yaml"])
    visibility = next(f for f in report.findings if f.check == "WA9012")
    assert "60 s" in visibility.message and "95 s" in visibility.message  # 6 x 15 s + a 5 s window
    assert ("WA9018", "MyDeadLetterQueue") in _checks(report)
    assert ("WA6000", "MyDeadLetterQueue") not in _checks(report)  # a DLQ needs no redrive policy of its own
    assert [(s.finding.check, s.reason) for s in report.suppressed] == [
        ("WA9024", "Alarms live in the shared observability stack")
    ]
    assert report.status("ops-service-metrics-alarms") == "in place"


def test_api_key_only_protection_is_high_where_checkov_passes_it():
    report = review_paths([REALISTIC / "raw-cloudformation.json"])
    method = next(f for f in report.findings if f.check == "WA9001")
    assert method.resource == "Method" and method.severity == "high"
    assert '"ApiKeyRequired": true' in (REALISTIC / "raw-cloudformation.json").read_text().splitlines()[method.line - 1]


def test_short_form_intrinsics_and_conditions_parse():
    report = review_paths([REALISTIC / "http-api-cognito.yaml"])
    assert report.errors == []
    # the public health route, code signing, and a user pool with optional MFA that anyone may join
    assert {c for c, _ in _checks(report)} == {"WA9002", "WA9007", "WA9050", "WA9051"}
    assert next(f for f in report.findings if f.check == "WA9002").message.startswith("Route GET /health")


# --------------------------------------------------------------------------- statuses and risk


def test_practice_statuses_and_risk():
    report = review_paths([REALISTIC / "graphql-api.yaml"])
    statuses = {p["id"]: p["status"] for p in report.practices}
    assert statuses["sec-api-authentication-authorization"] == "missing"
    assert statuses["rel-throttling"] == "not applicable"  # no API Gateway API in the template
    assert statuses["perf-capacity-units"] == "in place"  # a SimpleTable on demand, no function
    sec1 = report.risk["questions"]["sec_q1"]
    assert sec1["risk"] == "medium"  # the practice is Good, not Required
    assert report.risk["questions"]["ops_q1"]["risk"] == "medium"  # AppSync tracing is Good
    report = review_paths([REALISTIC / "crud-api.yaml"])
    assert report.risk["questions"]["rel_q1"]["risk"] == "high"  # throttling is Required
    assert report.risk["pillars"]["reliability"] == "high"


def test_profile_makes_practices_not_applicable(tmp_path):
    profile = tmp_path / "events.yaml"
    profile.write_text("name: events\nscenario: event-driven\n")
    plain = review_paths([REALISTIC / "crud-api.yaml"])
    assert plain.status("sec-api-authentication-authorization") == "missing"
    report = review_paths([REALISTIC / "crud-api.yaml"], profile=profile)
    assert report.status("sec-api-authentication-authorization") == "not applicable"
    assert not [f for f in report.findings if f.check == "WA9002"]
    assert {s.finding.check for s in report.suppressed if s.by == "profile"} >= {"WA9002"}


def test_profile_answers_waive_the_checks_a_workload_does_without(tmp_path):
    public = tmp_path / "public.yaml"
    public.write_text("name: public\nscenario: rest-api\nauth: none\n")
    private = tmp_path / "private.yaml"
    private.write_text("name: private\nscenario: rest-api\nauth: cognito\n")
    report = review_paths([REALISTIC / "crud-api.yaml"], profile=public)
    assert report.status("sec-api-authentication-authorization") == "not applicable"
    assert not [f for f in report.findings if f.practice == "sec-api-authentication-authorization"]
    waived = [s for s in report.suppressed if s.finding.check == "WA9002"]
    assert waived and all(s.by == "profile" and "auth: none" in s.reason for s in waived)
    # the same API is missing its authorization for a workload that wants it
    held = review_paths([REALISTIC / "crud-api.yaml"], profile=private)
    assert held.status("sec-api-authentication-authorization") == "missing"
    assert [f for f in held.findings if f.check == "WA9002"]


def test_a_waived_check_leaves_the_other_checks_of_its_practice_at_work(tmp_path):
    profile = tmp_path / "quick.yaml"
    profile.write_text("name: quick\nscenario: rest-api\ndeployment: all-at-once\n")
    template = FIXTURES / "checks" / "WA9039" / "fail.yaml"
    report = review_paths([template, FIXTURES / "checks" / "WA9026" / "fail.yaml"], profile=profile)
    assert "WA9026" in {s.finding.check for s in report.suppressed if s.by == "profile"}
    assert "WA9039" in {f.check for f in report.findings}  # all at once still needs an alias to roll back to
    assert report.status("ops-rollout-deployments") == "missing"


def test_checks_for_a_practice():
    assert set(checks_for("rel-throttling")) == {"WA2003"}
    assert {"WA1000", "WA2002", "WA3000", "WA5000"} <= set(checks_for("ops-distributed-tracing"))
    assert checks_for("sec-security-awareness") == []


def test_ignore_leaves_a_check_out_and_says_so():
    report = review_paths([REALISTIC / "crud-api.yaml"], ignore=["WA2003"])
    assert "WA2003" not in {f.check for f in report.findings}
    assert report.ignored == ["WA2003"]
    assert "rel-throttling" not in {p["id"] for p in report.practices}


# --------------------------------------------------------------------------- command line


def test_json_output_shape_and_exit_codes():
    result = run_cli("review", str(REALISTIC / "crud-api.yaml"), "--format", "json")
    assert result.returncode == 0, result.stderr  # nothing high
    data = json.loads(result.stdout)
    finding = data["findings"][0]
    assert set(finding) == {
        "check", "practice", "question", "pillars", "severity", "file", "line", "resource", "message", "fix"
    }  # fmt: skip
    assert {p["status"] for p in data["practices"]} <= {"in place", "missing", "not applicable"}
    assert data["risk"]["questions"]["rel_q1"]["risk"] == "high"
    result = run_cli("review", str(REALISTIC / "crud-api.yaml"), "--fail-on", "medium", "--format", "json")
    assert result.returncode == 1
    result = run_cli("review", str(REALISTIC / "graphql-api.yaml"), "--format", "json")
    assert result.returncode == 1  # an API key alone is high
    result = run_cli("review", str(REALISTIC / "graphql-api.yaml"), "--fail-on", "never", "--format", "json")
    assert result.returncode == 0


def test_sarif_output_locates_every_result_in_the_users_file():
    result = run_cli("review", str(REALISTIC / "sqs-worker.yaml"), "--format", "sarif")
    sarif = json.loads(result.stdout)
    assert sarif["version"] == "2.1.0"
    run = sarif["runs"][0]
    rules = run["tool"]["driver"]["rules"]
    assert len({r["id"] for r in rules}) == len(rules) >= 55
    assert all(r["helpUri"].startswith("https://") and r["help"]["markdown"] for r in rules)
    for res in run["results"]:
        loc = res["locations"][0]["physicalLocation"]
        assert loc["artifactLocation"]["uri"] == "tests/review/fixtures/realistic/sqs-worker.yaml"
        assert loc["region"]["startLine"] >= 1
        assert rules[res["ruleIndex"]]["id"] == res["ruleId"]
    suppressed = [r for r in run["results"] if r.get("suppressions")]
    assert [r["ruleId"] for r in suppressed] == ["WA9024"]


def test_markdown_and_table_outputs():
    result = run_cli("review", str(REALISTIC / "sqs-worker.yaml"), "--format", "markdown")
    assert result.returncode == 0
    assert "| REL 2 How do you build resiliency? | high |" in result.stdout
    assert "WA9012" in result.stdout and "### Suppressed" in result.stdout
    result = run_cli("review", str(REALISTIC / "sqs-worker.yaml"), env={"COLUMNS": "160"})
    assert result.returncode == 0
    assert "REL 2 How do you build resiliency?  high risk" in result.stdout
    assert "suppressed WA9024 on QueueConsumerFunction" in result.stdout


def test_folder_search_skips_build_folders(tmp_path):
    (tmp_path / ".aws-sam" / "build").mkdir(parents=True)
    (tmp_path / ".aws-sam" / "build" / "template.yaml").write_text((REALISTIC / "crud-api.yaml").read_text())
    (tmp_path / "node_modules" / "x").mkdir(parents=True)
    (tmp_path / "node_modules" / "x" / "template.yaml").write_text("not: [a template")
    (tmp_path / "infra").mkdir()
    (tmp_path / "infra" / "queues.yml").write_text((REALISTIC / "sqs-worker.yaml").read_text())
    (tmp_path / "infra" / "config.yaml").write_text("some: settings\n")  # not CloudFormation: skipped
    (tmp_path / "template.yaml").write_text((REALISTIC / "crud-api.yaml").read_text())
    report = review_paths([tmp_path])
    assert sorted(Path(f).relative_to(tmp_path).as_posix() for f in report.files) == [
        "infra/queues.yml",
        "template.yaml",
    ]
    assert report.errors == []


def test_unknown_ignore_is_bad_input():
    result = run_cli("review", str(REALISTIC / "crud-api.yaml"), "--ignore", "WA0000")
    assert result.returncode == 2
    assert "WA0000" in result.stderr and "Traceback" not in result.stderr


# --------------------------------------------------------------------------- bad input


BAD = {
    "not-yaml.yaml": ("Resources: [unclosed\n  - x: {\n", "not valid YAML or JSON", 2),
    "not-cfn.yaml": ("name: my app\nversion: 2\n", "not a CloudFormation template", 1),
    "duplicate.yaml": (
        "Resources:\n  Q:\n    Type: AWS::SQS::Queue\n  Q:\n    Type: AWS::SNS::Topic\n",
        "duplicate key 'Q'",
        4,
    ),
    "unterminated.yaml": (
        'Resources:\n  Fn:\n    Type: AWS::Serverless::Function\n    Properties:\n      Handler: !Sub "${X}\n',
        "unterminated quoted string",
        5,
    ),
    "intrinsic.yaml": (
        "Resources:\n  Q:\n    Type: AWS::SQS::Queue\n    Properties:\n      QueueName: !Reff X\n",
        "unknown intrinsic function !Reff",
        5,
    ),
    "no-type.yaml": ("Resources:\n  Q:\n    Properties: {}\n", "resource 'Q' needs a 'Type'", 2),
    "bad.json": ('{\n  "Resources": {\n    "Q": {"Type": "AWS::SQS::Queue",}\n  }\n}\n', "not valid JSON", 3),
}


@pytest.mark.parametrize("name", sorted(BAD))
def test_bad_input_names_file_and_line_and_the_rest_is_reviewed(tmp_path, name):
    text, message, line = BAD[name]
    bad = tmp_path / name
    bad.write_text(text)
    result = run_cli("review", str(bad), str(REALISTIC / "sqs-worker.yaml"), "--format", "json")
    assert result.returncode == 2, result.stderr
    assert "Traceback" not in result.stderr
    assert f"{bad}:{line}: " in result.stderr and message in result.stderr, result.stderr
    data = json.loads(result.stdout)
    assert data["files"] == [str(REALISTIC / "sqs-worker.yaml")]  # the good file is still reviewed
    assert data["findings"]
    assert data["errors"] == [{"file": str(bad), "line": line, "message": data["errors"][0]["message"]}]


def test_binary_large_missing_and_symlink_loop(tmp_path):
    binary = tmp_path / "template.yaml"
    binary.write_bytes(b"\x7fELF\x00\x00\x01\x02" * 100)
    large = tmp_path / "big.yaml"
    large.write_text("Resources:\n" + "#" * (6 * 1024 * 1024) + "\n")
    folder = tmp_path / "stacks"
    folder.mkdir()
    (folder / "template.yaml").write_text((REALISTIC / "sqs-worker.yaml").read_text())
    os.symlink(folder, folder / "again")
    os.symlink(folder / "self", folder / "self")
    missing = tmp_path / "nowhere.yaml"
    result = run_cli("review", str(binary), str(large), str(missing), str(folder), "--format", "json")
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    err = result.stderr
    assert f"{binary}: is a binary file" in err
    assert f"{large}: too large to be a template" in err
    assert f"{missing}: no such file or folder" in err
    assert f"{folder / 'again'}: symbolic link loop" in err
    assert f"{folder / 'self'}: symbolic link loop" in err
    assert json.loads(result.stdout)["files"] == [str(folder / "template.yaml")]


def test_suppression_without_reason_is_an_error(tmp_path):
    template = tmp_path / "template.yaml"
    template.write_text(
        "Resources:\n  Q:\n    Type: AWS::SQS::Queue\n    Metadata:\n      wa-assist:\n        ignore:\n          - id: WA6000\n"
    )
    result = run_cli("review", str(template), "--format", "json")
    assert result.returncode == 2
    assert f"{template}:7: resource 'Q': ignoring WA6000 needs a 'reason'" in result.stderr
    assert [f["check"] for f in json.loads(result.stdout)["findings"]].count("WA6000") == 1  # not silenced


def test_pre_commit_hook_runs_review_on_templates():
    import re

    import yaml

    from tests.helpers import ROOT

    (hook,) = yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text())
    assert hook["id"] == "wa-assist-review" and hook["entry"] == "wa-assist review"
    assert hook["language"] == "python" and hook["pass_filenames"] is True
    pattern = re.compile(hook["files"])
    assert all(pattern.search(p) for p in ("template.yaml", "infra/template.yml", "stack/template.json"))
    assert not any(pattern.search(p) for p in ("config.yaml", ".github/workflows/ci.yml", "my-template.txt"))


def test_language_extensions_anchors_and_no_templates(tmp_path):
    template = tmp_path / "template.yaml"
    template.write_text(
        "Transform: [AWS::LanguageExtensions, AWS::Serverless-2016-10-31]\n"
        "Resources:\n"
        "  Fn::ForEach::Queues:\n"
        "    - Name\n"
        "    - [Orders, Payments]\n"
        "    - ${Name}Queue:\n"
        "        Type: AWS::SQS::Queue\n"
        "  Base: &queue\n"
        "    Type: AWS::SQS::Queue\n"
        "  Copy:\n"
        "    <<: *queue\n"
    )
    report = review_paths([template])
    assert report.errors == []
    assert {(f.check, f.resource) for f in report.findings if f.check == "WA6000"} == {
        ("WA6000", "Base"),
        ("WA6000", "Copy"),
    }
    empty = tmp_path / "empty"
    empty.mkdir()
    result = run_cli("review", str(empty))
    assert result.returncode == 2 and f"no templates found in {empty}" in result.stderr


def test_bad_profile_is_bad_input(tmp_path):
    profile = tmp_path / "p.yaml"
    profile.write_text("scenario: spaceship\n")
    result = run_cli("review", str(REALISTIC / "crud-api.yaml"), "--profile", str(profile))
    assert result.returncode == 2
    assert "spaceship" in result.stderr and "Traceback" not in result.stderr


def test_suppressions_written_for_cfn_lint_and_checkov_are_honoured(tmp_path):
    template = tmp_path / "template.yaml"
    template.write_text(
        "Resources:\n"
        "  Queue:\n"
        "    Type: AWS::SQS::Queue\n"
        "    Metadata:\n"
        "      cfn-lint: {config: {ignore_checks: [ES6000]}}\n"
        "  Fn:\n"
        "    Type: AWS::Lambda::Function\n"
        "    Metadata:\n"
        "      checkov:\n"
        "        skip:\n"
        "          - {id: CKV_AWS_116, comment: failures are retried by the caller}\n"
        "    Properties: {Handler: a.b, Runtime: python3.12, Role: arn:aws:iam::1:role/r, Code: {ZipFile: x}}\n"
        "  Perm:\n"
        "    Type: AWS::Lambda::Permission\n"
        "    Properties: {FunctionName: !Ref Fn, Action: lambda:InvokeFunction, Principal: sns.amazonaws.com}\n"
        "  Api:\n"
        "    Type: AWS::Serverless::Api\n"
        "    Metadata:\n"
        "      checkov: {skip: [{id: CKV_AWS_76, comment: logs go to the platform account}]}\n"
        "    Properties: {StageName: prod}\n"
    )
    report = review_paths([template])
    reasons = {(s.finding.check, s.finding.resource): s.reason for s in report.suppressed}
    assert reasons[("WA6000", "Queue")] == "cfn-lint ignore_checks ES6000 in the resource's Metadata"
    assert ("WA6000", "Queue") not in _checks(report)
    assert ("WA1007", "Perm") in _checks(report)  # the checkov skip is on Fn, the finding on its permission
    assert reasons[("WA2000", "Api")] == "checkov skip CKV_AWS_76: logs go to the platform account"
    assert ("WA2002", "Api") in _checks(report)  # a skip of one checkov id suppresses only its own check
