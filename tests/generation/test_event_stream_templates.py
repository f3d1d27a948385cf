"""Event-driven and stream-processing templates, checked on the rendered and the SAM-expanded template:
names that two stacks in one account can share, what Firehose writes for Athena, what the project key covers
and which alarms gate the workflow step's deployment."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml
from cfnlint.decode import decode

from tests.generation.answers import default_answers
from tests.generation.judges import sam_transform
from wa_assist.review.catalogue import load_catalogue
from wa_assist.review.registry import load_detections
from wa_assist.review.run import check_template
from wa_assist.review.template import load
from wa_assist.scaffold import render

# The decisions the engine takes for these profiles, as far as the checks below depend on them.
PROFILES = {
    "events-schedule": (
        {"scenario": "event-driven", "schedule": "cron(0 2 * * ? *)", "max_duration_s": 3600},
        {"workflow": "standard", "async_queue": True, "idempotency": True},
    ),
    "events-sensitive": (
        {"scenario": "event-driven", "invocation": "async", "multi_step": True, "sensitive_data": True},
        {
            "kms": "customer-managed",
            "workflow": "express",
            "deployment": "canary",
            "async_queue": True,
            "code_signing": True,
            "secrets_manager": True,
            "idempotency": True,
        },
    ),
    "stream-analytics": (
        {"scenario": "stream-processing", "access_patterns": ["time-series", "analytics"]},
        {"analytics": "firehose-athena", "enhanced_fanout": True, "idempotency": True},
    ),
    "stream-spiky": (
        {"scenario": "stream-processing", "traffic": "spiky", "sensitive_data": True, "max_duration_s": 1800},
        {
            "kms": "customer-managed",
            "workflow": "standard",
            "code_signing": True,
            "secrets_manager": True,
            "idempotency": True,
            "parallelization_factor": 10,
        },
    ),
}


@pytest.fixture(scope="module")
def projects(tmp_path_factory) -> dict[str, Path]:
    out = {}
    for name, (profile, decisions) in PROFILES.items():
        dest = tmp_path_factory.mktemp(name) / "svc"
        render(dest, default_answers(profile, decisions))
        out[name] = dest
    return out


def _raw(project: Path) -> dict[str, Any]:
    template, matches = decode(str(project / "template.yaml"))
    assert not matches
    return dict(template)


def _of_type(resources: dict[str, Any], kind: str) -> dict[str, Any]:
    return {n: r for n, r in resources.items() if r["Type"] == kind}


def test_no_resource_name_is_shared_by_two_stacks(projects):
    catalogue = load_catalogue()
    check = {"WA9028": load_detections()["WA9028"]}
    for name, project in projects.items():
        findings, _, errors = check_template(load(project / "template.yaml"), catalogue, check)
        assert not errors
        assert [f.message for f in findings] == [], name


def test_the_schedule_is_named_after_this_stack(projects):
    resources = sam_transform(projects["events-schedule"] / "template.yaml")["Resources"]
    schedules = _of_type(resources, "AWS::Scheduler::Schedule")
    assert len(schedules) == 1
    (schedule,) = schedules.values()
    text = yaml.safe_dump(schedule["Properties"]["Name"])
    assert "AWS::StackId" in text
    assert "GroupName" not in schedule["Properties"]  # the default group is account-wide: hence the stack id


def test_firehose_writes_one_record_a_line_for_athena(projects):
    resources = _raw(projects["stream-analytics"])["Resources"]
    (stream,) = _of_type(resources, "AWS::KinesisFirehose::DeliveryStream").values()
    s3 = stream["Properties"]["ExtendedS3DestinationConfiguration"]
    processing = s3.get("ProcessingConfiguration", {})
    assert processing.get("Enabled") is True
    delimiters = [p for p in processing["Processors"] if p["Type"] == "AppendDelimiterToRecord"]
    assert delimiters and all("Parameters" not in p for p in delimiters)  # the default delimiter is a newline
    # the table reads one JSON document a line
    (table,) = _of_type(resources, "AWS::Glue::Table").values()
    serde = table["Properties"]["TableInput"]["StorageDescriptor"]["SerdeInfo"]["SerializationLibrary"]
    assert "JsonSerDe" in serde


@pytest.mark.parametrize("name", ["events-schedule", "events-sensitive", "stream-spiky"])
def test_failed_workflow_executions_roll_the_step_back(projects, name):
    """The step's error-rate alarm needs more calls than a workflow makes, and a failed chunk is no function error."""
    resources = sam_transform(projects[name] / "template.yaml")["Resources"]
    groups = [r for r in _of_type(resources, "AWS::CodeDeploy::DeploymentGroup").values() if "WorkflowStep" in str(r)]
    assert len(groups) == 1
    alarms = [a["Name"] for a in groups[0]["Properties"]["AlarmConfiguration"]["Alarms"]]
    failed = [
        n
        for n, r in _of_type(resources, "AWS::CloudWatch::Alarm").items()
        if r["Properties"].get("MetricName") == "ExecutionsFailed" and r["Properties"].get("Namespace") == "AWS/States"
    ]
    assert failed and any(f in str(alarms) for f in failed), alarms


def _key_statements(resources: dict[str, Any]) -> list[dict[str, Any]]:
    return resources["ProjectKey"]["Properties"]["KeyPolicy"]["Statement"]


def test_the_bus_and_its_archive_are_under_the_project_key(projects):
    resources = _raw(projects["events-sensitive"])["Resources"]
    (bus,) = _of_type(resources, "AWS::Events::EventBus").values()
    assert bus["Properties"]["KmsKeyIdentifier"] == {"Fn::GetAtt": ["ProjectKey", "Arn"]}
    (archive,) = _of_type(resources, "AWS::Events::Archive").values()
    assert archive["Properties"]["SourceArn"] == {
        "Fn::GetAtt": [next(iter(_of_type(resources, "AWS::Events::EventBus"))), "Arn"]
    }
    events = [s for s in _key_statements(resources) if s["Principal"].get("Service") == "events.amazonaws.com"]
    assert len(events) == 1
    assert {"kms:Decrypt", "kms:GenerateDataKey"} <= set(events[0]["Action"])
    assert events[0]["Condition"]["StringEquals"]["aws:SourceAccount"] == {"Ref": "AWS::AccountId"}


def test_no_key_grant_to_eventbridge_without_eventbridge(projects):
    resources = _raw(projects["stream-spiky"])["Resources"]
    assert not [
        r
        for r in resources.values()
        if r["Type"] in ("AWS::Events::EventBus", "AWS::Events::Rule", "AWS::Scheduler::Schedule")
    ]
    assert "Events" not in resources["WorkflowStateMachine"]["Properties"]
    services = [s["Principal"].get("Service") for s in _key_statements(resources)]
    assert "events.amazonaws.com" not in services


@pytest.mark.parametrize("name", ["events-schedule", "events-sensitive"])
def test_both_rules_on_the_created_event_match_the_same_events(projects, name):
    """The worker's rule filters like the processor's, so an event without the key reaches neither."""
    resources = _raw(projects[name])["Resources"]
    rules = {
        n: r["Properties"]["EventPattern"]
        for n, r in _of_type(resources, "AWS::Events::Rule").items()
        if r["Properties"]["EventPattern"].get("detail-type") == ["ItemCreated"]
    }
    assert set(rules) == {"ItemCreatedRule", "FulfilmentRule"}, rules
    assert rules["FulfilmentRule"] == rules["ItemCreatedRule"]
    assert rules["FulfilmentRule"]["detail"] == {"itemId": [{"exists": True}]}
