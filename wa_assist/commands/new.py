"""`wa-assist new DEST [--profile FILE] [--set key=value ...] [--force] [--reject ID ...]`."""

from __future__ import annotations

import os
import re
import sys
from pathlib import Path
from typing import Any

from wa_assist.errors import UserError, format_error

NAME_LENGTH = 40  # knowledge/questions.yaml: the name is at most 40 characters, a letter first


def project_name(folder: str) -> str:
    """A valid project name made from a folder name (``Shop API`` -> ``shop-api``); empty if none can be."""
    name = re.sub(r"[^a-z0-9]+", "-", folder.lower())
    name = re.sub(r"^[^a-z]+", "", name)  # starts with a letter
    return name[:NAME_LENGTH].strip("-")


def _check_destination(dest: str) -> Path:
    target = Path(os.path.abspath(Path(dest).expanduser()))  # `new .` and `new ..` name real folders
    parent = target.parent
    if not parent.exists():
        raise UserError(
            f"{dest}: the folder {parent} does not exist; create it first (new creates the project's own folder only)"
        )
    if not parent.is_dir():
        raise UserError(f"{dest}: {parent} is not a folder")
    return target


def _name_from_folder(dest: Path, sets: list[str]) -> list[str]:
    """Without a profile or ``--set name=...``, the project takes its folder's name."""
    if any(item.partition("=")[0].strip() == "name" for item in sets):
        return sets
    name = project_name(dest.name)
    if not name:
        note = f"the folder name '{dest.name}' makes no project name; the default is used (--set name=... sets one)"
        print(format_error(note, label="note"), file=sys.stderr)
        return sets
    if name != dest.name:
        note = f"the project is named '{name}' after its folder '{dest.name}' (lowercase letters, digits and hyphens)"
        print(format_error(note, label="note"), file=sys.stderr)
    return [f"name={name}", *sets]


def run(args: Any) -> int:
    import shlex

    from wa_assist import scaffold
    from wa_assist.commands.recommend import checked_rejections
    from wa_assist.kb import load_knowledge
    from wa_assist.next_steps import next_steps

    target = _check_destination(args.dest)
    knowledge = getattr(args, "knowledge", None) or ()
    reject = checked_rejections(load_knowledge(extra=tuple(knowledge)), getattr(args, "reject", None) or ())
    sets = list(getattr(args, "set", None) or ())
    profile = getattr(args, "profile", None)
    if not profile:
        sets = _name_from_folder(target, sets)
    made = scaffold.new_project(
        target,
        profile=profile,
        sets=sets,
        force=bool(getattr(args, "force", False)),
        reject=reject,
        knowledge=knowledge,
    )
    rendered = made.rendered
    print(
        f"Created {rendered.dest} ({len(rendered.files)} files"
        + (f", {len(rendered.kept)} already identical" if rendered.kept else "")
        + ")"
    )
    print(f"  {made.accepted} recommendations applied, {made.rejected} rejected: see RECOMMENDATIONS.md")
    print("Next steps (README.md has them all):")
    for step in next_steps(made.answers, shlex.quote(args.dest)):
        print(f"  {step.text()}")
    return 0
