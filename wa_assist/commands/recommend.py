"""`wa-assist recommend --profile FILE [--format table|markdown|json] [--reject ID ...]`."""

from __future__ import annotations

import sys
from typing import Any


def _fail(message: str) -> int:
    print(f"wa-assist: error: {message}", file=sys.stderr)
    return 2


def run(args: Any) -> int:
    from wa_assist import report
    from wa_assist.engine import EngineError, recommend
    from wa_assist.kb import KnowledgeError, load_knowledge
    from wa_assist.profile import ProfileError, load_profile
    from wa_assist.sources import SourceError

    try:
        kb = load_knowledge(extra=tuple(getattr(args, "knowledge", None) or ()))
    except (KnowledgeError, SourceError) as exc:
        return _fail(str(exc))
    try:
        profile = load_profile(args.profile, kb)
    except ProfileError as exc:
        count = len(exc.problems)
        return _fail(
            f"{count} problem{'s' if count != 1 else ''} in the profile:\n" + "\n".join(f"  {p}" for p in exc.problems)
        )

    rejected = [r.strip() for r in (getattr(args, "reject", None) or []) if r.strip()]
    unknown = [r for r in rejected if r not in kb.entries]
    if unknown:
        lines = []
        for rid in unknown:
            near = kb.suggest(rid, limit=3)
            hint = f"; did you mean {', '.join(near)}?" if near else "; see `wa-assist list`"
            lines.append(f"--reject {rid}: no entry with this id{hint}")
        return _fail("\n".join(lines))
    try:
        result = recommend(
            kb, profile, rejected=profile.rejected | set(rejected), accepted_ids=profile.accepted - set(rejected)
        )
    except EngineError as exc:
        return _fail(f"the knowledge base cannot be evaluated for this profile: {exc}")

    for rid in (r for r in result.unknown_rejections if r in rejected):
        print(
            f"wa-assist: note: --reject {rid}: it is not recommended for this profile, nothing to reject",
            file=sys.stderr,
        )
    for key, value in result.profile.ignored.items():
        print(
            f"wa-assist: note: {profile.source}: '{key}' does not apply to this profile; its answer {value!r} is ignored",
            file=sys.stderr,
        )

    fmt = getattr(args, "format", None) or "table"
    if fmt == "json":
        sys.stdout.write(report.render_json(result))
    elif fmt == "markdown":
        sys.stdout.write(report.render_markdown(result))
    else:
        from rich.console import Console

        report.render_table(result, Console())
    return 0
