"""``wa-assist profile FILE``: write a profile with every answer at its default (or as --set says)."""

from __future__ import annotations

import sys
from argparse import Namespace
from pathlib import Path

from wa_assist.errors import UserError


def run(args: Namespace) -> int:
    from wa_assist.kb import load_knowledge
    from wa_assist.profile import apply_overrides, default_profile, save_profile

    path = Path(args.file)
    if path.exists():
        raise UserError(f"{path} already exists; choose another file name (it is never overwritten)")
    if not path.parent.is_dir():
        raise UserError(f"{path.parent} is not a folder")
    kb = load_knowledge(args.knowledge)
    profile = default_profile(kb.questions)
    if args.set:
        profile = apply_overrides(profile, args.set)
    save_profile(profile, path)
    print(f"wrote {path}; edit it, then run:", file=sys.stderr)
    print(f"  wa-assist recommend --profile {path}", file=sys.stderr)
    print(f"  wa-assist new {profile['name']} --profile {path}", file=sys.stderr)
    return 0
