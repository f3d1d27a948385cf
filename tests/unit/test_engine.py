"""The recommendation engine: table-driven cases across the profile space, resolution rules, risk, and
property tests that every valid profile yields a consistent set of decisions."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from wa_assist import engine
from wa_assist.engine import EngineError, recommend, render_text
from wa_assist.kb import KnowledgeBase
from wa_assist.profile import profile_from_mapping
from wa_assist.schema import DecisionType, Entry

API = ["rest-api", "web-app", "mobile-backend"]


def run(kb, rejected=(), **answers):
    return recommend(kb, profile_from_mapping(answers, kb), rejected=frozenset(rejected))


def ids(result):
    return {r.id for r in result.recommendations}


# --------------------------------------------------------------------------- table-driven cases

CASES = [
    # (name, profile, expected decisions, recommended ids, ids that must not be recommended)
    (
        "defaults",
        {},
        {
            "api_auth": "cognito",
            "endpoint_type": "REGIONAL",
            "table_billing": "on-demand",
            "workflow": "none",
            "cold_start": "none",
        },
        {"svc-cognito-user-pools", "svc-dynamodb-capacity-modes", "svc-api-gateway-usage-plans"},
        {"svc-kms-encryption", "svc-dynamodb-dax"},
    ),
    # scenarios
    (
        "rest-api",
        {"scenario": "rest-api"},
        {"cdn": False},
        {"svc-api-gateway-endpoint-types", "svc-api-gateway-request-validation"},
        {"svc-appsync", "svc-eventbridge"},
    ),
    (
        "web-app",
        {"scenario": "web-app"},
        {"cdn": True},
        {"svc-cloudfront-edge", "svc-s3", "svc-api-gateway-logging"},
        {"svc-api-gateway-endpoint-types", "svc-api-gateway-request-validation"},
    ),
    (
        "mobile-backend",
        {"scenario": "mobile-backend"},
        {"api_auth": "cognito"},
        {"svc-appsync", "svc-cognito-user-pools"},
        {"svc-api-gateway-usage-plans"},
    ),
    (
        "stream-processing",
        {"scenario": "stream-processing"},
        {"stream_mode": "on-demand", "enhanced_fanout": False},
        {
            "svc-kinesis-batching",
            "svc-kinesis-iterator-age",
            "svc-kinesis-parallelization-factor",
            "svc-dead-letter-queues",
        },
        {"svc-cognito-user-pools", "svc-api-gateway-usage-plans", "svc-api-gateway-authorizers"},
    ),
    (
        "event-driven",
        {"scenario": "event-driven"},
        {"async_queue": True},
        {"svc-eventbridge", "svc-sqs", "svc-async-error-handling", "svc-event-filtering"},
        {"svc-cognito-user-pools"},
    ),
    (
        "alexa-skill",
        {"scenario": "alexa-skill"},
        {},
        {"svc-lambda-memory", "svc-sam"},
        {"svc-api-gateway-usage-plans", "svc-cognito-user-pools", "svc-kinesis-batching"},
    ),
    # traffic shape and cost priority drive capacity modes
    (
        "steady balanced table",
        {"traffic": "steady", "peak_rps": 400},
        {"table_billing": "provisioned", "table_read_capacity": 200, "table_write_capacity": 200},
        set(),
        set(),
    ),
    (
        "steady read-heavy capacities",
        {"traffic": "steady", "peak_rps": 400, "read_heavy": True, "cost_priority": "lowest-cost"},
        {"table_billing": "provisioned", "table_read_capacity": 320, "table_write_capacity": 80},
        set(),
        set(),
    ),
    (
        "steady performance stays on-demand",
        {"traffic": "steady", "cost_priority": "performance"},
        {"table_billing": "on-demand"},
        set(),
        set(),
    ),
    (
        "spiky on-demand",
        {"traffic": "spiky", "cost_priority": "lowest-cost"},
        {"table_billing": "on-demand"},
        set(),
        set(),
    ),
    (
        "unpredictable on-demand",
        {"traffic": "unpredictable"},
        {"table_billing": "on-demand", "throttle_rate": 150, "throttle_burst": 300},
        set(),
        set(),
    ),
    (
        "steady throttling",
        {"traffic": "steady", "peak_rps": 1000},
        {"throttle_rate": 1200, "throttle_burst": 1500},
        set(),
        set(),
    ),
    (
        "steady stream provisioned",
        {"scenario": "stream-processing", "traffic": "steady", "peak_rps": 4500},
        {"stream_mode": "provisioned", "shard_count": 6},
        set(),
        set(),
    ),
    (
        "spiky stream on-demand",
        {"scenario": "stream-processing", "traffic": "spiky", "peak_rps": 4500},
        {"stream_mode": "on-demand"},
        set(),
        set(),
    ),
    # latency targets: provisioned concurrency, SnapStart, memory
    (
        "tight latency performance",
        {"p99_latency_ms": 80, "cost_priority": "performance", "peak_rps": 200, "traffic": "steady"},
        {"cold_start": "provisioned-concurrency", "provisioned_concurrency": 8, "memory_mb": 1769},
        {"svc-lambda-provisioned-concurrency"},
        {"svc-lambda-snapstart"},
    ),
    (
        "tight latency lowest cost",
        {"p99_latency_ms": 150, "cost_priority": "lowest-cost"},
        {"cold_start": "snapstart", "provisioned_concurrency": 0, "memory_mb": 1024},
        {"svc-lambda-snapstart"},
        {"svc-lambda-provisioned-concurrency"},
    ),
    (
        "moderate latency balanced",
        {"p99_latency_ms": 400},
        {"cold_start": "snapstart", "memory_mb": 512},
        {"svc-lambda-snapstart"},
        set(),
    ),
    (
        "relaxed latency",
        {"p99_latency_ms": 3000, "cost_priority": "lowest-cost"},
        {"cold_start": "none", "memory_mb": 256},
        set(),
        {"svc-lambda-snapstart", "svc-lambda-provisioned-concurrency"},
    ),
    (
        "async needs no cold-start cure",
        {"p99_latency_ms": 50, "invocation": "async", "cost_priority": "performance"},
        {"cold_start": "none"},
        {"svc-websockets-polling", "svc-sqs"},
        {"svc-lambda-provisioned-concurrency", "svc-lambda-snapstart"},
    ),
    # global users
    (
        "global rest api",
        {"scenario": "rest-api", "global_users": True},
        {"endpoint_type": "EDGE"},
        {"svc-cloudfront-edge"},
        set(),
    ),
    (
        "global rest api with mtls",
        {"scenario": "rest-api", "global_users": True, "auth": "mtls"},
        {"endpoint_type": "REGIONAL", "api_auth": "mtls"},
        set(),
        set(),
    ),
    ("global web app", {"scenario": "web-app", "global_users": True}, {"cdn": True}, {"svc-cloudfront-edge"}, set()),
    # duration and orchestration
    (
        "over 15 minutes",
        {"max_duration_s": 3600},
        {"workflow": "standard", "timeout_s": 30},  # the API starts the work; the workflow's steps run it
        {"svc-step-functions-workflow-types", "caution-lambda-15-minute-limit"},
        set(),
    ),
    (
        "between 5 and 15 minutes, multi-step",
        {"max_duration_s": 600, "multi_step": True},
        {"workflow": "standard", "timeout_s": 30},
        set(),
        set(),
    ),
    (
        "short sync multi-step",
        {"multi_step": True, "max_duration_s": 20},
        {"workflow": "express"},
        {"svc-step-functions-express-idempotency"},
        set(),
    ),
    (
        "short async high-volume multi-step",
        {"multi_step": True, "invocation": "async", "peak_rps": 500},
        {"workflow": "express"},
        set(),
        set(),
    ),
    (
        "short async low-volume multi-step",
        {"multi_step": True, "invocation": "async", "peak_rps": 5},
        {"workflow": "standard"},
        set(),
        {"svc-step-functions-express-idempotency"},
    ),
    (
        "single step",
        {"multi_step": False, "max_duration_s": 60},
        {"workflow": "none", "timeout_s": 63},
        set(),
        {"svc-step-functions-workflow-types"},
    ),
    ("sync api beyond 29 s", {"scenario": "rest-api", "max_duration_s": 120}, {}, {"svc-websockets-polling"}, set()),
    # async work
    (
        "async",
        {"invocation": "async"},
        {"async_queue": True, "idempotency": True},
        {"svc-async-error-handling", "svc-dead-letter-queues", "svc-sqs"},
        set(),
    ),
    # Alexa waits for the spoken answer and the GraphQL API answers synchronously: `invocation` does not
    # apply there, so no queue is decided that the project would not build.
    (
        "alexa async is synchronous",
        {"scenario": "alexa-skill", "invocation": "async"},
        {"async_queue": False},
        set(),
        {"svc-sqs"},
    ),
    (
        "mobile async is synchronous",
        {"scenario": "mobile-backend", "invocation": "async"},
        {"async_queue": False},
        set(),
        {"svc-sqs"},
    ),
    # streams
    (
        "stream consumers",
        {"scenario": "stream-processing", "consumers": 3},
        {"enhanced_fanout": True},
        {"svc-kinesis-enhanced-fanout"},
        set(),
    ),
    (
        "stream single consumer relaxed",
        {"scenario": "stream-processing", "consumers": 1, "p99_latency_ms": 5000, "peak_rps": 50},
        {"enhanced_fanout": False, "batching_window_s": 2, "batch_size": 100},
        set(),
        {"svc-kinesis-enhanced-fanout"},
    ),
    (
        "stream tight latency",
        {"scenario": "stream-processing", "p99_latency_ms": 500},
        {"batching_window_s": 0, "enhanced_fanout": True},
        set(),
        set(),
    ),
    (
        "stream high volume",
        {"scenario": "stream-processing", "peak_rps": 20000, "p99_latency_ms": 10000, "traffic": "steady"},
        {"batch_size": 500, "shard_count": 24, "parallelization_factor": 5},
        set(),
        set(),
    ),
    (
        "stream time series",
        {"scenario": "stream-processing", "access_patterns": ["time-series"], "p99_latency_ms": 30000},
        {"tumbling_window_s": 60},
        {"svc-tumbling-windows"},
        set(),
    ),
    # auth
    (
        "auth cognito",
        {"auth": "cognito"},
        {"api_auth": "cognito"},
        {"svc-cognito-user-pools"},
        {"svc-api-gateway-authorizers"},
    ),
    ("auth iam", {"auth": "iam"}, {"api_auth": "iam"}, {"svc-api-gateway-authorizers"}, {"svc-cognito-user-pools"}),
    (
        "auth lambda authorizer",
        {"auth": "lambda-authorizer"},
        {"api_auth": "lambda-authorizer"},
        {"svc-api-gateway-authorizers", "svc-secrets-manager"},
        set(),
    ),
    ("auth mtls", {"auth": "mtls"}, {"api_auth": "mtls"}, {"svc-api-gateway-authorizers"}, set()),
    ("auth none", {"auth": "none"}, {"api_auth": "none"}, {"svc-api-gateway-authorizers"}, set()),
    (
        "mobile mtls falls back to iam",
        {"scenario": "mobile-backend", "auth": "mtls"},
        {"api_auth": "iam"},
        set(),
        set(),
    ),
    # sensitive data
    (
        "sensitive",
        {"sensitive_data": True},
        {"kms": "customer-managed", "log_payloads": False, "secrets_manager": True, "code_signing": True},
        {"svc-kms-encryption", "svc-code-signing", "svc-secrets-manager"},
        set(),
    ),
    (
        "not sensitive",
        {"sensitive_data": False},
        {"kms": "aws-managed"},
        set(),
        {"svc-kms-encryption", "svc-code-signing"},
    ),
    # access patterns
    (
        "relational",
        {"access_patterns": ["relational"]},
        {"relational": "rds-proxy", "table_billing": "on-demand"},
        {"svc-rds-proxy", "svc-lambda-vpc-access", "svc-vpc-endpoints"},
        {"svc-dynamodb-capacity-modes"},
    ),
    (
        "full-text search",
        {"access_patterns": ["full-text-search", "key-value"]},
        {"search_engine": "opensearch"},
        {"svc-opensearch"},
        set(),
    ),
    (
        "analytics",
        {"access_patterns": ["analytics"]},
        {"analytics": "firehose-athena"},
        {"svc-firehose", "svc-athena-s3-select"},
        set(),
    ),
    ("files", {"access_patterns": ["files"]}, {"files_bucket": True}, {"svc-s3"}, {"svc-dynamodb-table-design"}),
    ("query", {"access_patterns": ["query"]}, {"table_gsi": True}, {"svc-dynamodb-table-design"}, set()),
    ("key-value only", {"access_patterns": ["key-value"]}, {"table_gsi": False}, set(), set()),
    ("retention", {"data_retention_days": 30}, {"table_ttl": True}, {"svc-dynamodb-ttl"}, set()),
    ("retention forever", {"data_retention_days": 0}, {"table_ttl": False}, set(), {"svc-dynamodb-ttl"}),
    (
        "no data store",
        {"access_patterns": []},
        {"table_ttl": False, "relational": "none"},
        set(),
        {"svc-dynamodb-capacity-modes", "svc-dynamodb-pitr-encryption"},
    ),
    # caching
    (
        "read heavy tight latency gets dax",
        {"access_patterns": ["key-value"], "read_heavy": True, "p99_latency_ms": 50},
        {"dax": True, "api_cache": False},
        {"svc-dynamodb-dax", "svc-lambda-vpc-access"},
        {"svc-api-gateway-caching"},
    ),
    (
        "read heavy lowest cost gets api cache",
        {"access_patterns": ["key-value"], "read_heavy": True, "p99_latency_ms": 50, "cost_priority": "lowest-cost"},
        {"dax": False, "api_cache": True},
        {"svc-api-gateway-caching"},
        {"svc-dynamodb-dax"},
    ),
    (
        "read heavy relaxed gets api cache",
        {"access_patterns": ["query"], "read_heavy": True, "p99_latency_ms": 800},
        {"dax": False, "api_cache": True},
        set(),
        {"svc-dynamodb-dax"},
    ),
    (
        "read heavy web app caches at the edge only",
        {"scenario": "web-app", "read_heavy": True},
        {"api_cache": False},
        set(),
        {"svc-api-gateway-caching"},
    ),
    # deployment styles
    (
        "all at once",
        {"deployment": "all-at-once"},
        {"deployment_type": "AllAtOnce"},
        {"deployment-all-at-once"},
        {"deployment-canary"},
    ),
    ("blue green", {"deployment": "blue-green"}, {"pre_traffic_hook": True}, {"deployment-blue-green"}, set()),
    ("canary", {"deployment": "canary"}, {"deployment_type": "Canary10Percent5Minutes"}, {"deployment-canary"}, set()),
    (
        "linear",
        {"deployment": "linear"},
        {"deployment_type": "Linear10PercentEvery1Minute"},
        {"deployment-linear"},
        set(),
    ),
    # architecture follows the user's choice
    ("x86", {"architecture": "x86_64"}, {"architecture": "x86_64"}, {"svc-lambda-graviton"}, set()),
    ("arm", {"architecture": "arm64"}, {"architecture": "arm64"}, set(), set()),
]


@pytest.mark.parametrize(("name", "answers", "decisions", "present", "absent"), CASES, ids=[c[0] for c in CASES])
def test_profile_space(kb, name, answers, decisions, present, absent):
    """Expected values are those of the functions that answer callers (kind api), which share every
    project-level decision they do not override."""
    result = run(kb, **answers)
    api = result.for_kind("api")
    for key, value in decisions.items():
        assert api[key] == value, (key, api[key], result.decision_sources[key], result.function_decision_sources)
    assert present <= ids(result), present - ids(result)
    assert not (absent & ids(result)), absent & ids(result)
    assert result.conflicts == []


def test_public_api_gets_the_api_keys_caution(kb):
    authorizers = run(kb, auth="none", sensitive_data=True).get("svc-api-gateway-authorizers")
    assert authorizers.priority == "high"
    assert any("API keys would not change that because they are not authorization" in r for r in authorizers.reasons)
    assert any("do not go together" in r for r in authorizers.reasons)


def test_reasons_cite_the_profile(kb):
    result = run(
        kb, traffic="steady", peak_rps=321, scenario="stream-processing", consumers=4, access_patterns=["time-series"]
    )
    capacity = result.get("svc-kinesis-on-demand-vs-provisioned")
    assert any("steady" in r and "321" in r for r in capacity.reasons), capacity.reasons
    fanout = result.get("svc-kinesis-enhanced-fanout")
    assert any(r.startswith("4 applications read the stream") for r in fanout.reasons)
    for rec in result.recommendations:
        assert rec.reasons, rec.id
        for reason in rec.reasons:
            assert not re.search(r"\{[a-z_]+\}", reason), (rec.id, reason)


def test_every_recommendation_traces_to_the_lens_where_one_exists(kb):
    result = run(kb, scenario="rest-api", sensitive_data=True, invocation="async", multi_step=True)
    practice = result.get("rel-manage-failures") or next(r for r in result.recommendations if r.entry.lens)
    assert practice.lens["practice"] == practice.id and practice.lens["choice"] == practice.entry.lens.choice
    dlq = result.get("svc-dead-letter-queues")
    assert dlq.lens == {
        "question": "rel_q2",
        "choice": "rel_rel_q2_a1",
        "tier": "required",
        "practice": "rel-manage-failures",
    }
    kms = result.get("svc-kms-encryption")
    assert kms.lens is not None and kms.lens["question"].startswith("sec_")
    for rec in result.recommendations:
        has_lens_related = rec.entry.lens is not None or any(
            kb.entries[r].lens is not None for r in rec.entry.related if r in kb.entries
        )
        assert (rec.lens is not None) == has_lens_related, rec.id


def test_implemented_in_follows_resolved_decisions(kb):
    on_demand = run(kb, traffic="spiky").get("svc-dynamodb-capacity-modes")
    provisioned = run(kb, traffic="steady").get("svc-dynamodb-capacity-modes")
    assert [i["what"] for i in on_demand.implemented_in] == ["Table BillingMode: PAY_PER_REQUEST"]
    assert "ProvisionedThroughput" in provisioned.implemented_in[0]["what"]


def test_ordering_is_by_pillar_then_priority_then_title(kb):
    result = run(kb, sensitive_data=True, scenario="web-app", multi_step=True)
    keys = [
        (engine.PILLAR_ORDER.index(engine.Pillar(r.pillar)), r.priority_rank, r.title.lower())
        for r in result.recommendations
    ]
    assert keys == sorted(keys)
    assert (
        run(kb, sensitive_data=True, scenario="web-app", multi_step=True).recommendations == result.recommendations
    )  # deterministic


def test_rejecting_a_recommendation_drops_its_decisions_and_raises_risk(kb):
    accepted = run(kb, sensitive_data=True)
    assert accepted.decisions["kms"] == "customer-managed"
    rejected = run(kb, rejected={"svc-kms-encryption", "rel-throttling"}, sensitive_data=True)
    assert rejected.decisions["kms"] == "aws-managed" and rejected.decision_sources["kms"] == "default"
    assert "svc-kms-encryption" not in ids(rejected)
    assert [r.id for r in rejected.rejected] == ["svc-kms-encryption", "rel-throttling"]  # security before reliability
    assert rejected.get("svc-kms-encryption") is None
    rel_q1 = rejected.risk["questions"]["rel_q1"]
    assert rel_q1["risk"] == "high"  # throttling is a Required practice
    assert rejected.risk["pillars"]["reliability"] == "high"
    assert accepted.risk["questions"]["rel_q1"]["risk"] == "unverified"  # nothing rejected, nothing verified


def test_risk_tells_pending_accepted_and_rejected_apart(kb):
    pending = run(kb)
    assert set(pending.risk["pillars"].values()) == {"unverified"}  # never "none" by assumption
    statuses = {p["status"] for q in pending.risk["questions"].values() for p in q["practices"]}
    assert "accepted" not in statuses and "pending" in statuses
    everything = {r.id for r in pending.recommendations}
    accepted = recommend(kb, pending.profile, accepted_ids=everything)
    assert set(accepted.risk["pillars"].values()) == {"unverified"}  # accepted is not verified in place
    counts = accepted.risk["pillar_counts"]["reliability"]
    assert counts["accepted"] > 0 and counts["pending"] == 0 and counts["rejected"] == 0
    rejected = recommend(kb, pending.profile, rejected={"rel-throttling"}, accepted_ids=everything)
    assert rejected.risk["pillars"]["reliability"] == "high"
    assert rejected.risk["pillar_counts"]["reliability"]["rejected"] == 1
    practices = [p for q in accepted.risk["questions"].values() for p in q["practices"]]
    implemented = {p["id"] for p in practices}
    verified = engine.assess_risk(kb, set(), set(), set(), implemented=implemented)
    assert set(verified["pillars"].values()) == {"none"}  # only verified practices mean no risk


def test_rejecting_a_good_practice_gives_medium_risk(kb):
    good = next(
        e for e in kb.entries.values() if e.lens and e.lens.tier.value == "good" and e.lens.question == "ops_q1"
    )
    result = run(kb, rejected={good.id})
    assert result.risk["questions"]["ops_q1"]["risk"] == "medium"
    assert result.risk["pillars"]["operational-excellence"] == "medium"


def test_rejecting_something_that_does_not_apply_is_reported(kb):
    result = run(kb, rejected={"svc-kinesis-batching"}, scenario="rest-api")
    assert result.unknown_rejections == ["svc-kinesis-batching"]
    assert result.rejected == []


def test_risk_covers_every_lens_question(kb):
    result = run(kb)
    assert set(result.risk["questions"]) == set(kb.lens_questions) and len(kb.lens_questions) == 9
    for q in result.risk["questions"].values():
        assert q["practices"], q["title"]
    assert set(result.risk["pillars"]) == {
        "operational-excellence",
        "security",
        "reliability",
        "performance-efficiency",
        "cost-optimization",
    }


def test_render_text_fills_profile_fields_only():
    values = {"peak_rps": 5, "access_patterns": ["key-value", "query"], "read_heavy": True, "global_users": False}
    assert render_text("{peak_rps} rps over {access_patterns}", values) == "5 rps over key-value, query"
    assert render_text("read heavy {read_heavy}, global {global_users}", values) == "read heavy yes, global no"
    assert (
        render_text("{peak_rps.__class__} {access_patterns[0]} {unknown}", values)
        == "{peak_rps.__class__} {access_patterns[0]} {unknown}"
    )
    assert render_text("{peak_rps!r:>10}", values) == "5"
    assert render_text("unbalanced {peak_rps", values) == "unbalanced {peak_rps"


def test_engine_holds_no_advice():
    """No profile field or decision value appears in the engine's code: advice lives in YAML."""
    source = Path(engine.__file__).read_text(encoding="utf-8")
    for word in (
        "rest-api",
        "steady",
        "spiky",
        "on-demand",
        "provisioned",
        "peak_rps",
        "p99_latency_ms",
        "sensitive_data",
        "cognito",
        "snapstart",
    ):
        assert word not in source, word


# --------------------------------------------------------------------------- resolution rules on a small knowledge base


def _entry(
    eid: str, priority, sets: dict, applies: dict | None = None, pillar: str = "performance-efficiency"
) -> Entry:
    return Entry.model_validate(
        {
            "id": eid,
            "kind": "service-guidance",
            "pillars": [pillar],
            "title": f"Entry {eid}",
            "summary": "A test entry for conflict resolution.",
            "body": "A body long enough for the schema to accept it.",
            "advice": {
                "applies": applies or {},
                "priority": priority,
                "reasons": [{"text": "Because the profile says {traffic}."}],
                "decisions": [{"set": sets}],
            },
        }
    )


def _small_kb(kb, *entries: Entry) -> KnowledgeBase:
    return KnowledgeBase(
        {e.id: e for e in entries}, kb.questions, kb.decisions, [], function_kinds=kb.function_kinds, prices=kb.prices
    )


def _advice_entry(eid: str, advice: dict) -> Entry:
    return Entry.model_validate(
        {
            "id": eid,
            "kind": "service-guidance",
            "pillars": ["performance-efficiency"],
            "title": f"Entry {eid}",
            "summary": "A test entry for per-kind decisions.",
            "body": "A body long enough for the schema to accept it.",
            "advice": {"priority": "medium", "reasons": [{"text": "Because the profile says {traffic}."}], **advice},
        }
    )


def test_a_case_that_tests_the_function_kind_decides_for_that_kind_only(kb):
    small = _small_kb(
        kb,
        _advice_entry(
            "sizes",
            {
                "decisions": [
                    {"when": {"function_kind": ["queue", "stream"]}, "set": {"memory_mb": 2048}},
                    {"when": {"function_kind": "hook"}, "set": {"memory_mb": 128}},
                    {"set": {"memory_mb": 512}},
                ],
                "implemented_in": [{"when": {"decision.memory_mb": 2048}, "where": "template.yaml", "what": "big"}],
            },
        ),
    )
    result = recommend(small, profile_from_mapping({}, kb))
    assert result.decisions["memory_mb"] == 512  # the project-level value ignores the per-kind cases
    assert result.function_decisions == {
        "stream": {"memory_mb": 2048},
        "queue": {"memory_mb": 2048},
        "hook": {"memory_mb": 128},
    }
    assert result.function_decision_sources["queue"] == {"memory_mb": "sizes"}
    assert result.for_kind("api")["memory_mb"] == 512 and result.for_kind("queue")["memory_mb"] == 2048
    # implemented_in holds when it holds for any kind
    assert result.get("sizes").implemented_in == [{"where": "template.yaml", "what": "big"}]


def test_per_kind_expressions_read_the_kinds_own_decisions(kb):
    small = _small_kb(
        kb,
        _advice_entry(
            "alarms",
            {
                "decisions": [
                    {"when": {"function_kind": "queue"}, "set": {"timeout_s": 60}},
                    {"set": {"duration_alarm_ms": {"expr": "decision.timeout_s * 800"}, "timeout_s": 10}},
                ]
            },
        ),
    )
    result = recommend(small, profile_from_mapping({}, kb))
    assert result.decisions["duration_alarm_ms"] == 8000
    assert result.for_kind("queue")["duration_alarm_ms"] == 48000


def test_costs_are_computed_from_list_prices_and_added_to_the_reasons(kb):
    small = _small_kb(
        kb,
        _advice_entry(
            "warm",
            {
                "decisions": [
                    {
                        "when": {"function_kind": "api"},
                        "set": {"cold_start": "provisioned-concurrency", "provisioned_concurrency": 10},
                    }
                ],
                "costs": [
                    {
                        "function_kind": "api",
                        "when": {"decision.cold_start": "provisioned-concurrency"},
                        "text": "Cost: {n} environments at {mb} MB, about ${usd} a month; rate ${rate}.",
                        "values": {
                            "n": {"expr": "decision.provisioned_concurrency"},
                            "mb": {"expr": "decision.memory_mb * 4"},
                            "usd": {"expr": "decision.provisioned_concurrency * 3600 * 730 * price_lambda_pc_gb_s_arm"},
                            "rate": {"expr": "price_dynamodb_on_demand_write_million"},
                        },
                    },
                    {"when": {"decision.cold_start": "snapstart"}, "text": "Cost: never shown here.", "values": {}},
                ],
            },
        ),
    )
    rec = recommend(small, profile_from_mapping({}, kb)).get("warm")
    price = kb.prices["price_lambda_pc_gb_s_arm"].usd
    expected = f"{10 * 3600 * 730 * price:,.2f}"  # below $100: cents shown
    assert rec.costs == [f"Cost: 10 environments at 2,048 MB, about ${expected} a month; rate $0.625."]
    assert rec.reasons[-1] == rec.costs[0]


def test_every_price_says_where_and_when_it_was_read(kb):
    assert kb.prices
    for price in kb.prices.values():
        assert price.reference.startswith("https://aws.amazon.com/") and price.checked and price.region


def test_higher_priority_wins_and_the_conflict_says_so(kb):
    small = _small_kb(
        kb,
        _entry("a-low", "low", {"table_billing": "on-demand"}),
        _entry("b-high", "high", {"table_billing": "provisioned"}),
    )
    result = recommend(small, profile_from_mapping({}, kb))
    assert result.decisions["table_billing"] == "provisioned"
    assert result.decision_sources["table_billing"] == "b-high"
    (conflict,) = result.conflicts
    assert conflict.winner == "b-high" and conflict.overruled == [
        {"entry": "a-low", "value": "on-demand", "priority": "low"}
    ]
    assert "higher priority (high over low)" in conflict.reason


def test_equal_priority_uses_decision_value_order_and_prefer(kb):
    small = _small_kb(
        kb,
        _entry("a", "medium", {"table_billing": "provisioned", "memory_mb": 256, "log_retention_days": 90}),
        _entry("b", "medium", {"table_billing": "on-demand", "memory_mb": 1024, "log_retention_days": 7}),
    )
    result = recommend(small, profile_from_mapping({}, kb))
    assert result.decisions["table_billing"] == "on-demand"  # listed first in decisions.yaml
    assert result.decisions["memory_mb"] == 1024  # prefer: higher (the default)
    assert result.decisions["log_retention_days"] == 7  # prefer: lower
    reasons = {c.decision: c.reason for c in result.conflicts}
    assert "lists 'on-demand' before 'provisioned'" in reasons["table_billing"]
    assert "prefers the lower value" in reasons["log_retention_days"]


def test_agreeing_entries_are_not_a_conflict(kb):
    small = _small_kb(kb, _entry("a", "medium", {"dax": True}), _entry("b", "high", {"dax": True}))
    result = recommend(small, profile_from_mapping({}, kb))
    assert result.decisions["dax"] is True and result.conflicts == []
    assert result.decision_sources["dax"] == "b"


def test_expressions_may_read_other_decisions_in_dependency_order(kb):
    small = _small_kb(
        kb,
        _entry(
            "first", "medium", {"parallelization_factor": {"expr": "min(10, decision.shard_count + batch_size // 100)"}}
        ),
        _entry("second", "medium", {"shard_count": {"expr": "3"}, "batch_size": 500}),
    )
    result = recommend(small, profile_from_mapping({}, kb))
    assert result.decisions["parallelization_factor"] == 8


def test_computed_values_are_clamped_and_rounded_up(kb):
    small = _small_kb(
        kb, _entry("a", "medium", {"memory_mb": {"expr": "peak_rps * 1000"}, "batch_size": {"expr": "peak_rps / 3"}})
    )
    result = recommend(small, profile_from_mapping({"peak_rps": 100}, kb))
    assert result.decisions["memory_mb"] == 10240
    assert result.decisions["batch_size"] == 34


@pytest.mark.parametrize(
    ("sets", "message"),
    [
        ({"table_billing": {"expr": "'sometimes'"}}, "not allowed for decision 'table_billing'"),
        ({"dax": {"expr": "peak_rps"}}, "needs true or false"),
        ({"memory_mb": {"expr": "peak_rps / (consumers - 1)"}}, "division by zero"),
        ({"shard_count": {"expr": "decision.batch_size"}, "batch_size": {"expr": "decision.shard_count"}}, "cycle"),
    ],
)
def test_bad_advice_is_an_engine_error(kb, sets, message):
    small = _small_kb(kb, _entry("bad", "medium", sets))
    with pytest.raises(EngineError, match=message):
        recommend(small, profile_from_mapping({}, kb))


# --------------------------------------------------------------------------- properties over the whole profile space


def _answer(q):
    if q.type.value == "choice":
        return st.sampled_from(q.values)
    if q.type.value == "multi":
        return st.lists(st.sampled_from(q.values), unique=True, max_size=len(q.values))
    if q.type.value == "boolean":
        return st.booleans()
    if q.type.value == "integer":
        edges = [
            v
            for v in (q.minimum, q.maximum, 1, 29, 30, 100, 200, 300, 301, 500, 899, 900, 901, 1000)
            if q.minimum <= v <= q.maximum
        ]
        return st.one_of(st.sampled_from(edges), st.integers(q.minimum, q.maximum))
    return st.just(q.default)


@pytest.fixture(scope="module")
def profiles(kb):
    return st.fixed_dictionaries({q.id: _answer(q) for q in kb.questions})


def _check_consistent(kb, result):
    p = result.profile
    d = result.decisions
    assert set(d) == set(kb.decisions)
    for did, decision in kb.decisions.items():
        value = d[did]
        if decision.type is DecisionType.choice:
            assert value in decision.values, (did, value)
        elif decision.type is DecisionType.boolean:
            assert isinstance(value, bool), (did, value)
        else:
            assert isinstance(value, int) and not isinstance(value, bool), (did, value)
            assert decision.minimum <= value <= decision.maximum, (did, value)
    assert result.conflicts == []
    assert d["timeout_s"] <= 900
    if p["max_duration_s"] > 900:
        assert d["workflow"] == "standard"
    if d["workflow"] == "express":
        assert p["max_duration_s"] <= 300
    if p["multi_step"]:
        assert d["workflow"] != "none"
    if p["max_duration_s"] <= 897:
        assert d["timeout_s"] >= p["max_duration_s"] + 3
    assert (d["cold_start"] == "provisioned-concurrency") == (d["provisioned_concurrency"] > 0)
    for kind, definition in kb.function_kinds.items():
        k = result.for_kind(kind)
        for did, value in result.function_decisions.get(kind, {}).items():
            decision = kb.decisions[did]
            if decision.type is DecisionType.integer:
                assert decision.minimum <= value <= decision.maximum, (kind, did, value)
        assert (k["cold_start"] == "provisioned-concurrency") == (k["provisioned_concurrency"] > 0), kind
        assert k["provisioned_concurrency_max"] >= k["provisioned_concurrency"], kind
        if k["reserved_concurrency"] > 0:
            assert k["reserved_concurrency"] >= k["provisioned_concurrency_max"], kind
            assert k["reserved_concurrency"] <= 250, kind  # three such functions fit a 1,000 quota
        if k["cold_start"] != "none":
            assert kind == "api", kind  # only functions that answer callers pay for warm starts
            assert p["invocation"] == "sync" and p["scenario"] not in ("stream-processing", "event-driven")
        if not definition.synchronous and kind != "hook":
            assert k["error_rate_alarm_pct"] > d["error_rate_alarm_pct"], kind
            assert k["duration_alarm_ms"] == k["timeout_s"] * 800, kind
    assert not (d["dax"] and d["api_cache"])
    if d["api_cache"]:
        assert p["scenario"] == "rest-api" and p["read_heavy"]
    if d["table_billing"] == "provisioned":
        assert p["traffic"] == "steady" and p["peak_rps"] >= 100
    if p["traffic"] != "steady":
        assert d["table_billing"] == "on-demand" and d["stream_mode"] == "on-demand"
    assert d["throttle_burst"] >= d["throttle_rate"]
    assert d["endpoint_type"] == (
        "EDGE" if p["scenario"] == "rest-api" and p["global_users"] and p["auth"] != "mtls" else "REGIONAL"
    )
    assert (d["kms"] == "customer-managed") == p["sensitive_data"]
    if p["sensitive_data"]:
        assert d["log_payloads"] is False
    assert (d["relational"] == "rds-proxy") == ("relational" in p["access_patterns"])
    assert (d["search_engine"] == "opensearch") == ("full-text-search" in p["access_patterns"])
    assert (d["analytics"] == "firehose-athena") == ("analytics" in p["access_patterns"])
    assert d["files_bucket"] == ("files" in p["access_patterns"])
    assert d["table_gsi"] == ("query" in p["access_patterns"])
    if d["table_ttl"]:
        assert p["data_retention_days"] > 0
    if p["scenario"] == "stream-processing":
        assert d["enhanced_fanout"] or p["consumers"] == 1
        assert 1 <= d["parallelization_factor"] <= 10
        if d["tumbling_window_s"]:
            assert "time-series" in p["access_patterns"]
    if p["scenario"] in API:
        expected = "iam" if p["scenario"] == "mobile-backend" and p["auth"] == "mtls" else p["auth"]
        assert d["api_auth"] == expected
    if p["deployment"] != "all-at-once":
        assert d["deployment_type"] != "AllAtOnce" or d["pre_traffic_hook"]
    for rec in result.recommendations:
        assert rec.reasons and all("{" not in r for r in rec.reasons), rec.id


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_every_valid_profile_yields_consistent_decisions(kb, profiles, data):
    answers = data.draw(profiles)
    result = recommend(kb, profile_from_mapping(answers, kb))
    _check_consistent(kb, result)


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_rejections_keep_decisions_valid(kb, profiles, data):
    answers = data.draw(profiles)
    profile = profile_from_mapping(answers, kb)
    full = recommend(kb, profile)
    chosen = data.draw(st.lists(st.sampled_from([r.id for r in full.recommendations]), unique=True, max_size=8))
    result = recommend(kb, profile, rejected=frozenset(chosen))
    assert {r.id for r in result.rejected} == set(chosen)
    assert not ({r.id for r in result.recommendations} & set(chosen))
    for did, source in result.decision_sources.items():
        assert source not in chosen, did
    levels = engine.RISK_LEVELS
    for pillar, level in result.risk["pillars"].items():
        assert levels.index(level) >= levels.index(full.risk["pillars"][pillar])  # rejecting never lowers risk


@pytest.mark.parametrize(
    ("advice", "message"),
    [
        (
            "applies: {function_kind: api}\n      decisions: [{set: {memory_mb: 512}}]",
            "'function_kind' can only be tested in a decision case's 'when'",
        ),
        ("decisions: [{when: {function_kind: cron}, set: {memory_mb: 512}}]", "unknown kind 'cron'"),
        ("decisions: [{when: {function_kind: {gt: api}}, set: {memory_mb: 512}}]", "operator 'gt' does not apply"),
        (
            "costs: [{text: 'Cost: {usd} a month.', values: {dollars: {expr: '1'}}}]",
            "placeholder {usd} is not one of the cost's values",
        ),
        ("costs: [{text: 'Cost: {usd} a month.', values: {usd: {expr: 'price_of_gold'}}}]", "price_of_gold"),
        ("costs: [{function_kind: cron, text: 'Cost: nothing at all.'}]", "unknown function kind 'cron'"),
    ],
)
def test_per_kind_advice_is_validated_where_it_is_written(tmp_path, advice, message):
    from wa_assist.kb import KnowledgeError, load_knowledge

    path = tmp_path / "mine.yaml"
    path.write_text(
        "entries:\n"
        "  - id: my-rule\n"
        "    kind: practice\n"
        "    pillars: [performance-efficiency]\n"
        "    title: My rule\n"
        "    summary: A rule of this organisation for its functions.\n"
        "    body: A body long enough for the schema to accept it.\n"
        "    keywords: [mine]\n"
        "    advice:\n"
        "      priority: low\n"
        "      reasons: [{text: 'Because we say so here.'}]\n"
        f"      {advice}\n",
        encoding="utf-8",
    )
    with pytest.raises(KnowledgeError) as info:
        load_knowledge([path], use_cache=False)
    problems = [str(p) for p in info.value.problems]
    assert any(message in p and "mine.yaml" in p for p in problems), problems


@pytest.mark.parametrize(
    ("answers", "long_kinds"),
    [
        # A state machine runs the work: only its steps get the duration and a full vCPU.
        ({"scenario": "event-driven", "max_duration_s": 3600}, {"workflow-step"}),
        ({"scenario": "stream-processing", "max_duration_s": 600, "multi_step": True}, {"workflow-step"}),
        # No state machine: the functions themselves do the work.
        (
            {"scenario": "event-driven", "max_duration_s": 600},
            {"event", "queue", "api", "stream", "scheduled", "workflow-step"},
        ),
    ],
)
def test_only_the_functions_that_do_long_work_get_its_timeout_and_memory(kb, answers, long_kinds):
    result = run(kb, **answers)
    expected = min(900, answers["max_duration_s"] + 3)
    for kind in ("api", "event", "queue", "stream", "scheduled", "workflow-step"):
        decided = result.for_kind(kind)
        if kind in long_kinds:
            assert (decided["timeout_s"], decided["memory_mb"]) == (expected, 1769), kind
        else:
            assert decided["timeout_s"] == 30 and decided["memory_mb"] < 1769, (kind, decided["timeout_s"])


def test_a_rejected_workflow_leaves_the_work_and_its_timeout_in_the_functions(kb):
    answers = {"scenario": "event-driven", "max_duration_s": 600, "multi_step": True}
    assert run(kb, **answers).for_kind("event")["timeout_s"] == 30
    rejected = run(kb, rejected={"svc-step-functions-workflow-types"}, **answers)
    assert rejected.decisions["workflow"] == "none"
    assert rejected.for_kind("event")["timeout_s"] == 603


def test_bursts_cap_the_workflow_step_but_steady_traffic_does_not(kb):
    """A Map state bounds one execution's chunks, not how many executions a burst of records starts."""
    base = {"scenario": "stream-processing", "sensitive_data": True, "max_duration_s": 1800}
    spiky = recommend(kb, profile_from_mapping({**base, "traffic": "spiky"}, kb))
    steady = recommend(kb, profile_from_mapping({**base, "traffic": "steady"}, kb))
    assert spiky.decisions["workflow"] == steady.decisions["workflow"] == "standard"
    assert spiky.function_decisions["workflow-step"]["reserved_concurrency"] == 50
    assert steady.function_decisions.get("workflow-step", {}).get("reserved_concurrency", 0) == 0
    assert spiky.function_decisions.get("stream", {}).get("reserved_concurrency", 0) == 0


def test_a_stream_table_is_provisioned_for_every_record_it_writes(kb):
    """Each record the consumer reads is a write: half the peak as the floor throttles it at every peak."""
    base = {"traffic": "steady", "peak_rps": 100, "cost_priority": "balanced"}
    stream = recommend(kb, profile_from_mapping({**base, "scenario": "stream-processing"}, kb))
    api = recommend(kb, profile_from_mapping({**base, "scenario": "rest-api"}, kb))
    assert stream.decisions["table_billing"] == api.decisions["table_billing"] == "provisioned"
    assert stream.decisions["table_write_capacity"] >= 100
    assert api.decisions["table_write_capacity"] == 50
