"""The workload profile: the interview's answers, validated against ``knowledge/questions.yaml``.

A profile file (YAML or JSON) maps question ids to answers. Missing keys take the question's default;
a question whose ``applies`` condition does not hold keeps its default and is flagged as not applying.
Two more top-level keys keep the user's choices on the recommendations: ``accepted`` and ``rejected``,
lists of knowledge base ids (a recommendation in neither is pending). Every problem names the file, the
line, the key, the bad value and what is allowed.
"""

from __future__ import annotations

import difflib
import json
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import yaml

from wa_assist import conditions
from wa_assist.errors import UserError
from wa_assist.formatting import show_value
from wa_assist.schema import Question, QuestionType
from wa_assist.yamlio import YamlError, load_yaml, parse_yaml

CHOICE_KEYS = ("accepted", "rejected")
"""The profile keys that hold the user's choices on recommendations, next to the answers."""

_TRUE = {"true", "yes", "y", "on", "1"}
_FALSE = {"false", "no", "n", "off", "0"}


@dataclass(frozen=True)
class ProfileProblem:
    source: str
    line: int | None
    key: str | None
    message: str

    def __str__(self) -> str:
        where = f"{self.source}:{self.line}" if self.line else self.source
        key = f"key '{self.key}': " if self.key else ""
        return f"{where}: {key}{self.message}"


class ProfileError(UserError):
    """A profile that cannot be used; ``problems`` lists every one, each with file, line and key."""

    def __init__(self, problems: list[ProfileProblem]):
        self.problems = problems
        if len(problems) == 1:
            super().__init__(str(problems[0]))
        else:
            super().__init__(f"{len(problems)} problems in the profile:\n" + "\n".join(str(p) for p in problems))


@dataclass
class Profile:
    """Validated answers, in question order. ``not_applicable`` holds questions that do not apply."""

    values: dict[str, Any]
    questions: list[Question]
    source: str = "<defaults>"
    defaulted: frozenset[str] = frozenset()
    not_applicable: frozenset[str] = frozenset()
    ignored: dict[str, Any] = field(default_factory=dict)  # answers given to questions that do not apply
    accepted: frozenset[str] = frozenset()  # recommendation ids the user accepted
    rejected: frozenset[str] = frozenset()  # recommendation ids the user rejected

    def choices(self) -> dict[str, list[str]]:
        """The accepted and rejected ids, sorted: the profile keys ``accepted`` and ``rejected``."""
        return {"accepted": sorted(self.accepted), "rejected": sorted(self.rejected)}

    def with_choices(self, accepted: Iterable[str] = (), rejected: Iterable[str] = ()) -> Profile:
        """The same answers with these accepted and rejected ids (a rejection wins over an acceptance)."""
        refused = frozenset(rejected)
        return replace(self, accepted=frozenset(accepted) - refused, rejected=refused)

    def __getitem__(self, key: str) -> Any:
        return self.values[key]

    def get(self, key: str, default: Any = None) -> Any:
        return self.values.get(key, default)

    def to_dict(self) -> dict[str, Any]:
        return {k: (list(v) if isinstance(v, list) else v) for k, v in self.values.items()}

    def question(self, key: str) -> Question:
        for q in self.questions:
            if q.id == key:
                return q
        raise KeyError(key)


# --------------------------------------------------------------------------- values


def _allowed(question: Question) -> str:
    if question.type in (QuestionType.choice, QuestionType.multi):
        prefix = "a list of " if question.type is QuestionType.multi else ""
        return prefix + ", ".join(question.values)
    if question.type is QuestionType.integer:
        low = question.minimum if question.minimum is not None else "-inf"
        high = question.maximum if question.maximum is not None else "inf"
        return f"a whole number from {low} to {high}"
    if question.type is QuestionType.boolean:
        return "true, false"
    parts = ["text"]
    if question.pattern_help:
        parts.append(question.pattern_help)
    elif question.pattern:
        parts.append(f"matching {question.pattern}")
    if question.max_length:
        parts.append(f"at most {question.max_length} characters")
    return ", ".join(parts)


def check_value(question: Question, value: Any) -> tuple[Any, str | None]:
    """``(normalised value, None)`` or ``(None, problem)`` for one answer."""

    def bad(detail: str = "") -> tuple[Any, str]:
        extra = f" ({detail})" if detail else ""
        return None, f"bad value '{show_value(value, literal=True)}'{extra}; allowed: {_allowed(question)}"

    kind = question.type
    if kind is QuestionType.choice:
        if not isinstance(value, str) or value not in question.values:
            return bad(_suggest(str(value), question.values).strip(" ()"))
        return value, None
    if kind is QuestionType.multi:
        items = [value] if isinstance(value, str) else value
        if not isinstance(items, list):
            return bad()
        unknown = [v for v in items if not isinstance(v, str) or v not in question.values]
        if unknown:
            near = _suggest(str(unknown[0]), question.values).strip(" ()")
            return bad(
                "unknown: " + ", ".join(show_value(v, literal=True) for v in unknown) + (f"; {near}" if near else "")
            )
        return [v for v in question.values if v in items], None  # choice order, no duplicates
    if kind is QuestionType.integer:
        if isinstance(value, bool) or not isinstance(value, int):
            if isinstance(value, float) and value.is_integer():
                value = int(value)
            else:
                return bad()
        if question.minimum is not None and value < question.minimum:
            return bad(f"below {question.minimum}")
        if question.maximum is not None and value > question.maximum:
            return bad(f"above {question.maximum}")
        return value, None
    if kind is QuestionType.boolean:
        if not isinstance(value, bool):
            return bad()
        return value, None
    # text
    if not isinstance(value, str):
        return bad("not text")
    if question.max_length is not None and len(value) > question.max_length:
        return bad(f"{len(value)} characters")
    if question.pattern and not re.search(question.pattern, value):
        return bad()
    if any(ch in value for ch in "\r\n\t\x00"):
        return bad("line breaks and control characters are not allowed")
    if question.check == "entity":
        from wa_assist.entity import problem

        why = problem(value)
        if why:
            return bad(why)
    return value, None


def parse_text_value(question: Question, text: str) -> Any:
    """An answer typed on the command line (``--set key=value``), read by the question's type."""
    kind = question.type
    stripped = text.strip()
    if kind is QuestionType.integer:
        try:
            return int(stripped)
        except ValueError:
            return text
    if kind is QuestionType.boolean:
        low = stripped.lower()
        if low in _TRUE:
            return True
        if low in _FALSE:
            return False
        return text
    if kind is QuestionType.multi:
        if stripped.startswith("[") and stripped.endswith("]"):  # YAML-style: [key-value, query]
            stripped = stripped[1:-1]
        return [part.strip().strip("'\"") for part in stripped.split(",") if part.strip()]
    if kind is QuestionType.choice:
        return stripped
    return text


# --------------------------------------------------------------------------- building


def _suggest(key: str, known: Iterable[str]) -> str:
    near = difflib.get_close_matches(key, list(known), n=1)
    return f" (did you mean '{near[0]}'?)" if near else ""


def _choices(
    data: Mapping[Any, Any], questions: Any, source: str, line: Any
) -> tuple[dict[str, frozenset[str]], list[ProfileProblem]]:
    """The ``accepted`` and ``rejected`` lists, checked against the knowledge base when it is given."""
    entries = getattr(questions, "entries", None)
    found: dict[str, frozenset[str]] = {}
    problems: list[ProfileProblem] = []
    for key in CHOICE_KEYS:
        raw = data.get(key)
        if raw is None:
            found[key] = frozenset()
            continue
        if isinstance(raw, str):
            raw = [raw]
        if not isinstance(raw, list) or not all(isinstance(v, str) for v in raw):
            problems.append(
                ProfileProblem(
                    source,
                    line(key),
                    key,
                    f"bad value '{show_value(raw, literal=True)}'; allowed: a list of recommendation ids",
                )
            )
            found[key] = frozenset()
            continue
        ids = [v.strip() for v in raw if v.strip()]
        if entries is not None:
            for index, rid in enumerate(ids):
                entry = entries.get(rid)
                if entry is None:
                    near = questions.suggest(rid, limit=3) if hasattr(questions, "suggest") else []
                    hint = f"did you mean {', '.join(near)}?" if near else "`wa-assist list` shows every id"
                    problems.append(
                        ProfileProblem(source, line(key, index), key, f"no recommendation with the id '{rid}'; {hint}")
                    )
                elif getattr(entry, "advice", None) is None:
                    problems.append(
                        ProfileProblem(
                            source,
                            line(key, index),
                            key,
                            f"'{rid}' is a {entry.kind.value}, not a recommendation; only entries with advice are accepted or rejected",
                        )
                    )
        found[key] = frozenset(ids)
    both = sorted(found["accepted"] & found["rejected"])
    if both:
        problems.append(
            ProfileProblem(
                source,
                line("rejected"),
                "rejected",
                f"{', '.join(both)}: both accepted and rejected; keep it in one list",
            )
        )
    return found, problems


def profile_from_mapping(
    data: Any,
    questions: Any,
    source: str = "<profile>",
    lines: Mapping[tuple[Any, ...], int] | None = None,
) -> Profile:
    """Validate a mapping of answers; ``questions`` is the knowledge base or its list of questions.

    Raises :class:`ProfileError` listing every problem.
    """
    qs: list[Question] = list(getattr(questions, "questions", questions))
    lines = lines or {}
    problems: list[ProfileProblem] = []

    def line(*loc: Any) -> int | None:
        loc_t = tuple(loc)
        while loc_t:
            if loc_t in lines:
                return lines[loc_t]
            loc_t = loc_t[:-1]
        return lines.get(())

    if data is None:
        data = {}
    if not isinstance(data, Mapping):
        raise ProfileError(
            [
                ProfileProblem(
                    source, line(), None, "a profile is a mapping of question ids to answers, e.g. 'scenario: rest-api'"
                )
            ]
        )

    by_id = {q.id: q for q in qs}
    known = ", ".join([*by_id, *CHOICE_KEYS])
    choices, choice_problems = _choices(data, questions, source, line)
    problems.extend(choice_problems)
    for key in data:
        if key not in by_id and key not in CHOICE_KEYS:
            problems.append(
                ProfileProblem(
                    source,
                    line(key),
                    str(key),
                    f"unknown key{_suggest(str(key), [*by_id, *CHOICE_KEYS])}; allowed keys: {known}",
                )
            )

    values: dict[str, Any] = {}
    given: set[str] = set()
    for q in qs:
        if q.id in data:
            value, problem = check_value(q, data[q.id])
            if problem:
                problems.append(ProfileProblem(source, line(q.id), q.id, problem))
                value = q.default
            else:
                given.add(q.id)
        else:
            value = q.default
        values[q.id] = list(value) if isinstance(value, list) else value
    if problems:
        raise ProfileError(problems)

    not_applicable: set[str] = set()
    ignored: dict[str, Any] = {}
    for q in qs:
        if q.applies and not conditions.evaluate(q.applies, values):
            not_applicable.add(q.id)
            if q.id in given and values[q.id] != q.default:
                ignored[q.id] = values[q.id]
            values[q.id] = list(q.default) if isinstance(q.default, list) else q.default
    return Profile(
        values=values,
        questions=qs,
        source=source,
        defaulted=frozenset(q.id for q in qs if q.id not in given),
        not_applicable=frozenset(not_applicable),
        ignored=ignored,
        accepted=choices["accepted"],
        rejected=choices["rejected"],
    )


def default_profile(questions: Any) -> Profile:
    """Every question at its default."""
    return profile_from_mapping({}, questions, source="<defaults>")


def load_profile(path: str | Path, questions: Any) -> Profile:
    """Read a YAML or JSON profile file; raises :class:`ProfileError` naming the file (and line)."""
    path = Path(path)
    source = str(path)
    if path.suffix.lower() == ".json":
        try:
            text = path.read_text(encoding="utf-8")
        except FileNotFoundError:
            raise ProfileError([ProfileProblem(source, None, None, "no such profile file")]) from None
        except IsADirectoryError:
            raise ProfileError([ProfileProblem(source, None, None, "is a folder, not a profile file")]) from None
        except UnicodeDecodeError:
            raise ProfileError([ProfileProblem(source, None, None, "not UTF-8 text")]) from None
        except OSError as exc:
            raise ProfileError([ProfileProblem(source, None, None, f"cannot read: {exc.strerror or exc}")]) from None
        try:
            data = json.loads(text)
        except json.JSONDecodeError as exc:
            raise ProfileError([ProfileProblem(source, exc.lineno, None, f"invalid JSON: {exc.msg}")]) from None
        try:  # JSON is YAML: reuse its line numbers for the errors
            lines = parse_yaml(text, path).lines
        except YamlError:
            lines = {}
        return profile_from_mapping(data, questions, source=source, lines=lines)
    try:
        located = load_yaml(path)
    except YamlError as exc:
        message = exc.message
        if message == "no such file":
            message = "no such profile file"
        raise ProfileError([ProfileProblem(exc.path, exc.line, None, message)]) from None
    return profile_from_mapping(located.data, questions, source=source, lines=located.lines)


def apply_overrides(profile: Profile, overrides: Iterable[str], source: str = "--set") -> Profile:
    """A new profile with ``key=value`` answers applied (values read by each question's type)."""
    data = dict(profile.to_dict())
    data.update(profile.ignored)
    by_id = {q.id: q for q in profile.questions}
    problems: list[ProfileProblem] = []
    for item in overrides:
        key, sep, text = item.partition("=")
        key = key.strip()
        if not sep or not key:
            problems.append(ProfileProblem(source, None, None, f"'{item}' is not key=value, e.g. scenario=rest-api"))
            continue
        question = by_id.get(key)
        if question is None:
            problems.append(
                ProfileProblem(
                    source, None, key, f"unknown key{_suggest(key, by_id)}; allowed keys: {', '.join(by_id)}"
                )
            )
            continue
        data[key] = parse_text_value(question, text)
    if problems:
        raise ProfileError(problems)
    combined = source if profile.source == "<defaults>" else f"{profile.source} + {source}"
    updated = profile_from_mapping(data, profile.questions, source=combined)
    explicit = {item.partition("=")[0].strip() for item in overrides}
    return Profile(
        values=updated.values,
        questions=updated.questions,
        source=updated.source,
        defaulted=frozenset(k for k in profile.defaulted if k not in explicit),
        not_applicable=updated.not_applicable,
        ignored=updated.ignored,
        accepted=profile.accepted,
        rejected=profile.rejected,
    )


# --------------------------------------------------------------------------- saving


def dump_profile(profile: Profile) -> str:
    """The profile as commented YAML: a header, then every answer under its prompt and allowed values."""
    out = [
        "# wa-assist workload profile",
        "# Answers to the interview. `wa-assist recommend --profile FILE` and `wa-assist new --profile FILE`",
        "# read it; a missing key takes its default.",
        "",
    ]
    group = None
    for q in profile.questions:
        if q.group != group:
            group = q.group
            out.append(f"# ---- {group}")
        note = " (does not apply to this profile; default kept)" if q.id in profile.not_applicable else ""
        out.append(f"# {q.prompt}{note}")
        out.append(f"# allowed: {_allowed(q)}")
        rendered = yaml.safe_dump(
            {q.id: profile.values[q.id]}, default_flow_style=True, sort_keys=False, allow_unicode=True, width=1000
        )
        # safe_dump of a one-key mapping in flow style gives "{key: value}"; keep "key: value".
        body = rendered.strip()
        if body.startswith("{") and body.endswith("}"):
            body = body[1:-1]
        out.append(body)
    out += [
        "# ---- Recommendations",
        "# Your choices on the recommendations, by knowledge base id (`wa-assist show ID` explains one).",
        "# One in neither list is pending; `wa-assist new` applies every recommendation not rejected.",
    ]
    for key, ids in profile.choices().items():
        out.append(yaml.safe_dump({key: ids}, default_flow_style=False, sort_keys=False, allow_unicode=True).rstrip())
    return "\n".join(out) + "\n"


def save_profile(profile: Profile, path: str | Path, *, replace: bool = True) -> Path:
    """Write the profile (YAML with comments, or JSON for a ``.json`` path) atomically.

    With ``replace=False`` an existing file is refused (a UserError), never overwritten.
    """
    from wa_assist.userfiles import write_text

    path = Path(path)
    if path.suffix.lower() == ".json":
        text = json.dumps({**profile.to_dict(), **profile.choices()}, indent=2) + "\n"
    else:
        text = dump_profile(profile)
    return write_text(path, text, force=replace)
