"""Loading the knowledge base: read every YAML file, validate it, check cross-references, cache it.

Users can add their own guidance (an organisation's rules) with ``--knowledge PATH`` or the
``WA_ASSIST_KNOWLEDGE`` environment variable; those files hold ``entries`` (and ``abbreviations``),
merge with the shipped base and are validated the same way.
"""

from __future__ import annotations

import re
import typing
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ValidationError

from wa_assist import sources
from wa_assist.cache import read_cache, write_cache
from wa_assist.errors import UserError
from wa_assist.schema import (
    Abbreviation,
    Decision,
    DecisionType,
    Entry,
    FunctionKind,
    KnowledgeFile,
    LensQuestion,
    Price,
    Question,
)
from wa_assist.yamlio import Located, YamlError, load_yaml

_PLACEHOLDER = re.compile(r"\{([^{}]*)\}")


@dataclass(frozen=True)
class Problem:
    file: str
    line: int | None
    message: str
    entry: str | None = None
    field: str | None = None

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}" if self.line else self.file
        parts = []
        if self.entry:
            parts.append(f"entry '{self.entry}'")
        if self.field:
            parts.append(f"field '{self.field}'")
        context = (", ".join(parts) + ": ") if parts else ""
        return f"{where}: {context}{self.message}"


class KnowledgeError(UserError):
    """The knowledge base (shipped or extra) is invalid; every problem says where and why."""

    def __init__(self, problems: list[Problem]):
        self.problems = problems
        count = len(problems)
        head = f"{count} problem{'s' if count != 1 else ''} in the knowledge base:"
        super().__init__("\n".join([head, *(f"  {p}" for p in problems)]))


@dataclass
class KnowledgeBase:
    entries: dict[str, Entry]
    questions: list[Question]
    decisions: dict[str, Decision]
    abbreviations: list[Abbreviation]
    origins: dict[str, str] = field(default_factory=dict)  # entry id -> file it came from
    lens_questions: dict[str, LensQuestion] = field(default_factory=dict)
    files: list[str] = field(default_factory=list)
    function_kinds: dict[str, FunctionKind] = field(default_factory=dict)
    prices: dict[str, Price] = field(default_factory=dict)

    def question(self, qid: str) -> Question:
        for q in self.questions:
            if q.id == qid:
                return q
        raise KeyError(qid)

    @property
    def question_ids(self) -> list[str]:
        return [q.id for q in self.questions]

    def get(self, entry_id: str) -> Entry | None:
        return self.entries.get(entry_id)

    def suggest(self, entry_id: str, limit: int = 5) -> list[str]:
        """The ids nearest to a mistyped one."""
        from rapidfuzz import fuzz, process

        hits = process.extract(
            entry_id.strip().lower(), list(self.entries), scorer=fuzz.ratio, limit=limit, score_cutoff=60
        )
        return [hit[0] for hit in hits]

    def related(self, entry: Entry) -> list[Entry]:
        return [self.entries[r] for r in entry.related if r in self.entries]

    @property
    def component_names(self) -> list[str]:
        """The template's components, which ``implemented_in`` conditions may test (``components``)."""
        from wa_assist.components import component_names

        return component_names()


# --------------------------------------------------------------------------- validation errors


def _model_at(model: type[BaseModel], loc: tuple[Any, ...]) -> type[BaseModel] | None:
    """The pydantic model that the location ``loc`` (inside ``model``) points into."""
    current: type[BaseModel] | None = model
    for part in loc:
        if current is None:
            return None
        if isinstance(part, int):
            continue
        info = current.model_fields.get(part)
        if info is None:
            return None
        current = _first_model(info.annotation)
    return current


def _first_model(annotation: Any) -> type[BaseModel] | None:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    for arg in typing.get_args(annotation):
        found = _first_model(arg)
        if found is not None:
            return found
    return None


def _describe(error: Any) -> str:
    kind = error["type"]
    loc = tuple(error["loc"])
    if kind == "extra_forbidden":
        parent = _model_at(KnowledgeFile, loc[:-1])
        allowed = ", ".join(parent.model_fields) if parent else "see the schema"
        return f"unknown field '{loc[-1]}'; allowed fields: {allowed}"
    if kind == "missing":
        return "is required but missing"
    message = error["msg"]
    if "input" in error and kind not in ("model_type", "dict_type", "list_type"):
        shown = repr(error["input"])
        if len(shown) > 60:
            shown = shown[:57] + "..."
        message = f"{message} (got {shown})"
    return message


def _field_path(loc: tuple[Any, ...]) -> str:
    out = ""
    for part in loc:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


def _entry_id_at(data: Any, section: str | int, index: int) -> str | None:
    try:
        value = data[section][index].get("id")
    except (KeyError, IndexError, TypeError, AttributeError):
        return None
    return value if isinstance(value, str) else None


def _validation_problems(located: Located, exc: ValidationError) -> list[Problem]:
    problems = []
    for error in exc.errors():
        loc = tuple(p for p in error["loc"] if not (isinstance(p, str) and p.startswith("function-")))
        # drop pydantic's union branch tags such as 'list[PriorityCase]'
        loc = tuple(p for p in loc if not (isinstance(p, str) and ("[" in p or p in ("str", "int", "bool", "float"))))
        entry_id = None
        inner = loc
        if len(loc) >= 2 and isinstance(loc[1], int):
            entry_id = _entry_id_at(located.data, loc[0], loc[1])
            inner = loc[2:]
        problems.append(
            Problem(
                file=located.path,
                line=located.line_of(loc),
                entry=entry_id,
                field=_field_path(inner) or (_field_path(loc) if not entry_id else None),
                message=_describe(error),
            )
        )
    return problems


# --------------------------------------------------------------------------- loading


@dataclass
class _Parsed:
    located: Located
    model: KnowledgeFile
    shipped: bool


def _parse(path: Path, shipped: bool, problems: list[Problem]) -> _Parsed | None:
    try:
        located = load_yaml(path)
    except YamlError as exc:
        problems.append(Problem(file=exc.path, line=exc.line, message=exc.message))
        return None
    if located.data is None:
        located.data = {}
    if not isinstance(located.data, dict):
        problems.append(
            Problem(
                file=str(path),
                line=1,
                message="expected a mapping with 'entries' (and for the shipped base 'questions', 'decisions', 'abbreviations')",
            )
        )
        return None
    if not shipped:
        for section in ("questions", "decisions", "lens_questions", "function_kinds", "prices"):
            if located.data.get(section):
                problems.append(
                    Problem(
                        file=str(path),
                        line=located.line_of((section,)),
                        field=section,
                        message=f"extra guidance files may hold 'entries' and 'abbreviations' only; '{section}' are defined by the shipped base",
                    )
                )
                return None
    try:
        model = KnowledgeFile.model_validate(located.data)
    except ValidationError as exc:
        problems.extend(_validation_problems(located, exc))
        return None
    return _Parsed(located, model, shipped)


def _check_value(decision: Decision, value: Any) -> str | None:
    """Why a literal decision value is not allowed, or None."""
    if isinstance(value, dict):
        return None  # an {expr}, checked separately
    if decision.type is DecisionType.choice:
        if value not in decision.values:
            return f"{value!r} is not allowed for decision '{decision.id}'; allowed: {', '.join(decision.values)}"
    elif decision.type is DecisionType.boolean:
        if not isinstance(value, bool):
            return f"decision '{decision.id}' takes true or false, not {value!r}"
    else:
        if isinstance(value, bool) or not isinstance(value, int):
            return f"decision '{decision.id}' takes a whole number, not {value!r}"
        if (decision.minimum is not None and value < decision.minimum) or (
            decision.maximum is not None and value > decision.maximum
        ):
            return f"{value} is outside {decision.minimum}..{decision.maximum} for decision '{decision.id}'"
    return None


class _Checker:
    """Cross-reference checks once every file is read."""

    def __init__(self, kb: KnowledgeBase, where: dict[str, tuple[Located, tuple[Any, ...]]], problems: list[Problem]):
        self.kb = kb
        self.where = where  # "entry:<id>" / "question:<id>" / "decision:<id>" -> (file, loc)
        self.problems = problems
        from wa_assist import conditions

        self.conditions = conditions

    def report(self, key: str, sub: tuple[Any, ...], message: str, entry: str | None = None) -> None:
        located, base = self.where[key]
        loc = (*base, *sub)
        self.problems.append(
            Problem(
                file=located.path,
                line=located.line_of(loc),
                entry=entry,
                field=_field_path(sub) or None,
                message=message,
            )
        )

    def condition(
        self,
        key: str,
        sub: tuple[Any, ...],
        cond: dict[str, Any],
        entry: str | None = None,
        *,
        decisions: bool = False,
        kinds: bool = False,
    ) -> None:
        """Check a condition; only ``implemented_in`` and costs may read resolved decisions (``decision.<id>``),
        only decision cases may test ``function_kind``."""
        for message in self.conditions.check_condition(cond, self.kb, allow_decisions=decisions, allow_kind=kinds):
            self.report(key, sub, message, entry)

    def expression(self, key: str, sub: tuple[Any, ...], value: Any, entry: str | None = None) -> None:
        if not isinstance(value, dict):
            return
        if set(value) != {"expr"} or not isinstance(value["expr"], str):
            self.report(key, sub, 'a computed value is written {expr: "..."}', entry)
            return
        try:
            names = self.conditions.expr_names(value["expr"])
        except ValueError as exc:
            self.report(key, sub, f"invalid expression: {exc}", entry)
            return
        known = set(self.kb.question_ids) | set(self.kb.decisions) | set(self.kb.prices)
        for name in sorted(names - known):
            self.report(
                key, sub, f"expression names '{name}', which is neither a profile field, a decision nor a price", entry
            )

    def checks(self, key: str, entry: Entry, seen: dict[str, str]) -> None:
        """Template check ids are unique across the knowledge base (their detections are keyed by them)."""
        for i, check in enumerate(entry.checks):
            if check.id in seen:
                self.report(
                    key, ("checks", i, "id"), f"duplicate check id; first in entry '{seen[check.id]}'", entry.id
                )
            seen.setdefault(check.id, entry.id)

    def run(self) -> None:
        kb = self.kb
        for q in kb.questions:
            key = f"question:{q.id}"
            self.condition(key, ("applies",), q.applies)
            if q.entry and q.entry not in kb.entries:
                self.report(key, ("entry",), f"names entry '{q.entry}', which does not exist")
        for d in kb.decisions.values():
            key = f"decision:{d.id}"
            problem = _check_value(d, d.default)
            if problem:
                self.report(key, ("default",), problem)
            self.expression(key, ("default",), d.default)
        for pid in kb.prices:
            if pid in kb.question_ids or pid in kb.decisions:
                self.report(f"price:{pid}", ("id",), f"price id '{pid}' is also a profile field or decision id")
        from wa_assist.entity import FORM_NAMES

        fields = set(kb.question_ids) | set(FORM_NAMES)  # the entity's forms: {entities}, {Entity}, ...
        seen_checks: dict[str, str] = {}
        for entry in kb.entries.values():
            key = f"entry:{entry.id}"
            for i, rid in enumerate(entry.related):
                if rid not in kb.entries:
                    near = kb.suggest(rid, limit=3)
                    hint = f"; did you mean {', '.join(near)}?" if near else ""
                    self.report(key, ("related", i), f"related id '{rid}' does not exist{hint}", entry.id)
            if entry.lens is not None:
                lq = kb.lens_questions.get(entry.lens.question)
                if lq is None:
                    known = ", ".join(kb.lens_questions)
                    self.report(
                        key,
                        ("lens", "question"),
                        f"lens question '{entry.lens.question}' is not defined; defined: {known}",
                        entry.id,
                    )
                elif lq.pillar not in entry.pillars:
                    self.report(
                        key,
                        ("pillars",),
                        f"a practice of lens question '{lq.id}' belongs to the {lq.pillar.value} pillar; list it in 'pillars'",
                        entry.id,
                    )
            self.checks(key, entry, seen_checks)
            for i, check in enumerate(entry.checks):
                self.condition(key, ("checks", i, "not_applicable_when"), check.not_applicable_when, entry.id)
            advice = entry.advice
            if advice is None:
                continue
            self.condition(key, ("advice", "applies"), advice.applies, entry.id)
            if isinstance(advice.priority, list):
                for i, priority_case in enumerate(advice.priority):
                    self.condition(key, ("advice", "priority", i, "when"), priority_case.when, entry.id)
            for i, reason in enumerate(advice.reasons):
                self.condition(key, ("advice", "reasons", i, "when"), reason.when, entry.id)
                for name in _PLACEHOLDER.findall(reason.text):
                    if name not in fields:
                        self.report(
                            key,
                            ("advice", "reasons", i, "text"),
                            f"placeholder {{{name}}} is not a profile field or a form of the entity; allowed: {', '.join(sorted(fields))}",
                            entry.id,
                        )
            for i, case in enumerate(advice.decisions):
                self.condition(key, ("advice", "decisions", i, "when"), case.when, entry.id, kinds=True)
                for name, value in case.set.items():
                    decision = kb.decisions.get(name)
                    if decision is None:
                        self.report(
                            key,
                            ("advice", "decisions", i, "set", name),
                            f"unknown decision '{name}'; decisions: {', '.join(sorted(kb.decisions))}",
                            entry.id,
                        )
                        continue
                    problem = _check_value(decision, value)
                    if problem:
                        self.report(key, ("advice", "decisions", i, "set", name), problem, entry.id)
                    self.expression(key, ("advice", "decisions", i, "set", name), value, entry.id)
            for i, impl in enumerate(advice.implemented_in):
                self.condition(key, ("advice", "implemented_in", i, "when"), impl.when, entry.id, decisions=True)
            for i, cost in enumerate(advice.costs):
                self.condition(key, ("advice", "costs", i, "when"), cost.when, entry.id, decisions=True)
                if cost.function_kind is not None and cost.function_kind not in kb.function_kinds:
                    self.report(
                        key,
                        ("advice", "costs", i, "function_kind"),
                        f"unknown function kind '{cost.function_kind}'; kinds: {', '.join(kb.function_kinds)}",
                        entry.id,
                    )
                for name, value in cost.values.items():
                    if not (isinstance(value, dict) and set(value) == {"expr"}):
                        self.report(
                            key, ("advice", "costs", i, "values", name), 'a cost value is {expr: "..."}', entry.id
                        )
                        continue
                    self.expression(key, ("advice", "costs", i, "values", name), value, entry.id)
                for name in _PLACEHOLDER.findall(cost.text):
                    if name not in cost.values:
                        self.report(
                            key,
                            ("advice", "costs", i, "text"),
                            f"placeholder {{{name}}} is not one of the cost's values: {', '.join(cost.values) or 'none'}",
                            entry.id,
                        )
        all_checks = {check.id for entry in kb.entries.values() for check in entry.checks}
        for entry in kb.entries.values():
            for i, impl in enumerate(entry.advice.implemented_in if entry.advice else ()):
                if impl.check is not None and impl.check not in all_checks:
                    known = f"{min(all_checks)}..{max(all_checks)}" if all_checks else "none"
                    self.report(
                        f"entry:{entry.id}",
                        ("advice", "implemented_in", i, "check"),
                        f"check '{impl.check}' is not the id of any check record (checks: {known})",
                        entry.id,
                    )


# The sections whose items carry a unique id: section name -> (key prefix, what to call a duplicate).
_ID_SECTIONS = {
    "entries": ("entry", "duplicate id"),
    "questions": ("question", "duplicate question id"),
    "decisions": ("decision", "duplicate decision id"),
    "lens_questions": ("lens", "duplicate lens question"),
    "function_kinds": ("kind", "duplicate function kind"),
    "prices": ("price", "duplicate price id"),
}


def _build(parsed: list[_Parsed], problems: list[Problem]) -> KnowledgeBase:
    sections: dict[str, dict[str, Any]] = {name: {} for name in _ID_SECTIONS}
    origins: dict[str, str] = {}
    abbreviations: list[Abbreviation] = []
    where: dict[str, tuple[Located, tuple[Any, ...]]] = {}

    for item in parsed:
        located, model = item.located, item.model
        for section, (prefix, duplicate) in _ID_SECTIONS.items():
            for i, obj in enumerate(getattr(model, section)):
                key = f"{prefix}:{obj.id}"
                if key in where:
                    first, loc = where[key]
                    problems.append(
                        Problem(
                            located.path,
                            located.line_of((section, i, "id")),
                            f"{duplicate}; first defined at {first.path}:{first.line_of(loc)}",
                            entry=obj.id if section == "entries" else None,
                            field="id",
                        )
                    )
                    continue
                where[key] = (located, (section, i))
                sections[section][obj.id] = obj
                if section == "entries":
                    origins[obj.id] = located.path
        abbreviations.extend(model.abbreviations)

    kb = KnowledgeBase(
        entries=sections["entries"],
        questions=list(sections["questions"].values()),
        decisions=sections["decisions"],
        abbreviations=abbreviations,
        origins=origins,
        lens_questions=sections["lens_questions"],
        files=[p.located.path for p in parsed],
        function_kinds=sections["function_kinds"],
        prices=sections["prices"],
    )
    if not problems:
        _Checker(kb, where, problems).run()
    return kb


def load_uncached(shipped: Iterable[Path], extra: Iterable[Path] = ()) -> KnowledgeBase:
    """Read, validate and cross-check the given files (no cache)."""
    problems: list[Problem] = []
    parsed = [p for p in (_parse(path, True, problems) for path in shipped) if p]
    parsed += [p for p in (_parse(path, False, problems) for path in extra) if p]
    kb = _build(parsed, problems) if not problems else None
    if problems:
        raise KnowledgeError(problems)
    assert kb is not None
    return kb


def load_knowledge(extra: Iterable[str | Path] = (), *, use_cache: bool = True) -> KnowledgeBase:
    """The shipped knowledge base merged with extra guidance; cached until a source file changes.

    Raises :class:`KnowledgeError` (invalid content) or :class:`sources.SourceError` (missing path).
    """
    shipped, extras = sources.discover(tuple(extra))
    key = sources.fingerprint([*shipped, *extras])
    if use_cache:
        cached = read_cache("kb", key)
        if isinstance(cached, KnowledgeBase):
            return cached
    kb = load_uncached(shipped, extras)
    if use_cache:
        write_cache("kb", key, kb)
    return kb
