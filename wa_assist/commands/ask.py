"""``wa-assist ask "QUESTION" [--profile FILE] [--format text|markdown|json]``: answers, not lists.

Without a profile only the search index is read (from its cache: no pydantic, no engine). With one,
the knowledge base, the profile and the engine are loaded too, to say whether the advice applies.
"""

from __future__ import annotations

import json
import sys
from argparse import Namespace
from typing import Any


def run(args: Namespace) -> int:
    from wa_assist.ask import answer, render_text
    from wa_assist.search import load_index

    question = " ".join(args.question).strip()
    index = load_index(args.knowledge)
    kb: Any = None
    result: Any = None
    if args.profile:
        kb, result = _evaluate(args)
    ans = answer(index, question, kb=kb, result=result)
    if args.format == "json":
        print(json.dumps(ans.to_dict(), indent=2))
    else:
        sys.stdout.write(render_text(ans, markdown=args.format == "markdown"))
    return 0 if ans.confident else 1


def _evaluate(args: Namespace) -> tuple[Any, Any]:
    """The knowledge base and the engine's result for ``--profile`` (their errors are UserErrors)."""
    from wa_assist.engine import recommend
    from wa_assist.kb import load_knowledge
    from wa_assist.profile import load_profile

    kb = load_knowledge(args.knowledge)
    profile = load_profile(args.profile, kb)
    return kb, recommend(kb, profile, rejected=profile.rejected, accepted_ids=profile.accepted)
