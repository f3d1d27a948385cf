"""No check crashes on odd values: every property of the realistic templates replaced by an intrinsic, a list,
a number, a string or nothing (what users write with !If, !Ref of parameters, or by mistake)."""

from __future__ import annotations

import copy
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from wa_assist.review.registry import load_detections
from wa_assist.review.template import Template, load

REALISTIC = Path(__file__).parent / "fixtures" / "realistic"
TEMPLATES = sorted([*REALISTIC.glob("*.yaml"), *REALISTIC.glob("*.json"), REALISTIC / "stock-trader" / "template.yaml"])
ODD: list[Any] = [None, 7, "text", ["item"], {"Fn::If": ["Cond", 1, 2]}, {"Ref": "AWS::NoValue"}]


def _locations(value: Any, loc: tuple[Any, ...] = ()) -> Iterator[tuple[Any, ...]]:
    yield loc
    items = value.items() if isinstance(value, dict) else enumerate(value) if isinstance(value, list) else ()
    for key, inner in items:
        yield from _locations(inner, (*loc, key))


@pytest.mark.parametrize("path", TEMPLATES, ids=lambda p: p.name)
def test_checks_survive_odd_values(path):
    original = load(path)
    detections = load_detections()
    locations = [loc for loc in _locations(original.data) if loc and loc[0] in ("Resources", "Globals")]
    for i, loc in enumerate(locations):
        odd = ODD[i % len(ODD)]  # every location gets one odd value, the values rotate
        data = copy.deepcopy(original.data)
        target = data
        for key in loc[:-1]:
            target = target[key]
        target[loc[-1]] = odd
        t = Template.from_data(data, str(path))
        for cid, detect in detections.items():
            try:
                list(detect(t))
            except Exception as exc:  # pragma: no cover - the failure message is the point
                pytest.fail(f"{cid} crashed on {path.name} with {'/'.join(map(str, loc))} = {odd!r}: {exc!r}")


def test_a_failing_check_is_reported_and_the_others_still_run():
    from wa_assist.review.catalogue import load_catalogue
    from wa_assist.review.run import check_template

    def broken(t):
        raise KeyError("boom")

    detections = {"WA1000": broken, "WA1006": load_detections()["WA1006"]}
    findings, _, errors = check_template(load(REALISTIC / "websocket-chat.yaml"), load_catalogue(), detections)
    assert [f.check for f in findings] == ["WA1006"]
    assert len(errors) == 1 and "check WA1000 could not evaluate this template" in errors[0].message


def test_policy_templates_are_expanded_as_sam_defines_them():
    from wa_assist.review.checks.common import expanded_statements
    from wa_assist.review.template import refs_in

    t = Template.from_data(
        {
            "Resources": {
                "Fn": {
                    "Type": "AWS::Serverless::Function",
                    "Properties": {
                        "Policies": [
                            {"S3CrudPolicy": {"BucketName": {"Ref": "Uploads"}}},
                            {"S3CrudPolicy": {}},  # a missing parameter: SAM rejects it, nothing to expand
                            {"Statement": [{"Effect": "Allow", "Action": "sqs:SendMessage", "Resource": "*"}]},
                        ]
                    },
                }
            }
        }
    )
    found, complete = expanded_statements(t.resources["Fn"])
    assert complete is False
    puts = [st for st in found if "s3:PutObject" in st.get("Action", [])]
    assert puts and "Uploads" in refs_in(puts[0]["Resource"])
    assert any(st.get("Action") == "sqs:SendMessage" for st in found)
