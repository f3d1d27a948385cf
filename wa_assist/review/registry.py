"""Detections of template checks, registered under the check ids their knowledge records carry.

A detection is ``fn(template) -> iterable of Hit``: a resource, the path in the template the finding points
at (so the user's line can be found, by wa-assist or by cfn-lint), and fields for the record's message.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from wa_assist.review.template import Loc, Template

Detection = Callable[[Template], Iterable["Hit"]]

DETECTIONS: dict[str, Detection] = {}


@dataclass(frozen=True)
class Hit:
    resource: str
    path: Loc
    fields: dict[str, Any] = field(default_factory=dict, hash=False, compare=False)


def detection(check_id: str) -> Callable[[Detection], Detection]:
    """Register ``fn`` as the detection of ``check_id`` (one detection per id)."""

    def register(fn: Detection) -> Detection:
        if check_id in DETECTIONS:
            raise ValueError(f"check {check_id} has two detections: {DETECTIONS[check_id].__name__} and {fn.__name__}")
        DETECTIONS[check_id] = fn
        return fn

    return register


def load_detections() -> dict[str, Detection]:
    """Every registered detection (importing the check modules registers them)."""
    from wa_assist.review.checks import api, data, functions, identity, messaging, workflows  # noqa: F401

    return DETECTIONS
