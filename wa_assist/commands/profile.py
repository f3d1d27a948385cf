"""``wa-assist profile FILE``: write a profile with every answer at its default (or as --set says)."""

from __future__ import annotations

import sys
from argparse import Namespace

PROFILE_SUFFIXES = (".yaml", ".yml", ".json")


def run(args: Namespace) -> int:
    from wa_assist.kb import load_knowledge
    from wa_assist.profile import apply_overrides, default_profile, save_profile
    from wa_assist.userfiles import check_output

    path = check_output(args.file, suffixes=PROFILE_SUFFIXES)  # never overwritten: there is no --force
    kb = load_knowledge(args.knowledge)
    profile = default_profile(kb.questions)
    if args.set:
        profile = apply_overrides(profile, args.set)
    save_profile(profile, path, replace=False)
    print(f"wrote {path}; edit it, then run:", file=sys.stderr)
    print(f"  wa-assist recommend --profile {path}", file=sys.stderr)
    print(f"  wa-assist new {profile['name']} --profile {path}", file=sys.stderr)
    return 0
