"""Checks of Step Functions state machines: tracing, logging, error handling, polling, workflow type."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from wa_assist.review.checks.common import RAW_SM, SAM_SM, at
from wa_assist.review.registry import Hit, detection
from wa_assist.review.template import Resource, Template, TemplateError, as_list, get


@detection("WA5000")
def state_machine_tracing(t: Template) -> Iterator[Hit]:
    for sm in t.of_type(SAM_SM):
        if get(sm.props, "Tracing", "Enabled") is not True:
            yield at(sm, "Tracing") if "Tracing" in sm.props else at(sm)
    for sm in t.of_type(RAW_SM):
        if get(sm.props, "TracingConfiguration", "Enabled") is not True:
            yield at(sm, "TracingConfiguration") if "TracingConfiguration" in sm.props else at(sm)


@detection("WA9027")
def state_machine_logging(t: Template) -> Iterator[Hit]:
    for sm in t.of_type(SAM_SM, RAW_SM):
        key = "Logging" if sm.type == SAM_SM else "LoggingConfiguration"
        config = sm.props.get(key)
        level = get(config, "Level", default="OFF")
        if level == "OFF" or not get(config, "Destinations"):
            yield at(sm, key) if key in sm.props else at(sm)


# --------------------------------------------------------------------------- definitions

_SUB = re.compile(r"\$\{[^}]*\}")


def definition(t: Template, sm: Resource) -> dict[str, Any] | None:
    """The state machine's Amazon States Language definition, when the template holds it or a local file."""
    inline = sm.props.get("Definition")
    if isinstance(inline, dict) and "States" in inline:
        return inline
    text = sm.props.get("DefinitionString")
    if isinstance(text, dict) and "Fn::Sub" in text:
        pattern = text["Fn::Sub"]
        text = pattern[0] if isinstance(pattern, list) and pattern else pattern
    if isinstance(text, str):
        try:
            data = json.loads(_SUB.sub("placeholder", text))
        except ValueError:
            return None
        return data if isinstance(data, dict) else None
    uri = sm.props.get("DefinitionUri")
    if isinstance(uri, str) and not uri.startswith("s3://") and t.path and not t.path.startswith("<"):
        from wa_assist.review.template import parse, read_text

        path = Path(t.path).parent / uri
        try:
            data, _ = parse(read_text(path), str(path))
        except TemplateError:
            return None
        return data if isinstance(data, dict) else None
    return None


def states(machine: dict[str, Any]) -> Iterator[tuple[str, dict[str, Any], dict[str, Any]]]:
    """(name, state, the States mapping it sits in) for every state, nested ones included."""
    stack = [machine]
    while stack:
        current = stack.pop()
        mapping = current.get("States")
        if not isinstance(mapping, dict):
            continue
        for name, state in mapping.items():
            if not isinstance(state, dict):
                continue
            yield str(name), state, mapping
            for branch in as_list(state.get("Branches")):
                if isinstance(branch, dict):
                    stack.append(branch)
            for key in ("Iterator", "ItemProcessor"):
                if isinstance(state.get(key), dict):
                    stack.append(state[key])


def _machines(t: Template) -> Iterator[tuple[Resource, dict[str, Any]]]:
    for sm in t.of_type(SAM_SM, RAW_SM):
        found = definition(t, sm)
        if found is not None:
            yield sm, found


def _definition_key(sm: Resource) -> tuple[str, ...]:
    for key in ("Definition", "DefinitionString", "DefinitionUri"):
        if key in sm.props:
            return (key,)
    return ()


def _unhandled_tasks(machine: dict[str, Any], caught: bool = False) -> Iterator[str]:
    """Task states without Retry, or without a Catch of their own or of the Map or Parallel state that
    runs them (a failure inside an iteration reaches the enclosing state's Catch)."""
    mapping = machine.get("States")
    if not isinstance(mapping, dict):
        return
    for name, state in mapping.items():
        if not isinstance(state, dict):
            continue
        if state.get("Type") == "Task" and not (state.get("Retry") and (state.get("Catch") or caught)):
            yield str(name)
        inner_caught = caught or bool(state.get("Catch"))
        for branch in as_list(state.get("Branches")):
            if isinstance(branch, dict):
                yield from _unhandled_tasks(branch, inner_caught)
        for key in ("Iterator", "ItemProcessor"):
            if isinstance(state.get(key), dict):
                yield from _unhandled_tasks(state[key], inner_caught)


@detection("WA9019")
def task_error_handling(t: Template) -> Iterator[Hit]:
    for sm, machine in _machines(t):
        bare = list(_unhandled_tasks(machine))
        if bare:
            yield at(sm, *_definition_key(sm), states=", ".join(sorted(bare)[:5]))


def _edges(state: dict[str, Any]) -> list[str]:
    out = [state["Next"]] if isinstance(state.get("Next"), str) else []
    out += [c["Next"] for c in as_list(state.get("Choices")) if isinstance(c, dict) and isinstance(c.get("Next"), str)]
    if isinstance(state.get("Default"), str):
        out.append(state["Default"])
    return out


@detection("WA9020")
def polling_loop(t: Template) -> Iterator[Hit]:
    for sm, machine in _machines(t):
        mappings: list[dict[str, Any]] = []
        for _, _, mapping in states(machine):
            if not any(m is mapping for m in mappings):
                mappings.append(mapping)
        for mapping in mappings:
            loop = _wait_loop(mapping)
            if loop:
                yield at(sm, *_definition_key(sm), wait=loop)
                break


def _wait_loop(mapping: dict[str, Any]) -> str | None:
    """A Wait state that can reach itself through a Task and a Choice (a polling loop)."""
    for name, state in mapping.items():
        if not isinstance(state, dict) or state.get("Type") != "Wait":
            continue
        seen: set[tuple[str, frozenset[str]]] = set()
        stack: list[tuple[str, frozenset[str]]] = [(n, frozenset()) for n in _edges(state)]
        while stack:
            current, kinds = stack.pop()
            if current == name and {"Task", "Choice"} <= kinds:
                return name
            if (current, kinds) in seen or current not in mapping or not isinstance(mapping[current], dict):
                continue
            seen.add((current, kinds))
            kind = mapping[current].get("Type")
            kind = kind if isinstance(kind, str) else ""
            stack.extend((n, kinds | {kind}) for n in _edges(mapping[current]))
    return None


def _is_express(sm: Resource) -> bool:
    return (sm.props.get("Type") if sm.type == SAM_SM else sm.props.get("StateMachineType")) == "EXPRESS"


@detection("WA9021")
def express_misuse(t: Template) -> Iterator[Hit]:
    for sm, machine in _machines(t):
        if not _is_express(sm):
            continue
        reason = None
        waited = 0
        for name, state, _ in states(machine):
            resource = state.get("Resource")
            if isinstance(resource, str) and (
                resource.endswith(".sync") or ".sync:" in resource or resource.endswith(".waitForTaskToken")
            ):
                reason = f"state {name} waits for a job or a callback ({resource.rsplit(':', 1)[-1]})"
                break
            if state.get("Type") == "Wait" and isinstance(state.get("Seconds"), int):
                waited += state["Seconds"]
        if reason is None and waited > 300:
            reason = f"its Wait states add up to {waited} seconds"
        if reason is None and isinstance(machine.get("TimeoutSeconds"), int) and machine["TimeoutSeconds"] > 300:
            reason = f"its TimeoutSeconds is {machine['TimeoutSeconds']}"
        if reason:
            yield at(sm, "Type" if sm.type == SAM_SM else "StateMachineType", reason=reason)


_HIGH_VOLUME_EVENTS = ("Api", "EventBridgeRule", "CloudWatchEvent")


@detection("WA9038")
def standard_for_short_work(t: Template) -> Iterator[Hit]:
    for sm, machine in _machines(t):
        if sm.type != SAM_SM or _is_express(sm):
            continue
        events = sm.props.get("Events")
        types = {get(e, "Type") for e in events.values()} if isinstance(events, dict) else set()
        types = {kind for kind in types if isinstance(kind, str)}
        if not types & set(_HIGH_VOLUME_EVENTS):
            continue
        long_running = False
        for _, state, _ in states(machine):
            resource = state.get("Resource")
            if state.get("Type") in ("Wait", "Map", "Parallel") or (
                isinstance(resource, str)
                and (".sync" in resource or "waitForTaskToken" in resource or "activity:" in resource)
            ):
                long_running = True
        if not long_running:
            yield at(
                sm,
                *(("Type",) if "Type" in sm.props else ()),
                trigger=", ".join(sorted(types & set(_HIGH_VOLUME_EVENTS))),
            )
