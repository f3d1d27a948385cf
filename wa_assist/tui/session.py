"""The state of one interview, in plain Python: answers, which questions apply, the engine's view.

Screens read and change a :class:`Session`; nothing here imports Textual, so it is tested directly.
"""

from __future__ import annotations

import copy
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from wa_assist import conditions
from wa_assist.profile import Profile, check_value, profile_from_mapping
from wa_assist.schema import Question, QuestionType
from wa_assist.vocabulary import Pillar, Priority

if TYPE_CHECKING:
    from wa_assist.tui.services import Services

PILLAR_LABELS = {pillar.value: pillar.label for pillar in Pillar}
"""Pillar id -> label, in the framework's order (from the one vocabulary)."""


STATUSES = ("pending", "accepted", "rejected")
"""What the user made of a recommendation: not yet decided, accepted, rejected."""


@dataclass(frozen=True)
class Preview:
    """What the answers so far imply, in a few numbers."""

    total: int
    high: int
    medium: int
    low: int
    risk: Mapping[str, str]
    counts: Mapping[str, Mapping[str, int]] = field(default_factory=dict)  # pillar -> practice status -> n

    @property
    def headline(self) -> str:
        plural = "" if self.total == 1 else "s"
        return f"{self.total} recommendation{plural}, {self.high} high"


@dataclass(frozen=True)
class DecisionChange:
    decision: str
    title: str
    accepted: Any  # the value with the recommendation accepted
    rejected: Any  # the value without it


def parse_answer(question: Question, text: str) -> tuple[Any, str | None]:
    """An answer typed into a text box, read by the question's type and checked: ``(value, problem)``."""
    if question.type is QuestionType.integer:
        stripped = text.strip()
        try:
            value: Any = int(stripped)
        except ValueError:
            low = question.minimum if question.minimum is not None else "any"
            high = question.maximum if question.maximum is not None else "any"
            return None, f"Enter a whole number from {low} to {high}."
    else:
        value = text
    value, problem = check_value(question, value)
    if problem:
        return None, _friendly(question, problem)
    return value, None


def _friendly(question: Question, problem: str) -> str:
    """check_value's message, phrased for someone typing (the allowed values stay)."""
    if question.type is QuestionType.text and question.pattern_help and "; allowed:" in problem:
        head = problem.split("; allowed:")[0]
        return f"{head.replace('bad value', 'Not allowed:')}. Use {question.pattern_help}."
    return problem.replace("bad value", "Not allowed:", 1).replace("; allowed:", ". Allowed:") + "."


class Session:
    """Answers to the interview, the recommendations they lead to and the user's accepts and rejects."""

    def __init__(self, services: Services, profile: Profile | None = None):
        self.services = services
        self.kb = services.kb
        self.questions: list[Question] = list(self.kb.questions)
        self.values: dict[str, Any] = {q.id: copy.deepcopy(q.default) for q in self.questions}
        if profile is not None:
            self.values.update({k: copy.deepcopy(v) for k, v in profile.values.items() if k in self.values})
            self.values.update(
                {k: copy.deepcopy(v) for k, v in getattr(profile, "ignored", {}).items() if k in self.values}
            )
        self.accepted: set[str] = set(profile.accepted) if profile is not None else set()
        self.rejected: set[str] = set(profile.rejected) if profile is not None else set()
        self.groups: list[str] = []
        for q in self.questions:
            if q.group not in self.groups:
                self.groups.append(q.group)
        self._cache: dict[tuple[frozenset[str], frozenset[str]], Any] = {}
        self._cache_key: tuple[Any, ...] | None = None
        self._saved = self.snapshot() if profile is not None else self._defaults_snapshot()

    # ------------------------------------------------------------------ saving

    def snapshot(self) -> tuple[Any, ...]:
        """Everything the user gave: the answers and the choices on recommendations."""
        return (
            tuple((k, repr(v)) for k, v in self.values.items()),
            tuple(sorted(self.accepted)),
            tuple(sorted(self.rejected)),
        )

    def _defaults_snapshot(self) -> tuple[Any, ...]:
        return (tuple((q.id, repr(q.default)) for q in self.questions), (), ())

    def unsaved(self) -> bool:
        """Whether anything changed since the last save (or, before one, since the defaults)."""
        return self.snapshot() != self._saved

    def mark_saved(self) -> None:
        self._saved = self.snapshot()

    def reset(self) -> None:
        """Every answer back to its default and every choice undone (starting over)."""
        self.values = {q.id: copy.deepcopy(q.default) for q in self.questions}
        self.accepted.clear()
        self.rejected.clear()

    def changed_answers(self, recorded: Profile) -> dict[str, Any]:
        """The answers that differ from ``recorded`` (a project's), as data for its update."""
        base = {q.id: q.default for q in self.questions}
        base.update(recorded.values)
        base.update({k: v for k, v in getattr(recorded, "ignored", {}).items() if k in base})
        return {k: copy.deepcopy(v) for k, v in self.values.items() if base.get(k) != v}

    def choices(self) -> tuple[frozenset[str], frozenset[str]]:
        """The accepted and rejected ids (a rejection wins)."""
        return frozenset(self.accepted - self.rejected), frozenset(self.rejected)

    # ------------------------------------------------------------------ questions

    def applies(self, question: Question) -> bool:
        return not question.applies or conditions.evaluate(question.applies, self.values)

    def group_questions(self, group: str) -> list[Question]:
        return [q for q in self.questions if q.group == group]

    def steps(self) -> list[str]:
        """The groups with at least one question that applies to the answers so far, in file order."""
        return [g for g in self.groups if any(self.applies(q) for q in self.group_questions(g))]

    def answer(self, qid: str, value: Any) -> str | None:
        """Record an answer; returns the problem (and keeps the previous answer) when it is not allowed."""
        question = self.kb.question(qid)
        value, problem = check_value(question, value)
        if problem:
            return problem
        self.values[qid] = value
        return None

    @property
    def name(self) -> str:
        return str(self.values.get("name") or "project")

    # ------------------------------------------------------------------ engine

    def profile(self, source: str = "<interview>") -> Profile:
        """The answers and the choices on recommendations, as ``new --profile`` reads them."""
        profile = profile_from_mapping(self.values, self.kb, source=source)
        return profile.with_choices(self.accepted, self.rejected)

    def result(self, rejected: frozenset[str] | set[str] | None = None) -> Any:
        """The engine's result for the answers so far (cached while the answers stay the same)."""
        key = (tuple((k, repr(v)) for k, v in self.values.items()),)
        if key != self._cache_key:
            self._cache = {}
            self._cache_key = key
        refused = frozenset(self.rejected if rejected is None else rejected)
        chosen = (refused, frozenset(self.accepted) - refused)
        if chosen not in self._cache:
            self._cache[chosen] = self.services.recommend(self.kb, self.profile(), refused, accepted=chosen[1])
        return self._cache[chosen]

    def preview(self) -> Preview:
        result = self.result()
        recs = list(result.recommendations)
        count = {p: sum(1 for r in recs if r.priority == p) for p in ("high", "medium", "low")}
        risk = dict((result.risk or {}).get("pillars", {}))
        counts = dict((result.risk or {}).get("pillar_counts", {}))
        return Preview(len(recs), count["high"], count["medium"], count["low"], risk, counts)

    def is_rejected(self, rec_id: str) -> bool:
        return rec_id in self.rejected

    def status(self, rec_id: str) -> str:
        """``pending``, ``accepted`` or ``rejected``."""
        if rec_id in self.rejected:
            return "rejected"
        return "accepted" if rec_id in self.accepted else "pending"

    def toggle(self, rec_id: str) -> bool:
        """Accept a pending or rejected recommendation, or reject an accepted one; returns whether it is now rejected."""
        rejected = self.status(rec_id) == "accepted"
        self.set_rejected(rec_id, rejected)
        return rejected

    def set_status(self, rec_id: str, status: str) -> None:
        self.accepted.discard(rec_id)
        self.rejected.discard(rec_id)
        if status == "accepted":
            self.accepted.add(rec_id)
        elif status == "rejected":
            self.rejected.add(rec_id)

    def set_rejected(self, rec_id: str, rejected: bool) -> None:
        self.set_status(rec_id, "rejected" if rejected else "accepted")

    def counts(self) -> dict[str, int]:
        """How many of the recommendations for these answers are pending, accepted and rejected."""
        tally = dict.fromkeys(STATUSES, 0)
        for rec in self.all_recommendations():
            tally[self.status(rec.id)] += 1
        return tally

    def all_recommendations(self) -> list[Any]:
        """Accepted and rejected recommendations together, in the engine's order (pillar, then priority)."""
        result = self.result()
        recs = list(result.recommendations) + list(result.rejected)
        order = {p.value: p.rank for p in Priority}
        pillars = list(PILLAR_LABELS)

        def key(rec: Any) -> tuple[Any, ...]:
            pillar = rec.pillars[0] if rec.pillars else ""
            return (
                pillars.index(pillar) if pillar in pillars else len(pillars),
                order.get(rec.priority, 3),
                rec.title.lower(),
            )

        return sorted(recs, key=key)

    def rejection_changes(self, rec_id: str) -> list[DecisionChange]:
        """The project decisions that differ when ``rec_id`` is rejected (other choices kept)."""
        with_it = self.result(frozenset(self.rejected - {rec_id})).decisions
        without = self.result(frozenset(self.rejected | {rec_id})).decisions
        changes = []
        for did, value in with_it.items():
            if without.get(did) != value:
                decision = self.kb.decisions.get(did)
                title = decision.title if decision is not None else did
                changes.append(DecisionChange(did, title, value, without.get(did)))
        return changes
