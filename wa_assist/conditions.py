"""Conditions and expressions of the knowledge base, evaluated safely.

A *condition* (the format is described in :mod:`wa_assist.schema`) is a mapping that tests profile
fields and resolved decisions::

    {scenario: [rest-api, web-app], p99_latency_ms: {lte: 500}, not: {cost_priority: lowest-cost}}

Keys ``all`` (a list of conditions), ``any`` (a list) and ``not`` (one condition) combine conditions;
every other key names a profile field or ``decision.<id>`` and maps to a test. A list-valued field
(``access_patterns``) reads a scalar test as "contains" and a list test as "shares a value with".

An *expression* (``{expr: "..."}``) computes a decision value. It is parsed with :mod:`ast` and only a
small whitelist is accepted: numbers, strings, ``True``/``False``, names (profile fields first, then
decisions; ``decision.<id>`` names a decision explicitly), ``+ - * / // %``, unary ``-``, comparisons,
``and``/``or``/``not``, ``a if cond else b`` and calls to ``min max ceil floor round int``. Nothing is
ever passed to :func:`eval`.
"""

from __future__ import annotations

import ast
import math
import operator
from collections.abc import Iterable, Mapping
from functools import lru_cache
from typing import Any

from wa_assist.schema import OPERATORS

COMBINATORS = ("all", "any", "not")
DECISION_PREFIX = "decision."
# The components the project is made of (wa_assist.components); known only once decisions are, so
# only conditions that may read decisions may test it: ``{components: state_machine}``.
COMPONENTS_FIELD = "components"
# The kind of function a per-kind decision case is evaluated for (``function_kinds`` in decisions.yaml);
# the engine sets it, and it is None while the project-level value is resolved.
FUNCTION_KIND = "function_kind"


class ConditionError(ValueError):
    """A condition or expression that cannot be evaluated (unknown field, bad operator, bad syntax)."""


# --------------------------------------------------------------------------- conditions


def _is_list(value: Any) -> bool:
    return isinstance(value, (list, tuple, set, frozenset))


def _lookup(field: str, values: Mapping[str, Any], decisions: Mapping[str, Any] | None) -> Any:
    if field.startswith(DECISION_PREFIX):
        name = field[len(DECISION_PREFIX) :]
        if decisions is None or name not in decisions:
            raise ConditionError(f"decision {name!r} is not known here")
        return decisions[name]
    if field not in values:
        raise ConditionError(f"unknown field {field!r}")
    return values[field]


def _equal(a: Any, b: Any) -> bool:
    # True == 1 in Python; a condition on a boolean must not match an integer and vice versa.
    if isinstance(a, bool) or isinstance(b, bool):
        return isinstance(a, bool) and isinstance(b, bool) and a == b
    return a == b


def _member(value: Any, options: Iterable[Any]) -> bool:
    return any(_equal(value, option) for option in options)


def _as_list(value: Any) -> list[Any]:
    return list(value) if _is_list(value) else [value]


def _compare(op: str, actual: Any, expected: Any) -> bool:
    try:
        if op == "gt":
            return actual > expected
        if op == "gte":
            return actual >= expected
        if op == "lt":
            return actual < expected
        if op == "lte":
            return actual <= expected
    except TypeError as exc:
        raise ConditionError(f"cannot compare {actual!r} with {expected!r}") from exc
    raise ConditionError(f"unknown operator {op!r}")


def _test_op(op: str, expected: Any, actual: Any) -> bool:
    if op == "eq":
        if _is_list(actual):
            return _is_list(expected) and sorted(map(str, actual)) == sorted(map(str, expected))
        return _equal(actual, expected)
    if op == "ne":
        return not _test_op("eq", expected, actual)
    if op == "in":
        if _is_list(actual):  # every value of the list is one of them
            return all(_member(a, _as_list(expected)) for a in actual)
        return _member(actual, _as_list(expected))
    if op == "not_in":
        if _is_list(actual):
            return not any(_member(a, _as_list(expected)) for a in actual)
        return not _member(actual, _as_list(expected))
    if op in ("gt", "gte", "lt", "lte"):
        return _compare(op, actual, expected)
    if op == "contains":
        return _is_list(actual) and _member(expected, actual)
    if op == "contains_any":
        return _is_list(actual) and any(_member(e, actual) for e in _as_list(expected))
    if op == "contains_all":
        return _is_list(actual) and all(_member(e, actual) for e in _as_list(expected))
    if op == "empty":
        is_empty = (len(actual) == 0) if _is_list(actual) else (actual in ("", None))
        return is_empty == bool(expected)
    raise ConditionError(f"unknown operator {op!r}; allowed: {', '.join(OPERATORS)}")


def _test(test: Any, actual: Any) -> bool:
    if isinstance(test, Mapping):
        return all(_test_op(op, expected, actual) for op, expected in test.items())
    if _is_list(test):
        if _is_list(actual):
            return any(_member(t, actual) for t in test)
        return _member(actual, test)
    if _is_list(actual):
        return _member(test, actual)
    return _equal(actual, test)


def evaluate(
    condition: Mapping[str, Any] | None, values: Mapping[str, Any], decisions: Mapping[str, Any] | None = None
) -> bool:
    """Whether ``condition`` holds for the profile ``values`` (and resolved ``decisions``)."""
    if not condition:
        return True
    if not isinstance(condition, Mapping):
        raise ConditionError(f"a condition is a mapping, not {type(condition).__name__}")
    for key, test in condition.items():
        if key == "all":
            if not all(evaluate(c, values, decisions) for c in _as_list(test)):
                return False
        elif key == "any":
            if not any(evaluate(c, values, decisions) for c in _as_list(test)):
                return False
        elif key == "not":
            if evaluate(test, values, decisions):
                return False
        elif not _test(test, _lookup(key, values, decisions)):
            return False
    return True


def condition_fields(condition: Any) -> set[str]:
    """Every field a condition names (profile fields, and ``decision.<id>`` for decisions)."""
    found: set[str] = set()
    if not isinstance(condition, Mapping):
        return found
    for key, test in condition.items():
        if key in ("all", "any"):
            for sub in _as_list(test):
                found |= condition_fields(sub)
        elif key == "not":
            found |= condition_fields(test)
        else:
            found.add(key)
    return found


def _check_value(field: str, value: Any, kb: Any, op: str | None) -> list[str]:
    """Problems with a value a condition compares ``field`` against."""
    if field.startswith(DECISION_PREFIX):
        decision = kb.decisions.get(field[len(DECISION_PREFIX) :])
        kind = decision.type.value if decision else None
        allowed = list(decision.values) if decision else []
        is_list = False
    else:
        question = kb.question(field)
        kind = question.type.value
        allowed = question.values
        is_list = kind == "multi"
    problems: list[str] = []
    if op == "empty":
        if not isinstance(value, bool):
            problems.append(f"'{field}': 'empty' takes true or false, not {value!r}")
        return problems
    if op in ("gt", "gte", "lt", "lte"):
        if kind != "integer" or isinstance(value, bool) or not isinstance(value, (int, float)):
            problems.append(f"'{field}': '{op}' needs an integer field and a number, got {value!r}")
        return problems
    if op in ("contains", "contains_any", "contains_all") and not is_list:
        problems.append(f"'{field}': '{op}' only applies to a list field")
    for item in _as_list(value):
        if kind in ("choice", "multi"):
            if item not in allowed:
                problems.append(f"'{field}': unknown value {item!r}; allowed: {', '.join(allowed)}")
        elif kind == "boolean":
            if not isinstance(item, bool):
                problems.append(f"'{field}': expects true or false, not {item!r}")
        elif kind == "integer" and (isinstance(item, bool) or not isinstance(item, (int, float))):
            problems.append(f"'{field}': expects a number, not {item!r}")
    return problems


def _check_kind(test: Any, kb: Any) -> list[str]:
    """Problems with a test of ``function_kind``: it is one of the defined kinds (or a list of them)."""
    known = list(getattr(kb, "function_kinds", {}) or {})
    problems: list[str] = []
    items: list[Any] = []
    if isinstance(test, Mapping):
        for op, expected in test.items():
            if op not in ("in", "not_in", "eq", "ne"):
                problems.append(f"'{FUNCTION_KIND}': operator {op!r} does not apply; use in, not_in, eq or ne")
            items += _as_list(expected)
    else:
        items = _as_list(test)
    for item in items:
        if item not in known:
            problems.append(f"'{FUNCTION_KIND}': unknown kind {item!r}; kinds: {', '.join(known)}")
    return problems


def check_condition(condition: Any, kb: Any, allow_decisions: bool = True, allow_kind: bool = False) -> list[str]:
    """Problems with a condition: unknown fields, operators, or values a field cannot take.

    ``kb`` needs ``question(id)`` (raising ``KeyError`` for an unknown id, or returning ``None``) and a
    ``decisions`` mapping. ``allow_decisions=False`` rejects ``decision.<id>`` (used where decisions are
    not resolved yet, such as ``applies``); ``allow_kind`` accepts ``function_kind`` (decision cases).
    """
    problems: list[str] = []
    if condition is None or condition == {}:
        return problems
    if not isinstance(condition, Mapping):
        return [f"a condition is a mapping, not {condition!r}"]
    for key, test in condition.items():
        if key in ("all", "any"):
            if not isinstance(test, list):
                problems.append(f"'{key}' takes a list of conditions")
                continue
            for sub in test:
                problems += check_condition(sub, kb, allow_decisions, allow_kind)
            continue
        if key == "not":
            problems += check_condition(test, kb, allow_decisions, allow_kind)
            continue
        if key == FUNCTION_KIND:
            if not allow_kind:
                problems.append(f"'{key}' can only be tested in a decision case's 'when'")
            else:
                problems += _check_kind(test, kb)
            continue
        if key == COMPONENTS_FIELD:
            if not allow_decisions:
                problems.append(f"'{key}': the project's components are not known here, only profile fields")
                continue
            known_components = list(getattr(kb, "component_names", None) or [])
            ops = test if isinstance(test, Mapping) else {None: test}
            for op, expected in ops.items():
                if op is not None and op not in ("contains", "contains_any", "contains_all", "empty"):
                    problems.append(f"'{key}': use a component name, a list of them, or contains/contains_any")
                    continue
                if op == "empty":
                    continue
                for name in _as_list(expected):
                    if name not in known_components:
                        problems.append(
                            f"'{key}': unknown component {name!r}; components: {', '.join(known_components)}"
                        )
            continue
        if key.startswith(DECISION_PREFIX):
            if not allow_decisions:
                problems.append(f"'{key}': decisions cannot be tested here, only profile fields")
                continue
            if key[len(DECISION_PREFIX) :] not in kb.decisions:
                problems.append(f"unknown decision {key[len(DECISION_PREFIX) :]!r}; known: {', '.join(kb.decisions)}")
                continue
        else:
            try:
                question = kb.question(key)
            except KeyError:
                question = None
            if question is None:
                known = ", ".join(q.id for q in kb.questions)
                problems.append(f"unknown field {key!r}; fields: {known} (or decision.<id>)")
                continue
        if isinstance(test, Mapping):
            for op, expected in test.items():
                if op not in OPERATORS:
                    problems.append(f"'{key}': unknown operator {op!r}; allowed: {', '.join(OPERATORS)}")
                    continue
                problems += _check_value(key, expected, kb, op)
        else:
            problems += _check_value(key, test, kb, None)
    return problems


# --------------------------------------------------------------------------- expressions

_BINARY = {
    ast.Add: operator.add,
    ast.Sub: operator.sub,
    ast.Mult: operator.mul,
    ast.Div: operator.truediv,
    ast.FloorDiv: operator.floordiv,
    ast.Mod: operator.mod,
}
_COMPARE = {
    ast.Eq: operator.eq,
    ast.NotEq: operator.ne,
    ast.Lt: operator.lt,
    ast.LtE: operator.le,
    ast.Gt: operator.gt,
    ast.GtE: operator.ge,
}
FUNCTIONS = {"min": min, "max": max, "ceil": math.ceil, "floor": math.floor, "round": round, "int": int}
_MAX_LENGTH = 500


def _decision_attribute(node: ast.AST) -> str | None:
    """``decision.memory_mb`` -> ``decision.memory_mb``; anything else -> None."""
    if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) and node.value.id == "decision":
        return DECISION_PREFIX + node.attr
    return None


def _validate(node: ast.AST) -> None:
    """Reject every syntax outside the whitelist."""
    if isinstance(node, ast.Expression):
        _validate(node.body)
    elif isinstance(node, ast.Constant):
        if node.value is None or not isinstance(node.value, (int, float, str, bool)):
            raise ConditionError(f"constant {node.value!r} is not allowed")
    elif isinstance(node, ast.Name):
        if node.id in FUNCTIONS:
            raise ConditionError(f"'{node.id}' can only be called")
    elif isinstance(node, ast.Attribute):
        if _decision_attribute(node) is None:
            raise ConditionError("attribute access is not allowed (only decision.<id>)")
    elif isinstance(node, ast.BinOp):
        if type(node.op) not in _BINARY:
            raise ConditionError(f"operator {type(node.op).__name__} is not allowed; use + - * / // %")
        _validate(node.left)
        _validate(node.right)
    elif isinstance(node, ast.UnaryOp):
        if not isinstance(node.op, (ast.USub, ast.UAdd, ast.Not)):
            raise ConditionError(f"operator {type(node.op).__name__} is not allowed")
        _validate(node.operand)
    elif isinstance(node, ast.BoolOp):
        for value in node.values:
            _validate(value)
    elif isinstance(node, ast.Compare):
        for op in node.ops:
            if type(op) not in _COMPARE:
                raise ConditionError(f"comparison {type(op).__name__} is not allowed")
        _validate(node.left)
        for comparator in node.comparators:
            _validate(comparator)
    elif isinstance(node, ast.IfExp):
        _validate(node.test)
        _validate(node.body)
        _validate(node.orelse)
    elif isinstance(node, ast.Call):
        if not isinstance(node.func, ast.Name) or node.func.id not in FUNCTIONS:
            raise ConditionError(f"only {', '.join(FUNCTIONS)} can be called")
        if node.keywords:
            raise ConditionError("keyword arguments are not allowed")
        if not node.args:
            raise ConditionError(f"{node.func.id}() needs arguments")
        for arg in node.args:
            if isinstance(arg, ast.Starred):
                raise ConditionError("* arguments are not allowed")
            _validate(arg)
    else:
        raise ConditionError(f"{type(node).__name__} is not allowed in an expression")


@lru_cache(maxsize=1024)
def parse_expr(expr: str) -> ast.Expression:
    """Parse and validate an expression; raises :class:`ConditionError` with the reason."""
    if not isinstance(expr, str) or not expr.strip():
        raise ConditionError("an expression is a non-empty string")
    if len(expr) > _MAX_LENGTH:
        raise ConditionError(f"an expression is at most {_MAX_LENGTH} characters")
    try:
        tree = ast.parse(expr.strip(), mode="eval")
    except SyntaxError as exc:
        raise ConditionError(f"syntax error in {expr!r}: {exc.msg}") from None
    _validate(tree)
    return tree


def _expr_refs(expr: str) -> set[str]:
    """Names an expression reads; ``decision.<id>`` kept with its prefix."""
    tree = parse_expr(expr)
    names: set[str] = set()
    for node in ast.walk(tree):
        attribute = _decision_attribute(node)
        if attribute:
            names.add(attribute)
        elif isinstance(node, ast.Name) and node.id != "decision" and node.id not in FUNCTIONS:
            # 'decision' only appears as the object of decision.<id>, which is collected above.
            names.add(node.id)
    return names


def expr_names(expr: str) -> set[str]:
    """The profile fields and decision ids an expression reads (``decision.x`` counts as ``x``).

    Raises :class:`ConditionError` (a ``ValueError``) when the expression is outside the whitelist.
    """
    return {n[len(DECISION_PREFIX) :] if n.startswith(DECISION_PREFIX) else n for n in _expr_refs(expr)}


def check_expr(expr: Any, profile_fields: Iterable[str], decision_ids: Iterable[str]) -> list[str]:
    """Problems with an expression: syntax outside the whitelist, or names that are neither fields nor decisions."""
    try:
        names = _expr_refs(expr)
    except ConditionError as exc:
        return [str(exc)]
    fields, decisions = set(profile_fields), set(decision_ids)
    problems = []
    for name in sorted(names):
        if name.startswith(DECISION_PREFIX):
            if name[len(DECISION_PREFIX) :] not in decisions:
                problems.append(f"unknown decision {name[len(DECISION_PREFIX) :]!r} in {expr!r}")
        elif name not in fields and name not in decisions:
            problems.append(f"unknown name {name!r} in {expr!r}; use profile fields or decision ids")
    return problems


def expr_decisions(expr: str, profile_fields: Iterable[str]) -> set[str]:
    """The decision ids an expression depends on (bare names that are not profile fields, and decision.<id>)."""
    fields = set(profile_fields)
    found = set()
    for name in _expr_refs(expr):
        if name.startswith(DECISION_PREFIX):
            found.add(name[len(DECISION_PREFIX) :])
        elif name not in fields:
            found.add(name)
    return found


class _Evaluator:
    def __init__(self, values: Mapping[str, Any], decisions: Mapping[str, Any]):
        self.values = values
        self.decisions = decisions

    def name(self, name: str) -> Any:
        if name in self.values:
            return self.values[name]
        if name in self.decisions:
            return self.decisions[name]
        raise ConditionError(f"unknown name {name!r}")

    def run(self, node: ast.AST) -> Any:
        if isinstance(node, ast.Expression):
            return self.run(node.body)
        if isinstance(node, ast.Constant):
            return node.value
        if isinstance(node, ast.Name):
            return self.name(node.id)
        if isinstance(node, ast.Attribute):
            key = node.attr
            if key not in self.decisions:
                raise ConditionError(f"unknown decision {key!r}")
            return self.decisions[key]
        if isinstance(node, ast.BinOp):
            left, right = self.run(node.left), self.run(node.right)
            if isinstance(left, str) or isinstance(right, str):
                raise ConditionError("arithmetic on text is not allowed")
            try:
                return _BINARY[type(node.op)](left, right)
            except ZeroDivisionError:
                raise ConditionError("division by zero") from None
        if isinstance(node, ast.UnaryOp):
            operand = self.run(node.operand)
            if isinstance(node.op, ast.Not):
                return not operand
            if isinstance(operand, str):
                raise ConditionError("arithmetic on text is not allowed")
            return -operand if isinstance(node.op, ast.USub) else +operand
        if isinstance(node, ast.BoolOp):
            if isinstance(node.op, ast.And):
                result: Any = True
                for value in node.values:
                    result = self.run(value)
                    if not result:
                        return result
                return result
            result = False
            for value in node.values:
                result = self.run(value)
                if result:
                    return result
            return result
        if isinstance(node, ast.Compare):
            left = self.run(node.left)
            for op, comparator in zip(node.ops, node.comparators):
                right = self.run(comparator)
                try:
                    if not _COMPARE[type(op)](left, right):
                        return False
                except TypeError:
                    raise ConditionError(f"cannot compare {left!r} with {right!r}") from None
                left = right
            return True
        if isinstance(node, ast.IfExp):
            return self.run(node.body) if self.run(node.test) else self.run(node.orelse)
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name):
            args = [self.run(arg) for arg in node.args]
            function: Any = FUNCTIONS[node.func.id]
            try:
                return function(*args)
            except (TypeError, ValueError, OverflowError) as exc:
                raise ConditionError(f"{node.func.id}(): {exc}") from None
        raise ConditionError(f"{type(node).__name__} is not allowed in an expression")


def evaluate_expr(expr: str, values: Mapping[str, Any], decisions: Mapping[str, Any] | None = None) -> Any:
    """Evaluate an expression over profile ``values`` (read first) and resolved ``decisions``."""
    tree = parse_expr(expr)
    return _Evaluator(values, decisions or {}).run(tree)


def is_expr(value: Any) -> bool:
    """Whether a decision value is an ``{expr: "..."}`` mapping."""
    return isinstance(value, Mapping) and set(value) == {"expr"}
