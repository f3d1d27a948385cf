"""The recommendation engine: evaluates the advice in the knowledge base against a workload profile.

Nothing here knows any advice. For every entry with an ``advice`` block the engine

1. tests ``applies`` against the profile; an entry that applies is a recommendation (or, when the user
   rejects its id, a rejected one);
2. picks the priority (the first case whose ``when`` holds) and renders every reason whose ``when`` holds,
   filling ``{field}`` placeholders with the profile's values;
3. collects the decisions it makes: for each decision id, the first case (in file order) whose ``when``
   holds and that sets it gives the value (a literal or an ``{expr}``);
4. resolves every decision of ``decisions.yaml``: the accepted recommendation with the highest priority
   wins; at equal priority the value listed first in the decision's ``values`` wins (integers and
   booleans: ``prefer`` higher or lower, true counting as higher); then file order. A decision no
   accepted recommendation sets takes its default. Every disagreement is reported as a conflict that
   says which value won, over which, and why. Expressions may read other decisions, so decisions are
   resolved in dependency order.
5. rates the risk of each lens question from its practices' tiers and the user's choices
   (:func:`assess_risk`): high when a Required practice is rejected, medium when another one is,
   unverified while practices are only accepted or pending, none only when every one is verified.

6. resolves every decision once more for each function kind of ``decisions.yaml`` (``function_kinds``):
   decision cases may test ``function_kind``, so a rule can decide for the functions that serve callers
   synchronously differently from queue or stream consumers. ``Result.function_decisions`` holds, per
   kind, the decisions whose value differs from the project-level one (which is resolved with
   ``function_kind`` unset, so cases that test it do not take part);
7. renders each recommendation's ``costs`` from the list prices of ``decisions.yaml`` (``prices``) and
   adds them to its reasons, so a cost is stated wherever the recommendation is.

``applies``, ``priority``, ``reasons`` and decision ``when`` read profile fields only; ``implemented_in``
conditions may also read resolved decisions (``decision.<id>``) and hold when they hold for the project
or for any function kind; costs read the decisions of their ``function_kind`` when they name one.
"""

from __future__ import annotations

import math
import string
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from wa_assist import conditions
from wa_assist.errors import UserError
from wa_assist.formatting import show_value as _show
from wa_assist.profile import Profile
from wa_assist.schema import PILLAR_ORDER, Decision, DecisionType, Entry, Kind, Pillar, Priority, Tier

RISK_LEVELS = ("none", "unverified", "medium", "high")
"""Lens risk, least first: nothing open; nothing rejected but not verified; a practice rejected; a Required one."""
PRACTICE_STATUSES = ("rejected", "pending", "accepted", "not-assessed", "implemented", "not-applicable")


class EngineError(UserError):
    """Advice that cannot be evaluated (a bad expression, a value a decision does not allow, a cycle).

    The shipped advice is tested, so this names an entry of the user's own guidance (``--knowledge``).
    """

    def __str__(self) -> str:
        return f"the guidance cannot be evaluated for this profile: {super().__str__()}"


# --------------------------------------------------------------------------- results


@dataclass
class Recommendation:
    entry: Entry
    id: str
    title: str
    summary: str
    kind: str
    pillars: list[str]
    priority: str
    reasons: list[str]
    decisions: dict[str, Any]
    implemented_in: list[dict[str, str]]
    lens: dict[str, str] | None
    changes: str
    costs: list[str] = field(default_factory=list)

    @property
    def pillar(self) -> str:
        return self.pillars[0]

    @property
    def priority_rank(self) -> int:
        return Priority(self.priority).rank


@dataclass
class Conflict:
    decision: str
    value: Any
    winner: str
    winner_priority: str
    overruled: list[dict[str, Any]]
    reason: str

    def to_dict(self) -> dict[str, Any]:
        return {
            "decision": self.decision,
            "value": self.value,
            "winner": self.winner,
            "winner_priority": self.winner_priority,
            "overruled": self.overruled,
            "reason": self.reason,
        }

    def __str__(self) -> str:
        losers = ", ".join(f"{o['entry']} ({_show(o['value'])}, {o['priority']})" for o in self.overruled)
        return f"{self.decision} = {_show(self.value)} from {self.winner} ({self.winner_priority}) over {losers}: {self.reason}"


@dataclass
class Result:
    profile: Profile
    recommendations: list[Recommendation]
    rejected: list[Recommendation]
    decisions: dict[str, Any]
    decision_sources: dict[str, str]  # decision id -> entry id that set it, or "default"
    conflicts: list[Conflict]
    risk: dict[str, Any]
    unknown_rejections: list[str] = field(default_factory=list)  # rejected ids that do not apply
    components: list[str] = field(default_factory=list)  # what the project is made of (wa_assist.components)
    functions: dict[str, dict[str, Any]] = field(default_factory=dict)  # logical id -> kind, code, component
    # function kind -> decision id -> value, where the kind's value differs from the project-level one
    function_decisions: dict[str, dict[str, Any]] = field(default_factory=dict)
    function_decision_sources: dict[str, dict[str, str]] = field(default_factory=dict)

    def for_kind(self, kind: str) -> dict[str, Any]:
        """Every decision as the functions of ``kind`` get it (project-level values with the kind's overrides)."""
        return {**self.decisions, **self.function_decisions.get(kind, {})}

    def by_pillar(self) -> dict[str, list[Recommendation]]:
        grouped: dict[str, list[Recommendation]] = {}
        for rec in self.recommendations:
            grouped.setdefault(rec.pillar, []).append(rec)
        return grouped

    def get(self, entry_id: str) -> Recommendation | None:
        for rec in self.recommendations:
            if rec.id == entry_id:
                return rec
        return None


# --------------------------------------------------------------------------- rendering reasons


class _ProfileFormatter(string.Formatter):
    """Fills ``{field}`` from the profile only: no attribute access, no indexing, no format specs."""

    def __init__(self, values: Mapping[str, Any]):
        self.values = values

    def get_field(self, field_name: str, args: Any, kwargs: Any) -> Any:
        if not field_name.isidentifier() or field_name not in self.values:
            return "{" + field_name + "}", field_name
        return _show(self.values[field_name]), field_name

    def format_field(self, value: Any, format_spec: str) -> str:
        return str(value)

    def convert_field(self, value: Any, conversion: str | None) -> Any:
        return value


def _show_number(value: Any) -> str:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return _show(value)
    if isinstance(value, float) and abs(value) < 1 and value != int(value):
        return f"{value:.3f}".rstrip("0")
    if isinstance(value, float) and abs(value) < 100 and value != int(value):
        return f"{value:,.2f}"
    return f"{round(value):,}"


def render_cost(text: str, values: Mapping[str, Any]) -> str:
    """A cost sentence with its computed ``{name}`` values filled in (numbers formatted for reading)."""
    return render_text(text, {k: _show_number(v) for k, v in values.items()})


def render_text(text: str, values: Mapping[str, Any]) -> str:
    """A reason template with ``{field}`` placeholders filled from the profile values."""
    try:
        return _ProfileFormatter(values).vformat(text, (), {})
    except (ValueError, IndexError, KeyError):  # unbalanced braces: show the text as written
        return text


# --------------------------------------------------------------------------- evaluation helpers


def _priority(entry: Entry, values: Mapping[str, Any]) -> Priority:
    advice = entry.advice
    assert advice is not None
    if isinstance(advice.priority, Priority):
        return advice.priority
    for case in advice.priority:
        if conditions.evaluate(case.when, values):
            return case.value
    return advice.priority[-1].value


def _raw_decisions(entry: Entry, values: Mapping[str, Any]) -> dict[str, Any]:
    """Decision id -> literal or {expr}: the first matching case that sets each id."""
    advice = entry.advice
    assert advice is not None
    found: dict[str, Any] = {}
    for case in advice.decisions:
        if conditions.evaluate(case.when, values):
            for key, value in case.set.items():
                found.setdefault(key, value)
    return found


def _tests_kind(entry: Entry) -> bool:
    """Whether any decision case of the entry tests the function kind (otherwise every kind gets the same cases)."""
    advice = entry.advice
    assert advice is not None
    return any(conditions.FUNCTION_KIND in conditions.condition_fields(case.when) for case in advice.decisions)


def _coerce(decision: Decision, value: Any, origin: str) -> Any:
    """A computed value made to fit the decision's type and range."""
    if decision.type is DecisionType.integer:
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise EngineError(f"{origin}: decision '{decision.id}' needs a number, got {value!r}")
        if isinstance(value, float):
            if math.isnan(value) or math.isinf(value):
                raise EngineError(f"{origin}: decision '{decision.id}' computed {value!r}")
            value = math.ceil(value)
        if decision.minimum is not None:
            value = max(decision.minimum, value)
        if decision.maximum is not None:
            value = min(decision.maximum, value)
        return int(value)
    if decision.type is DecisionType.boolean:
        if not isinstance(value, bool):
            raise EngineError(f"{origin}: decision '{decision.id}' needs true or false, got {value!r}")
        return value
    if value not in decision.values:
        raise EngineError(
            f"{origin}: {value!r} is not allowed for decision '{decision.id}'; allowed: {', '.join(decision.values)}"
        )
    return value


def _value(decision: Decision, raw: Any, values: Mapping[str, Any], resolved: Mapping[str, Any], origin: str) -> Any:
    if conditions.is_expr(raw):
        try:
            raw = conditions.evaluate_expr(raw["expr"], values, resolved)
        except conditions.ConditionError as exc:
            raise EngineError(f"{origin}: decision '{decision.id}': {exc}") from None
    return _coerce(decision, raw, origin)


def _preference(decision: Decision, value: Any) -> Any:
    """Sort key: smaller is preferred at equal priority."""
    if decision.type is DecisionType.choice:
        return decision.values.index(value)
    number = int(value)
    return -number if decision.prefer == "higher" else number


def _why(decision: Decision, winner: tuple[Priority, Any], loser: tuple[Priority, Any]) -> str:
    if winner[0] != loser[0]:
        return f"higher priority ({winner[0].value} over {loser[0].value})"
    if decision.type is DecisionType.choice:
        return f"equal priority; decisions.yaml lists '{winner[1]}' before '{loser[1]}'"
    return f"equal priority; decisions.yaml prefers the {decision.prefer} value"


def _resolution_order(kb: Any, raw: Mapping[str, list[Any]]) -> list[str]:
    """Decision ids so that every expression's decision inputs are resolved before it."""
    fields = [q.id for q in kb.questions]
    deps: dict[str, set[str]] = {}
    for did, decision in kb.decisions.items():
        needed: set[str] = set()
        for value in [decision.default, *raw.get(did, [])]:
            if conditions.is_expr(value):
                try:
                    needed |= conditions.expr_decisions(value["expr"], fields)
                except conditions.ConditionError as exc:
                    raise EngineError(f"decision '{did}': {exc}") from None
        deps[did] = needed & set(kb.decisions)
    order: list[str] = []
    state: dict[str, int] = {}

    def visit(did: str, chain: tuple[str, ...]) -> None:
        if state.get(did) == 2:
            return
        if state.get(did) == 1:
            raise EngineError("decisions depend on each other in a cycle: " + " -> ".join((*chain, did)))
        state[did] = 1
        for dep in sorted(deps[did], key=list(kb.decisions).index):
            visit(dep, (*chain, did))
        state[did] = 2
        order.append(did)

    for did in kb.decisions:
        visit(did, ())
    return order


def _lens_of(entry: Entry, kb: Any) -> dict[str, str] | None:
    if entry.lens is not None:
        return {
            "question": entry.lens.question,
            "choice": entry.lens.choice,
            "tier": entry.lens.tier.value,
            "practice": entry.id,
        }
    for rid in entry.related:
        other = kb.entries.get(rid)
        if other is not None and other.lens is not None:
            return {
                "question": other.lens.question,
                "choice": other.lens.choice,
                "tier": other.lens.tier.value,
                "practice": other.id,
            }
    return None


# --------------------------------------------------------------------------- the engine


@dataclass
class _Applied:
    entry: Entry
    order: int
    priority: Priority
    reasons: list[str]
    raw: dict[str, Any]


_Resolution = tuple[dict[str, Any], dict[str, str], list["Conflict"], dict[str, dict[str, Any]]]


def _resolve(
    kb: Any,
    accepted: list[_Applied],
    refused: list[_Applied],
    values: Mapping[str, Any],
    raw_of: Callable[[_Applied], dict[str, Any]],
) -> _Resolution:
    """Every decision resolved over the accepted recommendations' cases (``raw_of`` gives each one's
    decision id -> literal or {expr}): values, their sources, the conflicts and what each entry proposed."""
    raws = {id(a): raw_of(a) for a in (*accepted, *refused)}
    candidates: dict[str, list[_Applied]] = {}
    raw_by_decision: dict[str, list[Any]] = {}
    for a in accepted:
        for did, raw in raws[id(a)].items():
            if did not in kb.decisions:
                raise EngineError(f"entry '{a.entry.id}' sets unknown decision '{did}'")
            candidates.setdefault(did, []).append(a)
            raw_by_decision.setdefault(did, []).append(raw)
    for a in refused:  # their expressions are evaluated too, to show what they would have set
        for did, raw in raws[id(a)].items():
            if did in kb.decisions:
                raw_by_decision.setdefault(did, []).append(raw)

    resolved: dict[str, Any] = {}
    sources: dict[str, str] = {}
    conflicts: list[Conflict] = []
    proposed: dict[str, dict[str, Any]] = {}  # entry id -> decision -> value it proposed
    for did in _resolution_order(kb, raw_by_decision):
        decision = kb.decisions[did]
        options = []
        for a in candidates.get(did, []):
            value = _value(decision, raws[id(a)][did], values, resolved, f"entry '{a.entry.id}'")
            proposed.setdefault(a.entry.id, {})[did] = value
            options.append((a.priority.rank, _preference(decision, value), a.order, a, value))
        for a in refused:
            if did in raws[id(a)]:
                proposed.setdefault(a.entry.id, {})[did] = _value(
                    decision, raws[id(a)][did], values, resolved, f"entry '{a.entry.id}'"
                )
        if not options:
            resolved[did] = _value(decision, decision.default, values, resolved, f"default of decision '{did}'")
            sources[did] = "default"
            continue
        options.sort(key=lambda o: o[:3])
        _, _, _, winner, value = options[0]
        resolved[did] = value
        sources[did] = winner.entry.id
        losers = [o for o in options[1:] if o[4] != value]
        if losers:
            conflicts.append(
                Conflict(
                    decision=did,
                    value=value,
                    winner=winner.entry.id,
                    winner_priority=winner.priority.value,
                    overruled=[
                        {"entry": o[3].entry.id, "value": o[4], "priority": o[3].priority.value} for o in losers
                    ],
                    reason=_why(decision, (winner.priority, value), (losers[0][3].priority, losers[0][4])),
                )
            )
    return resolved, sources, conflicts, proposed


def recommend(
    kb: Any, profile: Profile, rejected: Iterable[str] = frozenset(), accepted_ids: Iterable[str] = frozenset()
) -> Result:
    """Every recommendation for ``profile``, the resolved decisions, their conflicts and the lens risk.

    Every recommendation not ``rejected`` is applied; ``accepted_ids`` names the ones the user
    accepted, which only the risk tells apart from the pending ones.
    """
    values = profile.values
    rejected_ids = set(rejected)
    chosen_ids = set(accepted_ids) - rejected_ids
    prices = {pid: price.usd for pid, price in getattr(kb, "prices", {}).items()}
    kinds = list(getattr(kb, "function_kinds", {}))

    def env(kind: str | None) -> dict[str, Any]:
        """Names decision cases and expressions read: prices, the profile and the function kind."""
        return {**prices, **values, conditions.FUNCTION_KIND: kind}

    from wa_assist.entity import resolve as resolve_entity

    # reasons may name the project's records: {entities}, {Entities}, ... (the forms, not the raw answer)
    worded = {**values, **resolve_entity(values).forms}
    applied: list[_Applied] = []
    not_applicable: set[str] = set()
    for order, entry in enumerate(kb.entries.values()):
        advice = entry.advice
        if advice is None:
            continue
        try:
            if not conditions.evaluate(advice.applies, values):
                not_applicable.add(entry.id)
                continue
            reasons = [render_text(r.text, worded) for r in advice.reasons if conditions.evaluate(r.when, values)]
            applied.append(_Applied(entry, order, _priority(entry, values), reasons, _raw_decisions(entry, env(None))))
        except conditions.ConditionError as exc:
            raise EngineError(f"entry '{entry.id}': {exc}") from None

    accepted = [a for a in applied if a.entry.id not in rejected_ids]
    refused = [a for a in applied if a.entry.id in rejected_ids]

    by_kind = {a.entry.id for a in applied if _tests_kind(a.entry)}

    def cases_for(kind: str) -> Callable[[_Applied], dict[str, Any]]:
        return lambda a: _raw_decisions(a.entry, env(kind)) if a.entry.id in by_kind else a.raw

    try:
        project = _resolve(kb, accepted, refused, env(None), lambda a: a.raw)
        per_kind = {kind: _resolve(kb, accepted, refused, env(kind), cases_for(kind)) for kind in kinds}
    except conditions.ConditionError as exc:
        raise EngineError(str(exc)) from None
    resolved, sources, conflicts, proposed = project
    function_decisions: dict[str, dict[str, Any]] = {}
    function_sources: dict[str, dict[str, str]] = {}
    for kind, (kind_resolved, kind_sources, _, _) in per_kind.items():
        differs = {did: kind_resolved[did] for did in kb.decisions if kind_resolved[did] != resolved[did]}
        if differs:
            function_decisions[kind] = differs
            function_sources[kind] = {did: kind_sources[did] for did in differs}
    every_resolution = [resolved, *(r[0] for r in per_kind.values())]

    from wa_assist.components import COMPONENTS_FIELD, select

    selection = select(values, resolved)
    built_values = {**values, COMPONENTS_FIELD: selection.components}

    def build(a: _Applied) -> Recommendation:
        entry = a.entry
        advice = entry.advice
        assert advice is not None
        try:
            implemented = [
                {
                    # the places name the project's own files and resources: {entities}, {Entity}, ...
                    "where": render_text(impl.where, selection.entity),
                    "what": render_text(impl.what, selection.entity),
                    **({"check": impl.check} if impl.check else {}),
                }
                for impl in advice.implemented_in
                if any(conditions.evaluate(impl.when, built_values, decided) for decided in every_resolution)
            ]
        except conditions.ConditionError as exc:
            raise EngineError(f"entry '{entry.id}': implemented_in: {exc}") from None
        costs = []
        for cost in advice.costs:
            decided = per_kind[cost.function_kind][0] if cost.function_kind in per_kind else resolved
            try:
                if not conditions.evaluate(cost.when, values, decided):
                    continue
                computed = {
                    name: conditions.evaluate_expr(value["expr"], env(cost.function_kind), decided)
                    for name, value in cost.values.items()
                }
            except conditions.ConditionError as exc:
                raise EngineError(f"entry '{entry.id}': costs: {exc}") from None
            costs.append(render_cost(cost.text, computed))
        mine = proposed.get(entry.id, {})
        return Recommendation(
            entry=entry,
            id=entry.id,
            title=entry.title,
            summary=entry.summary,
            kind=entry.kind.value,
            pillars=[p.value for p in entry.pillars],
            priority=a.priority.value,
            reasons=[*a.reasons, *costs],
            decisions={did: mine[did] for did in kb.decisions if did in mine},
            implemented_in=implemented,
            lens=_lens_of(entry, kb),
            changes=advice.changes,
            costs=costs,
        )

    def sort_key(rec: Recommendation) -> tuple[Any, ...]:
        return (PILLAR_ORDER.index(Pillar(rec.pillar)), rec.priority_rank, rec.title.lower(), rec.id)

    recommendations = sorted((build(a) for a in accepted), key=sort_key)
    rejected_recs = sorted((build(a) for a in refused), key=sort_key)
    applied_ids = {a.entry.id for a in applied}
    risk = assess_risk(
        kb, {a.entry.id for a in accepted if a.entry.id in chosen_ids}, {a.entry.id for a in refused}, not_applicable
    )
    return Result(
        profile=profile,
        recommendations=recommendations,
        rejected=rejected_recs,
        decisions={did: resolved[did] for did in kb.decisions},
        decision_sources={did: sources[did] for did in kb.decisions},
        conflicts=sorted(conflicts, key=lambda c: list(kb.decisions).index(c.decision)),
        risk=risk,
        unknown_rejections=sorted(r for r in rejected_ids if r not in applied_ids),
        function_decisions=function_decisions,
        function_decision_sources=function_sources,
        components=selection.components,
        functions=selection.functions,
    )


def assess_risk(
    kb: Any,
    accepted: set[str],
    rejected: set[str],
    not_applicable: set[str],
    implemented: Iterable[str] = frozenset(),
) -> dict[str, Any]:
    """Risk per lens question and per pillar, from what is rejected and what is not yet verified.

    Each lens practice has a status: ``implemented`` (verified in place, e.g. by a review of the code),
    ``rejected``, ``accepted`` (the user wants it; a generated project carries it, but nothing has
    checked that it is in place), ``pending`` (recommended, not yet accepted or rejected),
    ``not-applicable`` (its advice does not apply to the profile) or ``not-assessed`` (no advice, so the
    tool cannot tell). Nothing counts as in place by assumption:

    - ``high``: a Required practice is rejected;
    - ``medium``: another practice is rejected;
    - ``unverified``: nothing is rejected, but some practice is accepted, pending or not assessed;
    - ``none``: every practice is implemented or does not apply.

    A pillar takes its worst question. ``pillar_counts`` says, per pillar, how many practices have
    each status, so a screen or report can tell pending, accepted and rejected apart.
    """
    verified = set(implemented)
    questions: dict[str, dict[str, Any]] = {}
    for qid, lq in kb.lens_questions.items():
        questions[qid] = {"pillar": lq.pillar.value, "title": lq.title, "risk": "unverified", "practices": []}
    for entry in kb.entries.values():
        if entry.kind is not Kind.practice or entry.lens is None:
            continue
        if entry.id in rejected:
            status = "rejected"
        elif entry.id in verified:
            status = "implemented"
        elif entry.id in not_applicable:
            status = "not-applicable"
        elif entry.id in accepted:
            status = "accepted"
        elif entry.advice is not None:
            status = "pending"
        else:
            status = "not-assessed"  # a practice without advice is never in place by itself
        q = questions[entry.lens.question]  # the loader checks that every lens question is defined
        q["practices"].append(
            {"id": entry.id, "choice": entry.lens.choice, "tier": entry.lens.tier.value, "status": status}
        )
    pillars: dict[str, str] = {}
    counts: dict[str, dict[str, int]] = {}
    for q in questions.values():
        q["practices"].sort(key=lambda p: p["choice"])
        statuses = [p["status"] for p in q["practices"]]
        if any(p["status"] == "rejected" and p["tier"] == Tier.required.value for p in q["practices"]):
            q["risk"] = "high"
        elif "rejected" in statuses:
            q["risk"] = "medium"
        elif statuses and all(s in ("implemented", "not-applicable") for s in statuses):
            q["risk"] = "none"
        else:
            q["risk"] = "unverified"
        q["assessed"] = bool(statuses)
        current = pillars.get(q["pillar"], "none")
        pillars[q["pillar"]] = max(current, q["risk"], key=RISK_LEVELS.index)
        tally = counts.setdefault(q["pillar"], dict.fromkeys(PRACTICE_STATUSES, 0))
        for status in statuses:
            tally[status] += 1
    ordered = {p.value: pillars[p.value] for p in PILLAR_ORDER if p.value in pillars}
    ordered_counts = {p: counts[p] for p in ordered}
    return {"pillars": ordered, "pillar_counts": ordered_counts, "questions": questions}
