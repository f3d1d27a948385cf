"""The components a project is made of, computed once from the profile and the engine's decisions.

Each component is a folder ``templates/sam/components/<name>/`` with a ``component.yaml`` manifest:

.. code-block:: yaml

    order: 20                     # render order (template.yaml, README); ties break by name
    when: {scenario: rest-api}    # a knowledge-base condition; absent means always
    functions:                    # the Lambda functions it adds (logical id -> what they are)
      ItemsFunction: {kind: api, code: src/items, main: true}
    files:                        # output path -> file in the component folder
      src/items/app.py: files/items_app.py.jinja
      tests/unit/test_items.py: {source: files/test_items.py.jinja, when: {components: items_dynamodb}}

Conditions use the knowledge base's format (:mod:`wa_assist.conditions`): profile fields by name,
decisions as ``decision.<id>``, and ``components``, the components selected so far (those of lower
``order``), so ``{components: [rest_api, http_api]}`` reads "the project has a REST or an HTTP API".
The template fragments of a component (``resources.yaml.jinja``, ``outputs.yaml.jinja``, ...) are
found by name; COMPONENTS.md lists them. The engine, the renderer, the README and RECOMMENDATIONS.md
all read the one :class:`Selection` computed here.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path, PurePosixPath
from typing import Any

from wa_assist.conditions import COMPONENTS_FIELD
from wa_assist.errors import UserError

MANIFEST = "component.yaml"
FUNCTION_KINDS = ("api", "authorizer", "stream", "queue", "event", "workflow-step", "hook", "scheduled")
# Characters Windows refuses in a file name, and names it reserves: no output path may use them.
_HOSTILE = re.compile(r'[<>:"|?*\\\x00-\x1f]')
_RESERVED = {"con", "prn", "aux", "nul", *(f"com{i}" for i in range(1, 10)), *(f"lpt{i}" for i in range(1, 10))}
_PLACEHOLDER = re.compile(r"\{(\w+)\}")
# {main}: the main function's folder; the entity's forms name what holds the workload's records.
PLACEHOLDERS = ("main", "entity", "entities", "Entity", "Entities")
_ALLOWED_PLACEHOLDERS = ", ".join(f"{{{p}}}" for p in PLACEHOLDERS)
_MANIFEST_KEYS = {"order", "when", "functions", "files", "description"}
_FUNCTION_KEYS = {"kind", "code", "main", "when", "store"}
_FILE_KEYS = {"source", "when", "vars"}


class ComponentError(UserError):
    """A component manifest that cannot be used (names its file and field)."""


@dataclass(frozen=True)
class FileSpec:
    dest: str  # output path, POSIX separators, may hold {main}
    source: str  # path inside the component folder
    when: Mapping[str, Any] | None = None
    vars: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class FunctionSpec:
    logical_id: str
    kind: str
    code: str  # folder of its code in the project
    main: bool = False
    when: Mapping[str, Any] | None = None
    # It reads or writes the project's store (table or database): limits sized for the store's capacity,
    # such as reserved concurrency, apply to it. A function that never touches it (search, files) says false.
    store: bool = True


@dataclass(frozen=True)
class Component:
    name: str
    folder: Path
    order: int
    when: Mapping[str, Any] | None
    functions: tuple[FunctionSpec, ...]
    files: tuple[FileSpec, ...]
    description: str = ""


@dataclass(frozen=True)
class OutputFile:
    """One file of the project: where it goes, and where its source is in the template."""

    dest: str
    component: str
    source: str  # relative to the component folder
    vars: Mapping[str, Any] = field(default_factory=dict)


@dataclass
class Selection:
    """What a project is made of, for one set of answers."""

    components: list[str]
    functions: dict[str, dict[str, Any]]  # logical id -> {kind, code, component, store}, in render order
    files: list[OutputFile]
    main_function: tuple[str, str] | None  # (logical id, code folder name) of the scenario's main function
    entity: Mapping[str, str] = field(default_factory=dict)  # the entity's forms (wa_assist.entity)

    def answers(self) -> dict[str, Any]:
        """What the template reads: ``components``, ``functions``, ``items_store``, ``secret_reader`` and the
        entity's forms (``entity``, ``entities``, ``Entity``, ``Entities``, ``ENTITY``, ``ENTITIES``)."""
        store = "items_aurora" if "items_aurora" in self.components else "items_dynamodb"
        return {
            **self.entity,
            "components": list(self.components),
            "functions": {k: dict(v) for k, v in self.functions.items()},
            "items_store": store,
            "secret_reader": list(self.main_function) if self.main_function else None,
        }


# --------------------------------------------------------------------------- loading


def components_dir(template: Path | None = None) -> Path:
    from wa_assist.paths import templates_dir

    return (template or templates_dir() / "sam") / "components"


def _fail(path: Path, where: str, message: str) -> ComponentError:
    return ComponentError(f"{path}: {where}: {message}")


def check_output_path(path: str) -> str | None:
    """Why ``path`` cannot be a project path on every platform, or None when it can."""
    pure = PurePosixPath(path)
    if pure.is_absolute() or ".." in pure.parts or not pure.parts:
        return "must be a relative path inside the project"
    for part in pure.parts:
        probe = _PLACEHOLDER.sub("x", part)
        if _HOSTILE.search(probe):
            return f'{part!r} holds a character Windows cannot store (one of < > : " | ? * \\)'
        if probe.split(".")[0].lower() in _RESERVED or probe.endswith((".", " ")):
            return f"{part!r} is a name Windows reserves"
    return None


def _condition(path: Path, where: str, value: Any) -> Mapping[str, Any] | None:
    if value is None:
        return None
    if not isinstance(value, Mapping):
        raise _fail(path, where, f"a condition is a mapping, not {value!r}")
    return value


def _parse_manifest(folder: Path) -> Component:
    from wa_assist.yamlio import load_yaml

    path = folder / MANIFEST
    data = load_yaml(path).data if path.exists() else None
    if not isinstance(data, Mapping):
        raise _fail(path, "manifest", "expected a mapping with order, when, functions and files")
    unknown = set(data) - _MANIFEST_KEYS
    if unknown:
        raise _fail(path, sorted(unknown)[0], f"unknown key; allowed: {', '.join(sorted(_MANIFEST_KEYS))}")
    order = data.get("order", 50)
    if not isinstance(order, int) or isinstance(order, bool):
        raise _fail(path, "order", f"expected a whole number, not {order!r}")
    functions = []
    for logical, spec in (data.get("functions") or {}).items():
        where = f"functions.{logical}"
        if not isinstance(spec, Mapping) or set(spec) - _FUNCTION_KEYS:
            raise _fail(path, where, f"expected a mapping of {', '.join(sorted(_FUNCTION_KEYS))}")
        if spec.get("kind") not in FUNCTION_KINDS:
            raise _fail(path, f"{where}.kind", f"{spec.get('kind')!r}; allowed: {', '.join(FUNCTION_KINDS)}")
        code = spec.get("code")
        if not isinstance(code, str) or check_output_path(code):
            raise _fail(path, f"{where}.code", f"{code!r}: {check_output_path(str(code)) or 'expected a folder'}")
        if not isinstance(spec.get("store", True), bool):
            raise _fail(path, f"{where}.store", f"{spec['store']!r}; allowed: true, false")
        for name in [*_PLACEHOLDER.findall(str(logical)), *_PLACEHOLDER.findall(code)]:
            if name not in PLACEHOLDERS or name == "main":
                raise _fail(path, where, f"unknown placeholder {{{name}}}; allowed: {_ALLOWED_PLACEHOLDERS[8:]}")
        functions.append(
            FunctionSpec(
                str(logical),
                spec["kind"],
                code,
                bool(spec.get("main", False)),
                _condition(path, f"{where}.when", spec.get("when")),
                spec.get("store", True),
            )
        )
    files = []
    for dest, spec in (data.get("files") or {}).items():
        where = f"files.{dest}"
        problem = check_output_path(str(dest))
        if problem:
            raise _fail(path, where, problem)
        if "{%" in str(dest) or "{{" in str(dest):
            raise _fail(path, where, "output paths are plain (a condition goes in the file's `when:`)")
        if isinstance(spec, str):
            spec = {"source": spec}
        if not isinstance(spec, Mapping) or "source" not in spec or set(spec) - _FILE_KEYS:
            raise _fail(path, where, f"expected a source path, or a mapping of {', '.join(sorted(_FILE_KEYS))}")
        source = str(spec["source"])
        if check_output_path(source) or not (folder / source).is_file():
            raise _fail(path, f"{where}.source", f"{source!r} is not a file in {folder.name}/")
        for name in _PLACEHOLDER.findall(str(dest)):
            if name not in PLACEHOLDERS:
                raise _fail(path, where, f"unknown placeholder {{{name}}}; allowed: {_ALLOWED_PLACEHOLDERS}")
        variables = spec.get("vars") or {}
        if not isinstance(variables, Mapping) or not all(re.fullmatch(r"[a-z_][a-z0-9_]*", str(k)) for k in variables):
            raise _fail(path, f"{where}.vars", "expected a mapping of lower-case names to values")
        files.append(FileSpec(str(dest), source, _condition(path, f"{where}.when", spec.get("when")), variables))
    return Component(
        name=folder.name,
        folder=folder,
        order=order,
        when=_condition(path, "when", data.get("when")),
        functions=tuple(functions),
        files=tuple(files),
        description=str(data.get("description", "")),
    )


@lru_cache(maxsize=8)
def _load(folder: str, stamp: tuple[tuple[str, float], ...]) -> tuple[Component, ...]:
    root = Path(folder)
    found = [_parse_manifest(root / name) for name, _ in stamp]
    return tuple(sorted(found, key=lambda c: (c.order, c.name)))


def load_components(template: Path | None = None) -> tuple[Component, ...]:
    """Every component of the template, in render order (cached until a manifest changes)."""
    root = components_dir(template)
    if not root.is_dir():
        raise ComponentError(f"{root}: the template has no components folder")
    stamp = tuple(
        (p.parent.name, p.stat().st_mtime)
        for p in sorted(root.glob(f"*/{MANIFEST}"))
        if not p.parent.name.startswith("_")
    )
    return _load(str(root), stamp)


def component_names(template: Path | None = None) -> list[str]:
    return [c.name for c in load_components(template)]


# --------------------------------------------------------------------------- selecting


def _holds(
    condition: Mapping[str, Any] | None, values: Mapping[str, Any], decisions: Mapping[str, Any], where: str
) -> bool:
    from wa_assist import conditions

    try:
        return conditions.evaluate(condition, values, decisions)
    except conditions.ConditionError as exc:
        raise ComponentError(f"{where}: {exc}") from None


def select(profile: Mapping[str, Any], decisions: Mapping[str, Any], *, template: Path | None = None) -> Selection:
    """The components, functions and output files for a profile and its resolved decisions."""
    from wa_assist.entity import resolve

    forms = resolve(profile, template=template).forms

    def named(text: str) -> str:  # the entity's forms in a logical id, folder or path
        return _PLACEHOLDER.sub(lambda m: forms.get(m.group(1), m.group(0)), text) if "{" in text else text

    chosen: list[Component] = []
    for component in load_components(template):
        values = {**profile, COMPONENTS_FIELD: [c.name for c in chosen]}
        if _holds(component.when, values, decisions, f"{component.folder / MANIFEST}: when"):
            chosen.append(component)
    values = {**profile, COMPONENTS_FIELD: [c.name for c in chosen]}
    functions: dict[str, dict[str, Any]] = {}
    main: tuple[str, str] | None = None
    for component in chosen:
        for fn in component.functions:
            where = f"{component.folder / MANIFEST}: functions.{fn.logical_id}.when"
            if not _holds(fn.when, values, decisions, where):
                continue
            logical, code = named(fn.logical_id), named(fn.code)
            if logical in functions:
                other = functions[logical]["component"]
                raise ComponentError(f"{component.folder / MANIFEST}: {logical} is also defined by {other}")
            functions[logical] = {"kind": fn.kind, "code": code, "component": component.name, "store": fn.store}
            if fn.main and main is None:
                main = (logical, PurePosixPath(code).name)
    files: dict[str, OutputFile] = {}
    for component in chosen:
        for spec in component.files:
            where = f"{component.folder / MANIFEST}: files.{spec.dest}.when"
            if not _holds(spec.when, values, decisions, where):
                continue
            dest = named(spec.dest)
            if "{main}" in dest:
                if main is None:
                    raise ComponentError(
                        f"{component.folder / MANIFEST}: files.{dest}: no main function to place it in"
                    )
                dest = dest.replace("{main}", functions[main[0]]["code"])
            if dest in files:
                other = files[dest].component
                raise ComponentError(f"{component.folder / MANIFEST}: files.{dest}: {other} writes the same file")
            files[dest] = OutputFile(dest, component.name, spec.source, _named_vars(spec.vars, named))
    return Selection(
        components=[c.name for c in chosen],
        functions=functions,
        files=list(files.values()),
        main_function=main,
        entity=forms,
    )


def _named_vars(value: Any, named: Any) -> Any:
    """A file's ``vars`` with the entity's forms put in every string (``/{entities}`` -> ``/orders``)."""
    if isinstance(value, str):
        return named(value)
    if isinstance(value, Mapping):
        return {k: _named_vars(v, named) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_named_vars(v, named) for v in value]
    return value


def select_from_answers(answers: Mapping[str, Any], *, template: Path | None = None) -> Selection:
    """The selection for a complete set of template answers (profile fields and decisions in one mapping)."""
    return select(answers, answers, template=template)
