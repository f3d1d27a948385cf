"""`wa-assist new DEST --profile FILE [--set key=value ...] [--force] [--reject ID ...]`."""

from __future__ import annotations

import sys
from typing import Any


def _user_errors() -> tuple[type[BaseException], ...]:
    from wa_assist.scaffold import ScaffoldError

    errors: list[type[BaseException]] = [ScaffoldError]
    for module, name in (
        ("wa_assist.profile", "ProfileError"),
        ("wa_assist.kb", "KnowledgeError"),
        ("wa_assist.engine", "EngineError"),
    ):
        try:
            errors.append(getattr(__import__(module, fromlist=[name]), name))
        except (ImportError, AttributeError):
            continue
    return tuple(errors)


def run(args: Any) -> int:
    from wa_assist import scaffold

    try:
        made = scaffold.new_project(
            args.dest,
            profile=getattr(args, "profile", None),
            sets=getattr(args, "set", None) or (),
            force=bool(getattr(args, "force", False)),
            reject=getattr(args, "reject", None) or (),
            knowledge=getattr(args, "knowledge", None) or (),
        )
    except KeyboardInterrupt:
        print("wa-assist new: interrupted; nothing was written", file=sys.stderr)
        return 130
    except _user_errors() as exc:
        print(f"wa-assist new: {exc}", file=sys.stderr)
        return 2
    rendered = made.rendered
    print(
        f"Created {rendered.dest} ({len(rendered.files)} files"
        + (f", {len(rendered.kept)} already identical" if rendered.kept else "")
        + ")"
    )
    print(f"  {made.accepted} recommendations applied, {made.rejected} rejected: see RECOMMENDATIONS.md")
    print("Next steps:")
    print(f"  cd {rendered.dest}")
    print("  python -m venv .venv && . .venv/bin/activate && pip install -r requirements-dev.txt")
    print("  python -m pytest tests/unit")
    print("  sam build && sam deploy --guided --config-env dev")
    return 0
