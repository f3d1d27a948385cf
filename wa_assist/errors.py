"""User errors, and the one format the command line prints them in.

A :class:`UserError` is anything caused by what a user gave us (a file, an answer, a query, an
option); the command line prints it without a traceback and exits with status 2. Anything else
is a bug. The first line of the message says what was wrong; further lines (the problems of a
profile, the files in the way) are detail, printed indented beneath it.
"""

from __future__ import annotations

from collections.abc import Iterable

PROG = "wa-assist"


class UserError(Exception):
    """Something the user can fix; the message says what was wrong, where, and what is allowed."""

    exit_code = 2


class UsageError(UserError):
    """A command line that does not parse: an unknown command, option or value."""


def format_error(message: str, label: str = "error") -> str:
    """``wa-assist: error: FIRST LINE`` with every further line of ``message`` indented beneath it."""
    lines = [line.rstrip() for line in str(message).strip("\n").splitlines() if line.strip()]
    head, detail = (lines[0].strip(), lines[1:]) if lines else ("(no detail)", [])
    out = [f"{PROG}: {label}: {head}"]
    out += [line if line.startswith("  ") else "  " + line.lstrip() for line in detail]
    return "\n".join(out)


def close_matches(word: str, choices: Iterable[str], n: int = 3) -> list[str]:
    """The choices nearest to a mistyped ``word``, best first (none when nothing is close)."""
    import difflib  # only when something was mistyped

    options = list(dict.fromkeys(choices))
    lowered = word.strip().lower()
    prefixed = [c for c in options if lowered and c.lower().startswith(lowered)]
    near = difflib.get_close_matches(lowered, options, n=n, cutoff=0.6)
    return list(dict.fromkeys([*near, *prefixed]))[:n]


def did_you_mean(word: str, choices: Iterable[str], n: int = 3) -> str:
    """``"; did you mean 'x'?"`` (or ``'x' or 'y'``), or an empty string when nothing is close."""
    near = close_matches(word, choices, n)
    if not near:
        return ""
    return "; did you mean " + " or ".join(f"'{c}'" for c in near) + "?"
