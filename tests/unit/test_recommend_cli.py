"""`wa-assist recommend` as a user runs it: a subprocess, three formats, clear errors, no tracebacks."""

from __future__ import annotations

import json

import pytest

from tests.helpers import run_cli

PROFILE = """\
name: orders
scenario: rest-api
traffic: steady
peak_rps: 400
p99_latency_ms: 150
access_patterns: [key-value, query]
read_heavy: true
sensitive_data: true
global_users: true
"""


@pytest.fixture
def profile_file(tmp_path):
    path = tmp_path / "profile.yaml"
    path.write_text(PROFILE, encoding="utf-8")
    return path


def test_json_output(profile_file):
    proc = run_cli("recommend", "--profile", str(profile_file), "--format", "json")
    assert proc.returncode == 0, proc.stderr
    data = json.loads(proc.stdout)
    assert set(data) >= {"profile", "recommendations", "decisions", "conflicts", "risk"}
    assert data["profile"]["peak_rps"] == 400 and data["profile"]["consumers"] == 1
    recs = {r["id"]: r for r in data["recommendations"]}
    for rec in data["recommendations"]:
        assert set(rec) >= {"id", "title", "pillar", "priority", "summary", "reasons", "decisions", "lens"}
    capacity = recs["svc-dynamodb-capacity-modes"]
    assert capacity["decisions"]["table_billing"] == "provisioned"
    assert any("steady" in r for r in capacity["reasons"])
    assert capacity["lens"]["choice"] == "perf_perf_q1_a3"
    assert data["decisions"]["endpoint_type"] == "EDGE"
    assert data["decisions"]["kms"] == "customer-managed"
    assert data["conflicts"] == []
    assert set(data["risk"]["pillars"].values()) <= {"none", "unverified", "medium", "high"}


def test_reject_changes_decisions_and_risk(profile_file):
    proc = run_cli(
        "recommend",
        "--profile",
        str(profile_file),
        "--format",
        "json",
        "--reject",
        "svc-kms-encryption",
        "--reject",
        "rel-throttling",
    )
    assert proc.returncode == 0, proc.stderr
    data = json.loads(proc.stdout)
    assert data["decisions"]["kms"] == "aws-managed"
    assert {r["id"] for r in data["rejected"]} == {"svc-kms-encryption", "rel-throttling"}
    assert data["risk"]["pillars"]["reliability"] == "high"


def test_markdown_report(profile_file):
    proc = run_cli(
        "recommend", "--profile", str(profile_file), "--format", "markdown", "--reject", "svc-api-gateway-compression"
    )
    assert proc.returncode == 0, proc.stderr
    text = proc.stdout
    assert text.startswith("# Well-Architected recommendations for orders")
    for heading in (
        "## Workload profile",
        "## Risk summary",
        "## Recommendations",
        "### Security",
        "## Rejected recommendations",
        "## Project decisions",
        "## Conflicts",
    ):
        assert heading in text, heading
    assert "| `table_billing` | `provisioned` | svc-dynamodb-capacity-modes |" in text
    assert "API Gateway payload compression" in text.split("## Rejected recommendations")[1]


def test_table_output(profile_file):
    proc = run_cli("recommend", "--profile", str(profile_file), env={"COLUMNS": "200"})
    assert proc.returncode == 0, proc.stderr
    assert "Risk by pillar" in proc.stdout and "Project decisions" in proc.stdout
    assert "DynamoDB capacity modes" in proc.stdout
    assert "Security" in proc.stdout


def _assert_clean_error(proc, *fragments):
    assert proc.returncode == 2, (proc.returncode, proc.stdout, proc.stderr)
    assert "Traceback" not in proc.stderr
    assert proc.stdout == ""
    for fragment in fragments:
        assert fragment in proc.stderr, proc.stderr


def test_missing_profile_file(tmp_path):
    missing = tmp_path / "nope.yaml"
    _assert_clean_error(run_cli("recommend", "--profile", str(missing)), str(missing), "no such profile file")


def test_bad_value_names_file_line_key_and_allowed(tmp_path):
    path = tmp_path / "bad.yaml"
    path.write_text("scenario: rest-api\ntraffic: bursty\ncost_priority: cheap\n", encoding="utf-8")
    _assert_clean_error(
        run_cli("recommend", "--profile", str(path), "--format", "json"),
        "2 problems in the profile",
        f"{path}:2: key 'traffic': bad value 'bursty'; allowed: steady, spiky, unpredictable",
        f"{path}:3: key 'cost_priority': bad value 'cheap'; allowed: lowest-cost, balanced, performance",
    )


def test_unknown_key_and_invalid_yaml(tmp_path):
    path = tmp_path / "typo.yaml"
    path.write_text("scenario: rest-api\npeak_rsp: 10\n", encoding="utf-8")
    _assert_clean_error(
        run_cli("recommend", "--profile", str(path)),
        f"{path}:2: key 'peak_rsp': unknown key (did you mean 'peak_rps'?)",
    )
    broken = tmp_path / "broken.yaml"
    broken.write_text("scenario: [rest-api\n", encoding="utf-8")
    _assert_clean_error(run_cli("recommend", "--profile", str(broken)), str(broken), "invalid YAML")


def test_unknown_reject_id(profile_file):
    _assert_clean_error(
        run_cli("recommend", "--profile", str(profile_file), "--reject", "svc-kms-encrypt"),
        "--reject svc-kms-encrypt: no entry with this id; did you mean",
        "svc-kms-encryption",
    )


def test_rejecting_what_does_not_apply_is_a_note(profile_file):
    proc = run_cli("recommend", "--profile", str(profile_file), "--format", "json", "--reject", "svc-kinesis-batching")
    assert proc.returncode == 0
    assert "svc-kinesis-batching: it is not recommended for this profile" in proc.stderr


def test_json_profile_file(tmp_path):
    path = tmp_path / "p.json"
    path.write_text(json.dumps({"scenario": "stream-processing", "consumers": 3}), encoding="utf-8")
    proc = run_cli("recommend", "--profile", str(path), "--format", "json")
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout)["decisions"]["enhanced_fanout"] is True
