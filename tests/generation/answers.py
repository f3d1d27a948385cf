"""Hand-made template answers for generation tests: every question default and every decision
default from the shipped YAML, with {expr} defaults computed by the knowledge base's own evaluator, plus overrides.

This keeps the template's tests independent of the recommendation engine: they check what the
template makes of a given set of decisions.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any

import yaml

from wa_assist.conditions import evaluate_expr

KNOWLEDGE = Path(__file__).resolve().parents[2] / "knowledge"


@cache
def _definitions() -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    questions = yaml.safe_load((KNOWLEDGE / "questions.yaml").read_text(encoding="utf-8"))["questions"]
    decisions = yaml.safe_load((KNOWLEDGE / "decisions.yaml").read_text(encoding="utf-8"))["decisions"]
    return questions, decisions


def question_ids() -> list[str]:
    return [q["id"] for q in _definitions()[0]]


def decision_ids() -> list[str]:
    return [d["id"] for d in _definitions()[1]]


def default_answers(
    profile: dict[str, Any] | None = None, decisions: dict[str, Any] | None = None, **extra: Any
) -> dict[str, Any]:
    questions, decision_defs = _definitions()
    values = {q["id"]: q["default"] for q in questions}
    values.update(profile or {})
    answers = dict(values)
    for d in decision_defs:
        default = d["default"]
        answers[d["id"]] = evaluate_expr(default["expr"], values, answers) if isinstance(default, dict) else default
    answers.update(decisions or {})
    answers.setdefault("recommendations", [])
    answers.setdefault("rejected", [])
    answers.update(extra)
    return answers
