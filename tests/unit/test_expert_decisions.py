"""Realistic workloads and the decision an expert makes for each of their functions, with why.

Every row is a workload a team brings, the function kinds its generated project has (from the
components the scenario and decisions select), and what each kind of function must get. The values are
what a senior engineer would sign; a rule change in knowledge/ that moves one of them must change this
table, with the reason.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import pytest

from wa_assist.engine import recommend
from wa_assist.profile import profile_from_mapping


@dataclass
class Workload:
    name: str
    profile: dict[str, Any]
    kinds: dict[str, dict[str, Any]]  # function kind -> decisions its functions must get
    why: str
    project: dict[str, Any] = field(default_factory=dict)  # project-wide decisions
    costs: list[str] = field(default_factory=list)  # phrases the stated costs must contain


WORKLOADS = [
    Workload(
        "spiky public REST API with a 200 ms p99",
        {"scenario": "rest-api", "auth": "none", "traffic": "spiky", "peak_rps": 300, "p99_latency_ms": 200},
        {
            # 300 rps x 0.2 s = 60 concurrent requests; bursts outrun target tracking, so the floor is the
            # whole peak and the ceiling leaves the 70% utilisation margin: ceil(60 / 0.7) = 86.
            "api": {
                "cold_start": "provisioned-concurrency",
                "provisioned_concurrency": 60,
                "provisioned_concurrency_max": 86,
                "memory_mb": 1024,
                "error_rate_alarm_pct": 1,
                "duration_alarm_ms": 200,
            },
        },
        "Users wait on every request and bursts start new environments, so warm capacity covers the burst; "
        "API keys would be embedded in every client of a public API, so no usage plan.",
        project={"usage_plan": False, "table_billing": "on-demand"},
        costs=["provisioned concurrency of 60 (scaling up to 86)", "$526 a month"],
    ),
    Workload(
        "nightly hour-long batch job",
        {
            "scenario": "event-driven",
            "invocation": "async",
            "max_duration_s": 3600,
            "multi_step": True,
            "traffic": "steady",
            "peak_rps": 1,
            "p99_latency_ms": 900000,
            "cost_priority": "lowest-cost",
        },
        {
            # Work of an hour is split into steps of at most 900 s, each with a full vCPU; the duration alarm
            # watches the timeout (80% of 900 s), not a latency target nobody waits on.
            "workflow-step": {
                "memory_mb": 1769,
                "timeout_s": 900,
                "cold_start": "none",
                "error_rate_alarm_pct": 5,
                "duration_alarm_ms": 720000,
            },
            # The event handler and the queue worker only hand work on: the least memory, and a timeout in
            # seconds, so a stuck message is retried within minutes (visibility 6 x 30 s), not hours.
            "event": {"memory_mb": 256, "timeout_s": 30, "cold_start": "none", "error_rate_alarm_pct": 5},
            "queue": {"memory_mb": 256, "timeout_s": 30, "cold_start": "none", "reserved_concurrency": 0},
        },
        "Low memory means little CPU: at 256 MB a step takes about seven times longer for the same GB-seconds "
        "and comes close to the 900 s cap; the functions that only start or feed the workflow need neither the "
        "CPU nor the 900 s; cold starts do not matter to a nightly job.",
        project={"workflow": "standard", "table_billing": "on-demand", "log_retention_days": 14},
    ),
    Workload(
        "steady internal IAM API",
        {"scenario": "rest-api", "auth": "iam", "traffic": "steady", "peak_rps": 50, "p99_latency_ms": 1000},
        {"api": {"cold_start": "none", "provisioned_concurrency": 0, "memory_mb": 512, "reserved_concurrency": 0}},
        "Steady traffic makes cold starts rare and a 1 s target absorbs them; IAM callers are identified by "
        "their roles, so API keys add only distribution work; 50 rps is too little for provisioned capacity "
        "to save anything on the table.",
        project={"usage_plan": False, "table_billing": "on-demand", "api_auth": "iam"},
    ),
    Workload(
        "Kinesis telemetry pipeline with 2 consumers",
        {
            "scenario": "stream-processing",
            "consumers": 2,
            "access_patterns": ["time-series"],
            "peak_rps": 2000,
            "traffic": "steady",
            "p99_latency_ms": 60000,
        },
        {
            # Stream consumers: no cold-start mitigation, alarms on failure rate and on nearing the timeout.
            "stream": {
                "cold_start": "none",
                "memory_mb": 512,
                "error_rate_alarm_pct": 5,
                "duration_alarm_ms": 6400,
                "reserved_concurrency": 0,
            },
        },
        "Two applications plus the project's aggregator read the stream, so enhanced fan-out; 2,000 rps over "
        "3 shards is 667 records/s per shard, and a typical 2.5 s batch of 500 needs ceil(3.3) = 4 in flight.",
        project={
            "enhanced_fanout": True,
            "stream_mode": "provisioned",
            "shard_count": 3,
            "batch_size": 500,
            "parallelization_factor": 4,
            "tumbling_window_s": 60,
        },
        costs=["enhanced fan-out consumer on 3 shards is about $32.85 a month"],
    ),
    Workload(
        "relational CRUD API",
        {
            "scenario": "rest-api",
            "auth": "cognito",
            "access_patterns": ["relational"],
            "peak_rps": 100,
            "p99_latency_ms": 500,
            "traffic": "spiky",
        },
        {
            # Expected concurrency 100 x 0.5 s = 50; three times that (150) is below the proxy's budget for the
            # API functions (8 ACU x 225 connections x 90% x 60% = 972) and below the 250 per-function cap.
            "api": {"reserved_concurrency": 150, "cold_start": "snapstart", "memory_mb": 512},
        },
        "The cap follows the connection budget it protects and the load it must carry, not the worst-case "
        "duration; spiky traffic with a sub-second target is where SnapStart's restores pay off.",
        project={"relational": "rds-proxy", "db_max_acu": 8, "reserved_concurrency": 0},
        costs=["SnapStart at 512 MB is about $1.98 a month per API function"],
    ),
    Workload(
        "event-driven order system",
        {
            "scenario": "event-driven",
            "entity": "order",
            "invocation": "async",
            "traffic": "spiky",
            "peak_rps": 200,
            "p99_latency_ms": 2000,
        },
        {
            "event": {"cold_start": "none", "memory_mb": 512, "error_rate_alarm_pct": 5, "duration_alarm_ms": 6400},
            "queue": {"cold_start": "none", "memory_mb": 512, "error_rate_alarm_pct": 5, "duration_alarm_ms": 6400},
        },
        "Nobody waits on an order event: cold starts cost nothing a user sees, retries absorb transient errors "
        "(so 5%, not one error, rolls back), and the duration alarm watches the 8 s timeout, not the 2 s target.",
        project={"table_billing": "on-demand"},
    ),
    Workload(
        "low-traffic mobile backend at lowest cost",
        {
            "scenario": "mobile-backend",
            "auth": "cognito",
            "traffic": "steady",
            "peak_rps": 5,
            "p99_latency_ms": 1000,
            "cost_priority": "lowest-cost",
        },
        {"api": {"cold_start": "none", "memory_mb": 256, "provisioned_concurrency": 0}},
        "A table idle most of the day costs nothing on demand and about $2.85 a month at the provisioned "
        "minimum; at 5 rps and lowest cost, SnapStart's version cache would be paid for rare cold starts.",
        project={"table_billing": "on-demand", "log_retention_days": 14},
        costs=["nothing for throughput while the table is idle"],
    ),
    Workload(
        "Alexa skill",
        {"scenario": "alexa-skill", "traffic": "spiky", "peak_rps": 50, "p99_latency_ms": 800},
        {"api": {"cold_start": "snapstart", "memory_mb": 512, "provisioned_concurrency": 0}},
        "The device waits for the spoken answer and usage comes in bursts, so the skill restores from a "
        "snapshot; provisioned capacity is not worth it at an 800 ms target.",
        costs=["SnapStart at 512 MB"],
    ),
    Workload(
        "sensitive partner API behind a Lambda authorizer",
        {
            "scenario": "rest-api",
            "auth": "lambda-authorizer",
            "sensitive_data": True,
            "traffic": "steady",
            "peak_rps": 400,
            "p99_latency_ms": 150,
            "cost_priority": "performance",
        },
        {
            # Steady: the floor is half the 60 concurrent requests, target tracking follows the day up to 86.
            "api": {
                "cold_start": "provisioned-concurrency",
                "provisioned_concurrency": 30,
                "provisioned_concurrency_max": 86,
            },
            # The authorizer's results are cached (300 s), so it runs on a small share of requests.
            "authorizer": {"cold_start": "none", "provisioned_concurrency": 0, "memory_mb": 1024},
        },
        "Partners are separate applications, so each gets an API key for its quota; logs that may hold "
        "personal data are kept 14 days, not the longest period.",
        project={"usage_plan": True, "log_retention_days": 14, "kms": "customer-managed", "table_billing": "on-demand"},
        costs=["provisioned concurrency of 30 (scaling up to 86)"],
    ),
    Workload(
        "busy steady REST API",
        {"scenario": "rest-api", "auth": "cognito", "traffic": "steady", "peak_rps": 500, "p99_latency_ms": 1000},
        {"api": {"cold_start": "none", "memory_mb": 512}},
        "A table busy around the clock at 500 rps is two to three times cheaper provisioned with auto scaling "
        "from half the peak than paid per request.",
        project={"table_billing": "provisioned", "table_read_capacity": 250, "table_write_capacity": 250},
        costs=["floor of 250 RCU and 250 WCU is about $142 a month"],
    ),
]


def _result(kb, workload: Workload):
    return recommend(kb, profile_from_mapping(workload.profile, kb))


@pytest.mark.parametrize(
    ("workload", "kind"),
    [(w, k) for w in WORKLOADS for k in w.kinds],
    ids=[f"{w.name} / {k}" for w in WORKLOADS for k in w.kinds],
)
def test_each_kind_of_function_gets_what_an_expert_would_choose(kb, workload, kind):
    decided = _result(kb, workload).for_kind(kind)
    wrong = {did: (decided[did], want) for did, want in workload.kinds[kind].items() if decided[did] != want}
    assert not wrong, (
        f"{workload.name}: {kind} functions got (value, expected) {wrong}; expected because {workload.why}"
    )


@pytest.mark.parametrize("workload", WORKLOADS, ids=[w.name for w in WORKLOADS])
def test_project_wide_decisions(kb, workload):
    decided = _result(kb, workload).decisions
    wrong = {did: (decided[did], want) for did, want in workload.project.items() if decided[did] != want}
    assert not wrong, f"{workload.name}: {wrong}; expected because {workload.why}"


@pytest.mark.parametrize("workload", [w for w in WORKLOADS if w.costs], ids=[w.name for w in WORKLOADS if w.costs])
def test_costs_are_stated_where_the_decision_is(kb, workload):
    result = _result(kb, workload)
    stated = [reason for rec in result.recommendations for reason in rec.reasons if reason.startswith("Cost:")]
    for phrase in workload.costs:
        assert any(phrase in s for s in stated), (phrase, stated)


@pytest.mark.parametrize("workload", WORKLOADS, ids=[w.name for w in WORKLOADS])
def test_no_cold_start_mitigation_off_the_request_path(kb, workload):
    """Queue, stream, event, workflow and hook functions never pay for warm or snapshotted environments."""
    result = _result(kb, workload)
    for kind, definition in kb.function_kinds.items():
        if definition.synchronous and kind != "authorizer":
            continue
        decided = result.for_kind(kind)
        assert (decided["cold_start"], decided["provisioned_concurrency"]) == ("none", 0), (workload.name, kind)


def test_every_workload_kind_is_a_defined_kind(kb):
    assert {k for w in WORKLOADS for k in w.kinds} <= set(kb.function_kinds)
    assert len(WORKLOADS) >= 8


# --------------------------------------------------------------------------- what the generated template does with them


def _resource(template: str, logical: str) -> str:
    """The text of one top-level resource of a rendered template.yaml."""
    import re

    match = re.search(rf"\n  {logical}:\n(.*?)(?=\n  [A-Za-z0-9]+:\n|\nOutputs:)", template, re.S)
    assert match, logical
    return match.group(1)


def _render(tmp_path, profile: dict[str, Any]) -> str:
    import yaml

    from wa_assist.scaffold import new_project

    source = tmp_path / "profile.yaml"
    source.write_text(yaml.safe_dump({"name": "svc", **profile}), encoding="utf-8")
    new_project(tmp_path / "out", profile=source)
    return (tmp_path / "out" / "template.yaml").read_text(encoding="utf-8")


def test_each_function_of_the_template_gets_its_kinds_settings_and_prod_only_warm_capacity(tmp_path):
    partner = next(w for w in WORKLOADS if w.name == "sensitive partner API behind a Lambda authorizer")
    template = _render(tmp_path, partner.profile)
    items, authorizer = _resource(template, "ItemsFunction"), _resource(template, "AuthorizerFunction")
    assert "ProvisionedConcurrencyConfig: !If\n        - IsProd" in items
    assert "ProvisionedConcurrencyConfig" not in authorizer and "SnapStart" not in authorizer
    scaling = _resource(template, "ItemsFunctionConcurrencyScaling")
    assert "Condition: IsProd" in scaling and "lambda:function:ProvisionedConcurrency" in scaling
    policy = _resource(template, "ItemsFunctionConcurrencyScalingPolicy")
    assert "LambdaProvisionedConcurrencyUtilization" in policy and "TargetValue: 0.7" in policy
    assert "AuthorizerFunctionConcurrencyScaling" not in template
    dev, prod = template.split("\n    dev:\n", 1)[1].split("\n    prod:\n", 1)
    prod = prod.split("\nConditions:", 1)[0]
    assert "ItemsFunctionProvisionedConcurrency: 0\n" in dev and "ItemsFunctionProvisionedConcurrency: 30\n" in prod
    assert "ItemsFunctionProvisionedConcurrencyMax: 86\n" in prod
    assert 'LogEvent: "false"' in prod and "LogLevel: DEBUG" in dev
    # the rollback alarm is a rate, not one error a minute
    errors = _resource(template, "ItemsFunctionErrorsAlarm")
    assert "IF(invocations >= 10, 100 * errors / invocations, 0)" in errors and "Threshold: 1\n" in errors


def test_consumers_alarm_on_their_timeout_and_tolerate_retried_failures(tmp_path):
    orders = next(w for w in WORKLOADS if w.name == "event-driven order system")
    template = _render(tmp_path, orders.profile)
    for logical in ("OrderProcessorFunction", "WorkerFunction"):
        assert "Threshold: 6400" in _resource(template, f"{logical}DurationAlarm"), logical
        assert "Threshold: 5\n" in _resource(template, f"{logical}ErrorsAlarm"), logical
        body = _resource(template, logical)
        assert "SnapStart" not in body and "ProvisionedConcurrencyConfig" not in body, logical
        assert "ReservedConcurrentExecutions" not in body, logical


def test_reports_show_the_per_kind_decisions_and_the_costs(kb):
    import json

    from wa_assist.report import render_json, render_markdown

    result = _result(kb, WORKLOADS[0])
    markdown = render_markdown(result)
    assert "## Decisions per function kind" in markdown
    assert "| api | `provisioned_concurrency` | `60` | svc-lambda-provisioned-concurrency |" in markdown
    assert "- Why: Cost: provisioned concurrency of 60" in markdown
    data = json.loads(render_json(result))
    assert data["function_decisions"]["api"]["cold_start"] == "provisioned-concurrency"
    assert data["function_decision_sources"]["api"]["cold_start"] == "svc-lambda-provisioned-concurrency"
