"""Claims that are true, proved by checks.

Every place an ``implemented_in`` item says a generated project implements a recommendation in
``template.yaml`` names the template check that proves it (``check:``), so the quality gates can hold each
project to it (``JudgeSuite.test_review_with_the_profile_finds_nothing_the_engine_does_not_explain``).
RECOMMENDATIONS.md says, for each place, whether a check verifies it or it is documented only.
"""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from wa_assist.errors import UserError
from wa_assist.kb import load_knowledge

KNOWLEDGE = Path(__file__).resolve().parents[2] / "knowledge"

# template.yaml claims no check proves yet: they are documented only in RECOMMENDATIONS.md. The list may only
# shrink: a claim that gains a check leaves it, and a new template.yaml claim must name its check.
NOT_YET_PROVED = {
    "cost-aware-code-patterns[0]",
    "ops-service-metrics-alarms[1]",
    "ops-application-business-metrics[0]",
    "ops-structured-logging[3]",
    "ops-rollout-deployments[2]",
    "ops-configuration-management[0]",
    "ops-runtime-deprecation-policy[0]",
    "perf-capacity-units[2]",
    "perf-startup-time[8]",
    "perf-async-stream-concurrency[0]",
    "perf-async-stream-concurrency[1]",
    "perf-access-patterns-caching[0]",
    "perf-access-patterns-caching[1]",
    "perf-access-patterns-caching[2]",
    "perf-access-patterns-caching[3]",
    "perf-access-patterns-caching[4]",
    "perf-access-patterns-caching[5]",
    "perf-direct-service-integrations[0]",
    "rel-api-quotas[0]",
    "rel-protect-non-scalable-resources[1]",
    "rel-duplicate-events-idempotency[0]",
    "rel-duplicate-events-idempotency[7]",
    "rel-orchestrate-long-running[1]",
    "rel-burst-scaling[1]",
    "sec-api-endpoint-type[0]",
    "sec-api-endpoint-type[1]",
    "sec-api-endpoint-type[2]",
    "sec-resource-policies[0]",
    "sec-resource-policies[1]",
    "sec-resource-policies[2]",
    "sec-resource-policies[3]",
    "sec-network-traffic-controls[0]",
    "sec-network-traffic-controls[1]",
    "svc-api-gateway-endpoint-types[0]",
    "svc-api-gateway-endpoint-types[1]",
    "svc-api-gateway-caching[0]",
    "svc-api-gateway-authorizers[4]",
    "svc-lambda-provisioned-concurrency[0]",
    "svc-lambda-provisioned-concurrency[1]",
    "svc-lambda-snapstart[0]",
    "svc-lambda-vpc-access[0]",
    "svc-lambda-graviton[0]",
    "svc-dynamodb-capacity-modes[0]",
    "svc-dynamodb-table-design[0]",
    "svc-dynamodb-table-design[1]",
    "svc-dynamodb-dax[0]",
    "svc-dynamodb-ttl[0]",
    "svc-dynamodb-ttl[3]",
    "svc-dynamodb-ttl[5]",
    "svc-dynamodb-pitr-encryption[0]",
    "svc-dynamodb-pitr-encryption[1]",
    "svc-rds-proxy[0]",
    "svc-opensearch[0]",
    "svc-opensearch[2]",
    "svc-athena-s3-select[0]",
    "svc-firehose[0]",
    "svc-s3[0]",
    "svc-kinesis-on-demand-vs-provisioned[0]",
    "svc-kinesis-on-demand-vs-provisioned[1]",
    "svc-kinesis-parallelization-factor[0]",
    "svc-kinesis-enhanced-fanout[0]",
    "svc-tumbling-windows[0]",
    "svc-event-filtering[0]",
    "svc-sdk-retries-backoff[0]",
    "svc-cloudfront-edge[0]",
    "svc-kms-encryption[0]",
    "svc-vpc-endpoints[0]",
    "svc-cloudwatch-logs-insights[0]",
    "svc-parameter-store[0]",
    "svc-sam[0]",
}


@pytest.fixture(scope="module")
def shipped():
    return load_knowledge(use_cache=False)


def _claims(kb, where: str = "template.yaml"):
    for entry in kb.entries.values():
        for i, impl in enumerate(entry.advice.implemented_in if entry.advice else ()):
            if impl.where == where:
                yield f"{entry.id}[{i}]", impl


def test_every_template_claim_names_the_check_that_proves_it(shipped):
    unproved = {key for key, impl in _claims(shipped) if impl.check is None}
    assert unproved - NOT_YET_PROVED == set(), "a template.yaml claim must name the check that proves it"
    assert NOT_YET_PROVED - unproved == set(), "these claims now name a check: remove them from NOT_YET_PROVED"


def test_most_template_claims_are_proved(shipped):
    claims = dict(_claims(shipped))
    proved = [key for key, impl in claims.items() if impl.check]
    assert len(proved) >= 80 and len(proved) > len(claims) // 2


def test_a_check_that_proves_a_claim_belongs_to_a_practice_with_a_detection(shipped):
    from wa_assist.review.registry import load_detections

    detections = load_detections()
    named = {impl.check for entry in shipped.entries.values() if entry.advice for impl in entry.advice.implemented_in}
    named.discard(None)
    assert named and named <= set(detections)


def test_an_unknown_check_id_in_a_claim_is_a_knowledge_error(shipped, tmp_path):
    entries = yaml.safe_load((KNOWLEDGE / "services.yaml").read_text(encoding="utf-8"))["entries"]
    entry = next(e for e in entries if e["id"] == "svc-lambda-memory")
    entry = {**entry, "id": "svc-lambda-memory-copy", "asks": []}
    entry["advice"]["implemented_in"] = [{"where": "template.yaml", "what": "MemorySize", "check": "WA0999"}]
    extra = tmp_path / "mine.yaml"
    extra.write_text(yaml.safe_dump({"entries": [entry]}), encoding="utf-8")
    with pytest.raises(UserError) as caught:
        load_knowledge([extra], use_cache=False)
    assert "WA0999" in str(caught.value) and "check" in str(caught.value)
    entry["advice"]["implemented_in"][0]["check"] = "WA1005"
    extra.write_text(yaml.safe_dump({"entries": [entry]}), encoding="utf-8")
    assert "svc-lambda-memory-copy" in load_knowledge([extra], use_cache=False).entries


def test_recommendations_say_which_places_a_check_verifies(tmp_path):
    from wa_assist.engine import recommend
    from wa_assist.profile import profile_from_mapping
    from wa_assist.scaffold import build_answers, render

    kb = load_knowledge()
    profile = profile_from_mapping({"name": "claims", "scenario": "rest-api", "auth": "cognito"}, kb)
    result = recommend(kb, profile)
    dest = render(tmp_path / "claims", build_answers(profile.to_dict(), result)).dest
    text = (dest / "RECOMMENDATIONS.md").read_text(encoding="utf-8")
    places = [line for line in text.splitlines() if line.startswith("- `")]
    assert places
    assert all(line.endswith("(documented only)") or " (verified by check WA" in line for line in places)
    verified = {
        (impl["where"], impl["what"], impl["check"])
        for rec in result.recommendations
        for impl in rec.implemented_in
        if impl.get("check")
    }
    assert verified
    for where, what, check in verified:
        assert f"- `{where}`: {what} (verified by check {check})" in places
    assert any(line.startswith("- `README.md`") and line.endswith("(documented only)") for line in places)
