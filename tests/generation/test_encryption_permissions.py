"""A function that writes to a queue, topic or stream under the project key may use that key to do so.

SQS, SNS and Kinesis encrypt each message with a data key: the sender needs kms:GenerateDataKey, which
kms:Encrypt alone (SAM's KMSEncryptPolicy) does not give. Lambda sends a failed event to a function's
dead-letter queue or on-failure destination with the function's own role, so the same holds there: without
it, failures are lost and the dead-letter alarms never fire. Checked on the SAM-expanded template.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest

from tests.generation.answers import default_answers
from tests.generation.judges import sam_transform
from wa_assist.scaffold import render

# With kms customer-managed, queues, topics and streams are under the project key.
PROFILES = {
    "events-multistep": {"scenario": "event-driven", "sensitive_data": True, "multi_step": True},
    "stream-analytics": {
        "scenario": "stream-processing",
        "sensitive_data": True,
        "access_patterns": ["time-series", "analytics"],
    },
    "stream-long": {"scenario": "stream-processing", "sensitive_data": True, "max_duration_s": 1800},
    "rest-search-async": {
        "scenario": "rest-api",
        "sensitive_data": True,
        "auth": "cognito",
        "access_patterns": ["key-value", "search"],
        "invocation": "async",
    },
    "web-async": {"scenario": "web-app", "sensitive_data": True, "auth": "cognito", "invocation": "async"},
    "mobile-search": {
        "scenario": "mobile-backend",
        "sensitive_data": True,
        "auth": "cognito",
        "access_patterns": ["key-value", "search"],
    },
}
SENDS = re.compile(r"^(sqs:SendMessage|sns:Publish|kinesis:Put)")


def _encrypted(resources: dict[str, Any]) -> set[str]:
    return {
        name
        for name, r in resources.items()
        if (r["Type"] in ("AWS::SQS::Queue", "AWS::SNS::Topic") and "KmsMasterKeyId" in r.get("Properties", {}))
        or (r["Type"] == "AWS::Kinesis::Stream" and "StreamEncryption" in r.get("Properties", {}))
    }


def _statements(role: dict[str, Any]) -> list[dict[str, Any]]:
    policies = role.get("Properties", {}).get("Policies", [])
    return [s for p in policies for s in p["PolicyDocument"]["Statement"]]


def _actions(statement: dict[str, Any]) -> list[str]:
    action = statement.get("Action", [])
    return [action] if isinstance(action, str) else list(action)


def _function_of(reference: Any, functions: list[str]) -> str | None:
    text = json.dumps(reference)
    named = [f for f in functions if re.search(rf'"{f}(Alias\w*)?"', text)]
    return max(named, key=len) if named else None


def _targets(resources: dict[str, Any]) -> dict[str, set[str]]:
    """Per function: the queues, topics and streams it (or Lambda with its role) sends to."""
    functions = [n for n, r in resources.items() if r["Type"] == "AWS::Lambda::Function"]
    found: dict[str, set[str]] = {f: set() for f in functions}
    names = set(resources)

    def refs(value: Any) -> set[str]:
        return {n for n in re.findall(r'"([A-Za-z0-9]+)"', json.dumps(value)) if n in names}

    for name in functions:
        props = resources[name]["Properties"]
        found[name] |= refs(props.get("DeadLetterConfig", {}))
        role = resources.get(props["Role"]["Fn::GetAtt"][0], {}) if isinstance(props.get("Role"), dict) else {}
        for statement in _statements(role):
            if any(SENDS.match(a) for a in _actions(statement)):
                found[name] |= refs(statement.get("Resource"))
    for r in resources.values():
        if r["Type"] in ("AWS::Lambda::EventSourceMapping", "AWS::Lambda::EventInvokeConfig"):
            owner = _function_of(r["Properties"].get("FunctionName"), functions)
            if owner:
                found[owner] |= refs(r["Properties"].get("DestinationConfig", {}))
    return found


@pytest.fixture(scope="module", params=sorted(PROFILES))
def expanded(request, tmp_path_factory) -> tuple[str, dict[str, Any]]:
    dest = tmp_path_factory.mktemp(request.param) / "svc"
    render(dest, default_answers(PROFILES[request.param], {"kms": "customer-managed", "search_engine": "opensearch"}))
    return request.param, sam_transform(Path(dest) / "template.yaml")["Resources"]


def test_senders_to_encrypted_destinations_may_make_data_keys(expanded):
    profile, resources = expanded
    encrypted = _encrypted(resources)
    checked, missing = 0, []
    for function, targets in _targets(resources).items():
        under_key = sorted(targets & encrypted)
        if not under_key:
            continue
        checked += 1
        role = resources[resources[function]["Properties"]["Role"]["Fn::GetAtt"][0]]
        actions = {a for s in _statements(role) if s.get("Effect") == "Allow" for a in _actions(s)}
        if not any(re.fullmatch(a.replace("*", ".*"), "kms:GenerateDataKey") for a in actions):
            missing.append(f"{function} sends to {under_key} without kms:GenerateDataKey")
    assert checked, f"{profile}: no function sends to an encrypted destination"
    assert missing == []
