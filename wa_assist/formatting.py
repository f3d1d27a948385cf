"""How an answer or a decision value is written for people: the one value formatter.

Two registers of the same rules. Prose (reasons, tables) reads ``yes``, ``key-value, query`` and
``none``; ``literal=True`` writes what a user would type in a profile or find in a template
(``true``, ``[key-value, query]``, ``null``), for error messages and decision values.
"""

from __future__ import annotations

from typing import Any


def show_value(value: Any, *, literal: bool = False) -> str:
    """``value`` as text: prose by default, or as written in a profile file with ``literal=True``."""
    if isinstance(value, bool):
        if literal:
            return "true" if value else "false"
        return "yes" if value else "no"
    if isinstance(value, (list, tuple, set, frozenset)):
        items = [show_value(v, literal=literal) for v in value]
        if literal:
            return "[" + ", ".join(items) + "]"
        return ", ".join(items) if items else "none"
    if value is None:
        return "null" if literal else "none"
    return str(value)
