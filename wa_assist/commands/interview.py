"""``wa-assist`` / ``wa-assist interview``: the Textual interview that ends in a generated project."""

from __future__ import annotations

import os
from argparse import Namespace

READY_EXIT_ENV = "WA_ASSIST_EXIT_WHEN_READY"
"""When set to 1, the interview exits as soon as the first question is shown (start-up benchmarks)."""


def run(args: Namespace) -> int:
    from wa_assist.kb import load_knowledge
    from wa_assist.tui import make_app

    extra = list(getattr(args, "knowledge", []) or [])
    kb = load_knowledge(extra)

    def index_loader():  # type: ignore[no-untyped-def]
        from wa_assist.search import load_index

        return load_index(extra)

    app = make_app(
        kb,
        index_loader=index_loader,
        profile_path=getattr(args, "profile", None),
        exit_when_ready=os.environ.get(READY_EXIT_ENV) == "1",
    )
    code = app.run()
    return int(code or 0)
