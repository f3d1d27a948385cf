"""Hand-made template answers for generation tests: every question default and every decision
default from the shipped YAML, with {expr} defaults computed here, plus overrides.

This keeps the template's tests independent of the recommendation engine: they check what the
template makes of a given set of decisions.
"""

from __future__ import annotations

import ast
import math
from functools import cache
from pathlib import Path
from typing import Any

import yaml

KNOWLEDGE = Path(__file__).resolve().parents[2] / "knowledge"
_FUNCS = {"min": min, "max": max, "ceil": math.ceil, "floor": math.floor, "round": round}


def _eval(expr: str, values: dict[str, Any]) -> Any:
    """Arithmetic, comparisons, min/max/ceil/floor/round and conditionals over known names only."""
    tree = ast.parse(expr.replace("decision.", ""), mode="eval")  # decisions defined earlier are in values
    allowed = (
        ast.Expression,
        ast.BinOp,
        ast.UnaryOp,
        ast.Compare,
        ast.IfExp,
        ast.Call,
        ast.Name,
        ast.Load,
        ast.Constant,
        ast.operator,
        ast.unaryop,
        ast.cmpop,
        ast.BoolOp,
        ast.boolop,
    )
    for node in ast.walk(tree):
        if not isinstance(node, allowed):
            raise ValueError(f"unsupported expression {expr!r}")
    return eval(compile(tree, "<expr>", "eval"), {"__builtins__": {}}, {**_FUNCS, **values})


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
        answers[d["id"]] = _eval(default["expr"], answers) if isinstance(default, dict) else default
    answers.update(decisions or {})
    answers.setdefault("recommendations", [])
    answers.setdefault("rejected", [])
    answers.update(extra)
    return answers
