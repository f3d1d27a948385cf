"""Answers to questions asked in plain words: the best entry's answer, about the user's workload.

:func:`answer` finds the entry that answers the question (the search index, which knows the questions
each entry answers), and gives its short answer and steps, the cautions that go with it and, with the
engine's result for a profile, whether the advice applies to that workload and why (its reasons), what
the generated project does about it (its decisions and where they are implemented), or why it does not
apply (the parts of its ``applies`` condition the profile does not meet).

A question nothing answers confidently is said to be so, with the nearest topics; nothing is made up.
Without a profile this module needs only the search index: no pydantic, no engine.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from wa_assist.search import Hit, SearchIndex

# The best hit's score times the share of the question's words the knowledge base knows. Measured on
# tests/data (python tests/benchmarks/eval_ask.py): on-topic questions of the tuning set reach 27 and
# more, the lens-guide coverage queries 25 and more, while off-topic questions ("how do I bake bread")
# stay at 22 or below but for one (30). 25 keeps every tuning question and rejects 9 off-topic in 10.
CONFIDENCE = 25.0
SOURCES = 3
NEAR = 5.0  # a further source scores at most this much below the best one, unless it is related to it


class Answer:
    """An answer (or the admission that there is none) to one question."""

    def __init__(self, question: str, hits: list[Hit], confidence: float) -> None:
        self.question = question
        self.hits = hits
        self.confidence = confidence
        self.confident = bool(hits) and confidence >= CONFIDENCE
        self.steps: list[str] = []
        self.cautions: list[tuple[str, str, str]] = []  # id, title, summary
        self.applies: bool | None = None
        self.reasons: list[str] = []
        self.decisions: dict[str, Any] = {}
        self.implemented: list[dict[str, str]] = []
        self.profile_name: str | None = None
        self.related: tuple[str, ...] = ()

    @property
    def best(self) -> Hit | None:
        return self.hits[0] if self.confident else None

    @property
    def sources(self) -> list[str]:
        """The best entry, then hits that score nearly as well or that it names as related (three at most)."""
        if not self.confident:
            return []
        best = self.hits[0]
        more = [h.id for h in self.hits[1:] if h.score >= best.score - NEAR or h.id in self.related]
        return [best.id, *more][:SOURCES]

    @property
    def suggestions(self) -> list[tuple[str, str]]:
        """The nearest topics (id, title), for a question without a confident answer."""
        return [] if self.confident else [(h.id, h.title) for h in self.hits[:SOURCES]]

    @property
    def text(self) -> str | None:
        """The short answer, or None when there is no confident one."""
        return self.best.summary if self.best else None

    def to_dict(self) -> dict[str, Any]:
        best = self.best
        return {
            "question": self.question,
            "answer": self.text,
            "sources": self.sources,
            "applies": self.applies,
            "reasons": list(self.reasons),
            "decisions": dict(self.decisions),
            "title": best.title if best else None,
            "steps": list(self.steps),
            "cautions": [{"id": i, "title": t, "summary": s} for i, t, s in self.cautions],
            "implemented_in": list(self.implemented),
            "suggestions": [{"id": i, "title": t} for i, t in self.suggestions],
        }


def answer(index: SearchIndex, question: str, *, kb: Any = None, result: Any = None) -> Answer:
    """The answer to ``question``; with ``kb`` and the engine's ``result`` for a profile, about that workload.

    Raises :class:`wa_assist.search.QueryError` for an empty question.
    """
    from wa_assist.search import QueryError

    try:
        hits = index.search(question, limit=10)
    except QueryError:
        raise QueryError(
            "the question is empty: ask in your own words, for example 'why is the first call after a deploy slow'"
        ) from None
    confidence = hits[0].score * index.known_share(question) if hits else 0.0
    out = Answer(question, hits, confidence)
    best = out.best
    if best is None:
        return out
    steps, related = index.detail(best.id)
    out.steps = list(steps)
    out.related = related
    for rid in related:
        info = index.entry_meta(rid)
        if info is not None and info[1] == "caution":
            out.cautions.append((rid, info[0], info[3]))
    if result is not None and kb is not None:
        _about_the_workload(out, best.id, kb, result)
    return out


def _about_the_workload(out: Answer, entry_id: str, kb: Any, result: Any) -> None:
    entry = kb.get(entry_id)
    profile = result.profile
    out.profile_name = str(profile.values.get("name") or profile.source)
    if entry is None or entry.advice is None:
        return  # general guidance: it neither applies nor not
    rec = result.get(entry_id) or next((r for r in result.rejected if r.id == entry_id), None)
    if rec is not None:
        out.applies = True
        out.reasons = list(rec.reasons)
        out.decisions = dict(rec.decisions)
        out.implemented = list(rec.implemented_in)
        return
    out.applies = False
    out.reasons = unmet(entry.advice.applies, profile.values) or ["it does not apply to this profile"]


# --------------------------------------------------------------------------- why advice does not apply


def _show(value: Any) -> str:
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, (list, tuple)):
        return ", ".join(_show(v) for v in value) if value else "none"
    return str(value)


_OPS = {
    "eq": "is {}",
    "ne": "is not {}",
    "in": "is one of {}",
    "not_in": "is none of {}",
    "gt": "is above {}",
    "gte": "is at least {}",
    "lt": "is below {}",
    "lte": "is at most {}",
    "contains": "includes {}",
    "contains_any": "includes any of {}",
    "contains_all": "includes all of {}",
}


def _wanted(test: Any) -> str:
    if isinstance(test, Mapping):
        parts = []
        for op, value in test.items():
            if op == "empty":
                parts.append("is empty" if value else "is not empty")
            else:
                parts.append(_OPS.get(op, op + " {}").format(_show(value)))
        return " and ".join(parts)
    if isinstance(test, list):
        return f"is one of {_show(test)}"
    return f"is {_show(test)}"


def unmet(condition: Mapping[str, Any] | None, values: Mapping[str, Any]) -> list[str]:
    """The parts of ``condition`` the profile ``values`` do not meet, in words."""
    from wa_assist import conditions

    if not condition or conditions.evaluate(condition, values):
        return []
    out: list[str] = []
    for key, test in condition.items():
        if key == "all":
            for part in test:
                out.extend(unmet(part, values))
        elif key == "any":
            if not any(conditions.evaluate(c, values) for c in test):
                options = ["; ".join(unmet(c, values)) for c in test]
                out.append("none of these holds: " + " | ".join(o for o in options if o))
        elif key == "not":
            if conditions.evaluate(test, values):
                out.append(f"it applies unless {_describe(test)}, which is the case")
        elif not conditions.evaluate({key: test}, values):
            out.append(f"it applies when {key} {_wanted(test)}; this profile has {_show(values.get(key))}")
    return out


def _describe(condition: Mapping[str, Any]) -> str:
    parts = []
    for key, test in condition.items():
        if key in ("all", "any", "not"):
            parts.append(key)
        else:
            parts.append(f"{key} {_wanted(test)}")
    return " and ".join(parts)


# --------------------------------------------------------------------------- rendering


def render_text(ans: Answer, *, markdown: bool = False, sources: bool = True) -> str:
    """The answer for a terminal (plain text) or as Markdown."""
    h = "## " if markdown else ""
    bullet = "- " if markdown else "  - "
    lines: list[str] = []
    best = ans.best
    if best is None:
        lines.append(f"No confident answer to {ans.question!r} in the Serverless Applications Lens guidance.")
        if ans.suggestions:
            lines.append("")
            lines.append("Nearest topics:")
            lines.extend(f"{bullet}{title} ({eid})" for eid, title in ans.suggestions)
        lines.append("")
        lines.append("Try other words, `wa-assist search WORDS`, or `wa-assist list` to browse.")
        return "\n".join(lines) + "\n"
    lines.append(f"# {best.title}" if markdown else best.title)
    lines.append("")
    lines.append(best.summary)
    if ans.steps:
        lines += ["", f"{h}Steps" if markdown else "Steps:"]
        lines.extend(f"{n}. {step}" if markdown else f"  {n}. {step}" for n, step in enumerate(ans.steps, 1))
    if ans.cautions:
        lines += ["", f"{h}Cautions" if markdown else "Cautions:"]
        lines.extend(f"{bullet}{title}: {summary} ({eid})" for eid, title, summary in ans.cautions)
    if ans.profile_name is not None:
        lines.append("")
        head = f"For {ans.profile_name}"
        if ans.applies is None:
            lines.append(f"{h}{head}" if markdown else f"{head}:")
            lines.append("This is general guidance; it is not a recommendation with conditions of its own.")
        else:
            verdict = "applies" if ans.applies else "does not apply"
            lines.append(f"{h}{head}: this {verdict}" if markdown else f"{head}: this {verdict}.")
            lines.extend(f"{bullet}{reason}" for reason in ans.reasons)
            if ans.decisions:
                lines += ["", "The generated project:" if not markdown else "**The generated project:**"]
                lines.extend(f"{bullet}{key} = {_show(value)}" for key, value in ans.decisions.items())
            for impl in ans.implemented:
                lines.append(f"{bullet}{impl['where']}: {impl['what']}")
    if sources:  # the TUI shows them as buttons instead
        lines.append("")
        lines.append(("Sources: " if not markdown else "**Sources:** ") + ", ".join(ans.sources))
    return "\n".join(lines) + "\n"
