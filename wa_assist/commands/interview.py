"""``wa-assist`` / ``wa-assist interview``: the Textual interview that ends in a generated project."""

from __future__ import annotations

import os
import sys
from argparse import Namespace

from wa_assist.errors import UserError

READY_EXIT_ENV = "WA_ASSIST_EXIT_WHEN_READY"
"""When set to 1, the interview exits as soon as the first question is shown (start-up benchmarks)."""


def _check_profile_path(path: str) -> None:
    """The draft is read from and saved to this file: it may exist, but its folder must, and its name says YAML or JSON."""
    from pathlib import Path

    from wa_assist.commands.profile import PROFILE_SUFFIXES
    from wa_assist.userfiles import check_output

    if Path(path).is_file():
        if Path(path).suffix.lower() not in PROFILE_SUFFIXES:
            raise UserError(f"{path}: a profile is a .yaml, .yml or .json file")
        return
    check_output(path, suffixes=PROFILE_SUFFIXES)


def _check_project(path: str) -> None:
    """An existing project is one `wa-assist new` generated: it has a record of what it was generated from."""
    from pathlib import Path

    from wa_assist.update.record import RECORD_DIR, RECORD_FILE

    folder = Path(path).expanduser()
    if not folder.is_dir():
        raise UserError(f"{path}: no such project folder")
    if not (folder / RECORD_DIR / RECORD_FILE).is_file():
        raise UserError(
            f"{path}: not a project wa-assist generated (no {RECORD_DIR}/{RECORD_FILE}); give the folder "
            "`wa-assist new` created, or run `wa-assist interview` without a folder to start a new project"
        )


def run(args: Namespace) -> int:
    project = getattr(args, "project", None)
    if project:
        _check_project(project)
    if getattr(args, "profile", None):
        _check_profile_path(args.profile)
    if not (sys.stdin.isatty() and sys.stdout.isatty()):
        raise UserError(
            "the interview needs an interactive terminal. In scripts and CI, write a profile with "
            "`wa-assist profile FILE --set scenario=...`, then run `wa-assist recommend --profile FILE` or "
            "`wa-assist new DEST --profile FILE`; `wa-assist --help` lists every command"
        )
    from wa_assist.kb import load_knowledge
    from wa_assist.tui import make_app

    extra = list(getattr(args, "knowledge", []) or [])
    kb = load_knowledge(extra)

    def index_loader():
        from wa_assist.search import load_index

        return load_index(extra)

    app = make_app(
        kb,
        index_loader=index_loader,
        profile_path=getattr(args, "profile", None),
        exit_when_ready=os.environ.get(READY_EXIT_ENV) == "1",
        knowledge=extra,
        project=project or None,
    )
    code = app.run()
    return int(code or 0)
