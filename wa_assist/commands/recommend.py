"""`wa-assist recommend --profile FILE [--format table|markdown|json|ids] [--reject ID ...]`."""

from __future__ import annotations

import sys
from collections.abc import Iterable
from typing import Any

from wa_assist.errors import UserError, format_error


def checked_rejections(kb: Any, ids: Iterable[str]) -> list[str]:
    """The ids given to ``--reject``; raises UserError naming each one that is no entry, with the nearest."""
    rejected = [r.strip() for r in ids if r.strip()]
    lines = []
    for rid in (r for r in rejected if r not in kb.entries):
        near = kb.suggest(rid, limit=3)
        hint = f"; did you mean {', '.join(near)}?" if near else "; see `wa-assist list --format ids`"
        lines.append(f"--reject {rid}: no entry with this id{hint}")
    if len(lines) > 1:
        lines.insert(0, f"{len(lines)} unknown ids to reject:")
    if lines:
        raise UserError("\n".join(lines))
    return rejected


def run(args: Any) -> int:
    from wa_assist import report
    from wa_assist.engine import recommend
    from wa_assist.kb import load_knowledge
    from wa_assist.profile import load_profile

    kb = load_knowledge(extra=tuple(getattr(args, "knowledge", None) or ()))
    profile = load_profile(args.profile, kb)

    rejected = checked_rejections(kb, getattr(args, "reject", None) or [])
    result = recommend(
        kb, profile, rejected=profile.rejected | set(rejected), accepted_ids=profile.accepted - set(rejected)
    )

    for rid in (r for r in result.unknown_rejections if r in rejected):
        note = f"--reject {rid}: it is not recommended for this profile, nothing to reject"
        print(format_error(note, label="note"), file=sys.stderr)
    for key, value in result.profile.ignored.items():
        note = f"{profile.source}: '{key}' does not apply to this profile; its answer {value!r} is ignored"
        print(format_error(note, label="note"), file=sys.stderr)

    fmt = getattr(args, "format", None) or "table"
    if fmt == "json":
        sys.stdout.write(report.render_json(result))
    elif fmt == "markdown":
        sys.stdout.write(report.render_markdown(result))
    elif fmt == "ids":
        sys.stdout.write(report.render_ids(result))
    else:
        from rich.console import Console

        report.render_table(result, Console())
    return 0
