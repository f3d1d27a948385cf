"""Reading a SAM/CloudFormation template as its author wrote it: short-form intrinsics, line numbers, Globals.

The YAML reader turns ``!Ref X`` into ``{"Ref": "X"}``, ``!GetAtt A.B`` into ``{"Fn::GetAtt": ["A", "B"]}`` and
every other short form into its ``Fn::`` long form, the shape cfn-lint gives rules, so one detection serves
both. JSON templates are read by the same parser (JSON is YAML), so they keep their line numbers too.
"""

from __future__ import annotations

import copy
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from wa_assist.yamlio import YamlError

MAX_BYTES = 5 * 1024 * 1024
"""Larger files are refused: CloudFormation accepts at most 1 MB, even through S3."""

_Loader: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

INTRINSICS = {
    "Ref": "Ref",
    "Condition": "Condition",
    "GetAtt": "Fn::GetAtt",
    **{
        name: f"Fn::{name}"
        for name in (
            "And",
            "Base64",
            "Cidr",
            "Equals",
            "FindInMap",
            "ForEach",
            "GetAZs",
            "If",
            "ImportValue",
            "Join",
            "Length",
            "Not",
            "Or",
            "Select",
            "Split",
            "Sub",
            "ToJsonString",
            "Transform",
        )
    },
}

Loc = tuple[Any, ...]


class TemplateError(YamlError):
    """A file that cannot be reviewed, with the place it went wrong (path, line, message, as YamlError)."""


class _Bad(Exception):
    def __init__(self, message: str, node: yaml.Node):
        super().__init__(message)
        self.message = message
        self.line = node.start_mark.line + 1


def _scalar(node: yaml.ScalarNode, constructor: Any) -> Any:
    if node.tag == "tag:yaml.org,2002:timestamp":
        return node.value  # AWSTemplateFormatVersion: 2010-09-09 is a string to CloudFormation
    return constructor.construct_object(node, deep=True)


def _build(node: yaml.Node, loc: Loc, lines: dict[Loc, int], constructor: Any) -> Any:
    lines.setdefault(loc, node.start_mark.line + 1)
    tag = node.tag or ""
    if tag.startswith("!"):
        name = tag[1:]
        long = INTRINSICS.get(name)
        if long is None:
            known = ", ".join(f"!{n}" for n in sorted(INTRINSICS))
            raise _Bad(f"unknown intrinsic function !{name}; known short forms: {known}", node)
        inner: Any
        child = (*loc, long)
        lines[child] = node.start_mark.line + 1
        if isinstance(node, yaml.ScalarNode):
            inner = node.value
            if long == "Fn::GetAtt":
                inner = inner.split(".", 1) if "." in inner else [inner]
        elif isinstance(node, yaml.SequenceNode):
            inner = [_build(item, (*child, i), lines, constructor) for i, item in enumerate(node.value)]
        else:
            inner = _mapping(node, child, lines, constructor)
        return {long: inner}
    if isinstance(node, yaml.MappingNode):
        return _mapping(node, loc, lines, constructor)
    if isinstance(node, yaml.SequenceNode):
        return [_build(item, (*loc, i), lines, constructor) for i, item in enumerate(node.value)]
    return _scalar(node, constructor)  # type: ignore[arg-type]


def _mapping(node: yaml.Node, loc: Loc, lines: dict[Loc, int], constructor: Any) -> dict[Any, Any]:
    result: dict[Any, Any] = {}
    for key_node, value_node in node.value:
        if not isinstance(key_node, yaml.ScalarNode) or (key_node.tag or "").startswith("!"):
            raise _Bad("mapping keys must be plain scalars", key_node)
        if key_node.tag == "tag:yaml.org,2002:merge":
            merged = _build(value_node, loc, lines, constructor)
            for source in merged if isinstance(merged, list) else [merged]:
                if not isinstance(source, dict):
                    raise _Bad("a merge key (<<) takes a mapping or a list of mappings", value_node)
                for k, v in source.items():
                    result.setdefault(k, v)
            continue
        key = _scalar(key_node, constructor)
        if not isinstance(key, (str, int, float, bool)) or key is None:
            raise _Bad("mapping keys must be plain scalars", key_node)
        key = str(key) if not isinstance(key, str) else key
        if key in result:
            raise _Bad(f"duplicate key {key!r}", key_node)
        child = (*loc, key)
        lines[child] = key_node.start_mark.line + 1
        result[key] = _build(value_node, child, lines, constructor)
    return result


def parse(text: str, path: str) -> tuple[Any, dict[Loc, int]]:
    """The data and the line of every key and item; :class:`TemplateError` on a syntax problem."""
    lines: dict[Loc, int] = {}
    last = text.count("\n") + (0 if text.endswith("\n") else 1)
    if path.lower().endswith(".json"):
        import json

        try:
            json.loads(text)
        except json.JSONDecodeError as exc:
            raise TemplateError(path, f"not valid JSON: {exc.msg} (column {exc.colno})", exc.lineno) from None
        except RecursionError:
            raise TemplateError(path, "nested too deeply to be a template") from None
    try:
        loader = _Loader(text)
        try:
            node = loader.get_single_node()
            data = None if node is None else _build(node, (), lines, yaml.constructor.SafeConstructor())
        finally:
            loader.dispose()
    except _Bad as exc:
        raise TemplateError(path, exc.message, exc.line) from None
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        problem = exc.problem or exc.context or "invalid YAML"
        if exc.context and exc.problem and "scanning a quoted scalar" in exc.context:
            problem = "unterminated quoted string"
            mark = exc.context_mark or mark
        line = min(mark.line + 1, max(last, 1)) if mark else None
        raise TemplateError(path, f"not valid YAML or JSON: {problem}", line) from None
    except yaml.YAMLError as exc:
        raise TemplateError(path, f"not valid YAML or JSON: {exc}") from None
    except RecursionError:
        raise TemplateError(path, "nested too deeply to be a template") from None
    return data, lines


def read_text(path: Path) -> str:
    try:
        size = path.stat().st_size
        if size > MAX_BYTES:
            raise TemplateError(path, f"too large to be a template ({size / 1048576:.1f} MB; at most 5 MB)")
        raw = path.read_bytes()
    except FileNotFoundError:
        raise TemplateError(path, "no such file or folder") from None
    except IsADirectoryError:
        raise TemplateError(path, "is a folder, not a file") from None
    except OSError as exc:
        raise TemplateError(path, f"cannot read: {exc.strerror or exc}") from None
    if b"\x00" in raw[:8192]:
        raise TemplateError(path, "is a binary file, not a YAML or JSON template")
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise TemplateError(path, f"not UTF-8 text (byte {exc.start})", line) from None


# --------------------------------------------------------------------------- the template model


def _merge(global_value: Any, local: Any) -> Any:
    """SAM's Globals rule: mappings merge (local wins), lists add up, scalars are replaced."""
    if isinstance(global_value, dict) and isinstance(local, dict) and not _is_intrinsic(local):
        merged = dict(global_value)
        for key, value in local.items():
            merged[key] = _merge(global_value[key], value) if key in global_value else value
        return merged
    if isinstance(global_value, list) and isinstance(local, list):
        return [*global_value, *(item for item in local if item not in global_value)]
    return local


def _is_intrinsic(value: Any) -> bool:
    return isinstance(value, dict) and len(value) == 1 and next(iter(value)) in INTRINSICS.values()


_GLOBALS = {
    "AWS::Serverless::Function": "Function",
    "AWS::Serverless::Api": "Api",
    "AWS::Serverless::HttpApi": "HttpApi",
    "AWS::Serverless::SimpleTable": "SimpleTable",
    "AWS::Serverless::StateMachine": "StateMachine",
    "AWS::Serverless::LayerVersion": "LayerVersion",
    "AWS::Serverless::CapacityProvider": "CapacityProvider",
}


@dataclass
class Resource:
    id: str
    type: str
    props: dict[str, Any]  # Globals merged
    raw: dict[str, Any]
    metadata: dict[str, Any]
    globals_section: str | None = None
    inherited: frozenset[str] = frozenset()  # properties that come from Globals only

    @property
    def path(self) -> Loc:
        return ("Resources", self.id)


@dataclass
class Event:
    function: Resource
    name: str
    type: str
    props: dict[str, Any]

    @property
    def path(self) -> Loc:
        return ("Resources", self.function.id, "Properties", "Events", self.name)

    @property
    def label(self) -> str:
        return f"{self.function.id}/{self.name}"


@dataclass
class Template:
    path: str
    data: dict[str, Any]
    lines: dict[Loc, int] = field(default_factory=dict)
    resources: dict[str, Resource] = field(default_factory=dict)

    @classmethod
    def from_data(cls, data: dict[str, Any], path: str = "<template>", lines: dict[Loc, int] | None = None) -> Template:
        t = cls(path=path, data=data, lines=lines or {})
        globals_ = mapping(data.get("Globals"))
        for rid, body in mapping(data.get("Resources")).items():
            if not isinstance(body, dict):
                continue
            rtype = body["Type"] if isinstance(body.get("Type"), str) else ""
            props = mapping(body.get("Properties"))
            section = _GLOBALS.get(rtype)
            ignored = props.get("IgnoreGlobals")
            inherited: frozenset[str] = frozenset()
            if section and isinstance(globals_.get(section), dict) and ignored != "*":
                skip = set(ignored) if isinstance(ignored, list) else set()
                section_values = {k: v for k, v in globals_[section].items() if k not in skip}
                inherited = frozenset(k for k in section_values if k not in props)
                props = _merge(copy.deepcopy(section_values), props)
            metadata = mapping(body.get("Metadata"))
            t.resources[str(rid)] = Resource(str(rid), rtype, props, body, metadata, section, inherited)
        return t

    def line_of(self, loc: Loc) -> int:
        loc = tuple(loc)
        while loc:
            if loc in self.lines:
                return self.lines[loc]
            loc = loc[:-1]
        return 1

    @property
    def globals(self) -> dict[str, Any]:
        value = self.data.get("Globals")
        return value if isinstance(value, dict) else {}

    def of_type(self, *types: str) -> Iterator[Resource]:
        for r in self.resources.values():
            if r.type in types:
                yield r

    def events(self, *types: str, owners: tuple[str, ...] = ("AWS::Serverless::Function",)) -> Iterator[Event]:
        """SAM events of functions (and state machines when ``owners`` says), optionally of given types."""
        for r in self.of_type(*owners):
            events = r.props.get("Events")
            if not isinstance(events, dict):
                continue
            for name, event in events.items():
                if not isinstance(event, dict):
                    continue
                etype = event.get("Type")
                if not isinstance(etype, str) or (types and etype not in types):
                    continue
                yield Event(r, str(name), etype, mapping(event.get("Properties")))

    def has_kind(self, kind: str) -> bool:
        if kind.startswith("event:"):
            etype = kind[6:]
            owners = ("AWS::Serverless::Function", "AWS::Serverless::StateMachine")
            return any(True for _ in self.events(etype, owners=owners))
        return any(True for _ in self.of_type(kind))

    # ----------------------------------------------------------------- references

    def target(self, value: Any) -> Resource | None:
        """The resource a Ref / GetAtt / Sub of a single reference points at, if it is in the template."""
        rid = ref_id(value)
        return self.resources.get(rid) if rid else None


def ref_id(value: Any) -> str | None:
    """The logical id in ``!Ref X``, ``!GetAtt X.Arn`` or ``!Sub ${X.Arn}``; None otherwise."""
    if not isinstance(value, dict) or len(value) != 1:
        return None
    ((key, inner),) = value.items()
    if key == "Ref" and isinstance(inner, str):
        return inner
    if key == "Fn::GetAtt":
        if isinstance(inner, list) and inner and isinstance(inner[0], str):
            return inner[0]
        if isinstance(inner, str):
            return inner.split(".", 1)[0]
    if key == "Fn::Sub":
        pattern = inner[0] if isinstance(inner, list) and inner else inner
        if isinstance(pattern, str):
            names = re.findall(r"\$\{([^}!]+)\}", pattern)
            if len(names) == 1:
                return names[0].split(".", 1)[0]
    return None


def refs_in(value: Any) -> set[str]:
    """Every logical id referenced anywhere inside ``value``."""
    found: set[str] = set()
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, dict):
            for key, inner in item.items():
                if key == "Ref" and isinstance(inner, str):
                    found.add(inner)
                elif key == "Fn::GetAtt":
                    rid = ref_id({key: inner})
                    if rid:
                        found.add(rid)
                elif key == "Fn::Sub":
                    pattern = inner[0] if isinstance(inner, list) and inner else inner
                    if isinstance(pattern, str):
                        found.update(n.split(".", 1)[0] for n in re.findall(r"\$\{([^}!]+)\}", pattern))
                    if isinstance(inner, list):
                        stack.extend(inner[1:])
                    continue
                stack.append(inner)
        elif isinstance(item, list):
            stack.extend(item)
    return found


def get(mapping: Any, *keys: Any, default: Any = None) -> Any:
    """``mapping[k1][k2]...`` or ``default`` when any step is missing or not a mapping."""
    current = mapping
    for key in keys:
        found_in_dict = isinstance(current, dict) and key in current
        found_in_list = isinstance(current, list) and isinstance(key, int) and -len(current) <= key < len(current)
        if found_in_dict or found_in_list:
            current = current[key]
        else:
            return default
    return current


def mapping(value: Any) -> dict[str, Any]:
    """``value`` when it is a mapping, else an empty one (a property written as an intrinsic, a typo)."""
    return value if isinstance(value, dict) else {}


def as_list(value: Any) -> list[Any]:
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


def load(path: Path) -> Template:
    """Read and parse one template file; :class:`TemplateError` when it cannot be reviewed."""
    text = read_text(path)
    data, lines = parse(text, str(path))
    if not isinstance(data, dict):
        raise TemplateError(path, "not a CloudFormation template: expected a mapping with 'Resources'", 1)
    resources = data.get("Resources")
    if not isinstance(resources, dict) or not resources:
        line = lines.get(("Resources",), 1)
        raise TemplateError(
            path, "not a CloudFormation template: it has no 'Resources' mapping of logical ids to resources", line
        )
    for rid, body in resources.items():
        if str(rid).startswith("Fn::ForEach::"):
            continue  # AWS::LanguageExtensions expands these at deploy time
        if not isinstance(body, dict) or not isinstance(body.get("Type"), str):
            raise TemplateError(
                path,
                f"resource '{rid}' needs a 'Type' (e.g. AWS::Serverless::Function)",
                lines.get(("Resources", rid), 1),
            )
    return Template.from_data(data, str(path), lines)
