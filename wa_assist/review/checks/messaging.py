"""Checks of event sources, queues, topics and rules: failure handling, retries, batches, fan-out."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from wa_assist.review.checks.common import (
    FUNCTIONS,
    SAM_FN,
    SAM_SM,
    at,
    at_event,
    dead_letter_targets,
    is_sqs_source,
    queue_of,
    timeout,
)
from wa_assist.review.registry import Hit, detection
from wa_assist.review.template import Resource, Template, as_list, get, ref_id, refs_in

_STREAM_EVENTS = ("Kinesis", "DynamoDB", "MSK", "SelfManagedKafka")


def _stream_esms(t: Template) -> Iterator[Resource]:
    for esm in t.of_type("AWS::Lambda::EventSourceMapping"):
        if not is_sqs_source(t, esm.props.get("EventSourceArn")) and esm.props.get("Queues") is None:
            yield esm


@detection("WA1001")
def stream_failure_destination(t: Template) -> Iterator[Hit]:
    for esm in _stream_esms(t):
        if not get(esm.props, "DestinationConfig", "OnFailure", "Destination"):
            yield at(esm)
    for e in t.events(*_STREAM_EVENTS):
        if not get(e.props, "DestinationConfig", "OnFailure", "Destination"):
            yield at_event(e)


def _has_dlq(props: dict[str, Any]) -> bool:
    config = props.get("DeadLetterConfig")
    return isinstance(config, dict) and ("Arn" in config or config.get("Type") == "SQS")


@detection("WA4000")
def rule_dlq(t: Template) -> Iterator[Hit]:
    for rule in t.of_type("AWS::Events::Rule"):
        targets = rule.props.get("Targets")
        if isinstance(targets, list) and not all(get(tg, "DeadLetterConfig", "Arn") for tg in targets):
            yield at(rule, "Targets")
    for e in t.events("CloudWatchEvent", "EventBridgeRule", "Schedule", "ScheduleV2", owners=(SAM_FN, SAM_SM)):
        if not _has_dlq(e.props):
            yield at_event(e)


@detection("WA6000")
def queue_redrive(t: Template) -> Iterator[Hit]:
    dlqs = dead_letter_targets(t)
    for q in t.of_type("AWS::SQS::Queue"):
        if q.props.get("RedrivePolicy") is None and q.id not in dlqs:
            yield at(q)


@detection("WA7000")
def subscription_redrive(t: Template) -> Iterator[Hit]:
    for sub in t.of_type("AWS::SNS::Subscription"):
        if sub.props.get("RedrivePolicy") is None:
            yield at(sub)
    for e in t.events("SNS"):
        if e.props.get("RedrivePolicy") is None:
            yield at_event(e)


def _sqs_consumers(t: Template) -> Iterator[tuple[Resource, Resource, dict[str, Any], Hit]]:
    """(function, queue, event or mapping properties, where to report) for every SQS consumer."""
    for e in t.events("SQS"):
        q = queue_of(t, e.props.get("Queue"))
        if q is not None:
            yield e.function, q, e.props, at_event(e, queue=q.id)
    for esm in t.of_type("AWS::Lambda::EventSourceMapping"):
        q = queue_of(t, esm.props.get("EventSourceArn"))
        fn = t.target(esm.props.get("FunctionName"))
        if q is not None and fn is not None and fn.type in FUNCTIONS:
            yield fn, q, esm.props, at(esm, queue=q.id)


@detection("WA9012")
def visibility_timeout(t: Template) -> Iterator[Hit]:
    for fn, q, props, hit in _sqs_consumers(t):
        fn_timeout = timeout(fn)
        visibility = q.props.get("VisibilityTimeout", 30)
        window = props.get("MaximumBatchingWindowInSeconds", 0)
        if fn_timeout is None or not isinstance(visibility, int) or not isinstance(window, int):
            continue
        needed = 6 * fn_timeout + window
        if visibility < needed:
            hit.fields.update(visibility=visibility, needed=needed, function=fn.id, timeout=fn_timeout)
            yield hit


def _stream_consumers(t: Template) -> Iterator[tuple[dict[str, Any], Hit, Any]]:
    for e in t.events("Kinesis", "DynamoDB"):
        yield e.props, at_event(e), e.props.get("Stream")
    for esm in _stream_esms(t):
        if esm.props.get("StartingPosition") is not None:
            yield esm.props, at(esm), esm.props.get("EventSourceArn")


@detection("WA9013")
def stream_retries(t: Template) -> Iterator[Hit]:
    for props, hit, _ in _stream_consumers(t):
        attempts = props.get("MaximumRetryAttempts", -1)
        age = props.get("MaximumRecordAgeInSeconds", -1)
        if attempts in (-1, None) and age in (-1, None):
            hit.fields["bisect"] = (
                "" if props.get("BisectBatchOnFunctionError") is True else " and does not bisect failing batches"
            )
            yield hit


_BATCH_DEFAULTS = {"SQS": 10, "Kinesis": 100, "DynamoDB": 100}


@detection("WA9014")
def partial_batch(t: Template) -> Iterator[Hit]:
    for e in t.events(*_BATCH_DEFAULTS):
        size = e.props.get("BatchSize", _BATCH_DEFAULTS[e.type])
        if size != 1 and "ReportBatchItemFailures" not in as_list(e.props.get("FunctionResponseTypes")):
            yield at_event(e, size=size)
    for esm in t.of_type("AWS::Lambda::EventSourceMapping"):
        size = esm.props.get("BatchSize", 10)
        if size != 1 and "ReportBatchItemFailures" not in as_list(esm.props.get("FunctionResponseTypes")):
            yield at(esm, size=size, event=esm.id)


@detection("WA9018")
def unwatched_dlq(t: Template) -> Iterator[Hit]:
    watched: set[str] = set()
    for alarm in t.of_type("AWS::CloudWatch::Alarm"):
        watched |= refs_in(alarm.props.get("Dimensions")) | refs_in(alarm.props.get("Metrics"))
    for rid in sorted(dead_letter_targets(t)):
        q = t.resources.get(rid)
        if q is not None and q.type == "AWS::SQS::Queue" and rid not in watched:
            yield at(q)


@detection("WA9031")
def enhanced_fan_out(t: Template) -> Iterator[Hit]:
    by_stream: dict[str, list[tuple[Hit, bool]]] = {}
    for _, hit, source in _stream_consumers(t):
        target = t.target(source)
        if target is None:
            continue
        if target.type == "AWS::Kinesis::StreamConsumer":
            stream = ref_id(target.props.get("StreamARN"))
            if stream:
                by_stream.setdefault(stream, []).append((hit, True))
        elif target.type == "AWS::Kinesis::Stream":
            by_stream.setdefault(target.id, []).append((hit, False))
    for stream, consumers in by_stream.items():
        # A shard serves 5 GetRecords calls and 2 MB per second to all shared-throughput readers together; each
        # Lambda event source polls about once a second, so two fit and a third starts throttling the others.
        if sum(1 for _, efo in consumers if not efo) > 2:
            for hit, efo in consumers:
                if not efo:
                    hit.fields.update(stream=stream, count=len(consumers))
                    yield hit
