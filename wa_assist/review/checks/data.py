"""Checks of DynamoDB tables: capacity and expiry."""

from __future__ import annotations

import re
from collections.abc import Iterator

from wa_assist.review.checks.common import at
from wa_assist.review.registry import Hit, detection
from wa_assist.review.template import Template, get, refs_in


@detection("WA9030")
def provisioned_without_scaling(t: Template) -> Iterator[Hit]:
    scaled: set[str] = set()
    for target in t.of_type("AWS::ApplicationAutoScaling::ScalableTarget"):
        scaled |= refs_in(target.props.get("ResourceId"))
    for table in t.of_type("AWS::DynamoDB::Table"):
        if table.props.get("BillingMode", "PROVISIONED") == "PROVISIONED" and table.id not in scaled:
            keys = ("BillingMode",) if "BillingMode" in table.props else ("ProvisionedThroughput",)
            yield at(table, *keys)
    for table in t.of_type("AWS::Serverless::SimpleTable"):
        if table.props.get("ProvisionedThroughput") is not None and table.id not in scaled:
            yield at(table, "ProvisionedThroughput")


_EPHEMERAL = re.compile(r"(connection|session|idempot|cache|lock|token|otp|nonce)", re.I)


@detection("WA9037")
def ephemeral_ttl(t: Template) -> Iterator[Hit]:
    for table in t.of_type("AWS::DynamoDB::Table", "AWS::Serverless::SimpleTable"):
        name = table.props.get("TableName")
        label = table.id + (name if isinstance(name, str) else "")
        if not _EPHEMERAL.search(label):
            continue
        if get(table.props, "TimeToLiveSpecification", "Enabled") is not True:
            yield at(table, kind=_EPHEMERAL.search(label).group(1).lower())  # type: ignore[union-attr]
