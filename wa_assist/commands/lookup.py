"""``search``, ``show``, ``list`` and ``schema``: offline lookup in the knowledge base."""

from __future__ import annotations

import json
import os
import sys
from argparse import Namespace
from collections.abc import Sequence

from wa_assist.search import Hit, load_index


def _table(hits: Sequence[Hit], with_score: bool) -> str:
    """A plain aligned table (rich would double the start-up time of a lookup)."""
    try:
        width = os.get_terminal_size(sys.stdout.fileno()).columns
    except (OSError, ValueError):
        width = 120
    id_w = max(len(h.id) for h in hits)
    kind_w = max(len(h.kind) for h in hits)
    head = f"{'ID':<{id_w}}  {'KIND':<{kind_w}}  " + ("SCORE  " if with_score else "") + "TITLE"
    lines = [head]
    for h in hits:
        score = f"{h.score:5.1f}  " if with_score else ""
        line = f"{h.id:<{id_w}}  {h.kind:<{kind_w}}  {score}{h.title}"
        lines.append(line if len(line) <= width or not sys.stdout.isatty() else line[: width - 1] + "…")
    return "\n".join(lines)


def search(args: Namespace) -> int:
    query = " ".join(args.query).strip()
    index = load_index(args.knowledge)
    hits = index.search(query, limit=args.limit, pillar=args.pillar, kind=args.kind)
    if args.format == "json":
        print(json.dumps([h.to_dict() for h in hits], indent=2))
    elif hits:
        print(_table(hits, with_score=True))
    if not hits:
        scope = " ".join(f"--{k} {v}" for k, v in (("pillar", args.pillar), ("kind", args.kind)) if v)
        print(
            f"No entries match {query!r}{' with ' + scope if scope else ''}. "
            "Try fewer or other words, or `wa-assist list` to browse.",
            file=sys.stderr,
        )
        return 1
    return 0


def listing(args: Namespace) -> int:
    hits = load_index(args.knowledge).listing(pillar=args.pillar, kind=args.kind)
    if args.format == "json":
        print(json.dumps([{k: v for k, v in h.to_dict().items() if k != "score"} for h in hits], indent=2))
    elif hits:
        print(_table(hits, with_score=False))
    else:
        print("No entries match these filters.", file=sys.stderr)
        return 1
    return 0


def show(args: Namespace) -> int:
    from wa_assist.errors import UserError
    from wa_assist.kb import load_knowledge
    from wa_assist.render import entry_json, entry_markdown

    kb = load_knowledge(args.knowledge)
    entry = kb.get(args.id) or kb.get(args.id.strip().lower())
    if entry is None:
        near = kb.suggest(args.id)
        hint = f" Did you mean: {', '.join(near)}?" if near else " Try `wa-assist search WORDS`."
        raise UserError(f"no entry with id {args.id!r}.{hint}")
    if args.format == "json":
        print(json.dumps(entry_json(kb, entry), indent=2))
        return 0
    text = entry_markdown(kb, entry)
    if sys.stdout.isatty():
        from rich.console import Console
        from rich.markdown import Markdown

        Console().print(Markdown(text))
    else:
        print(text)
    return 0


def _write(text: str, output: str | None) -> None:
    if output:
        from pathlib import Path

        Path(output).write_text(text, encoding="utf-8")
        print(f"wrote {output}", file=sys.stderr)
    else:
        sys.stdout.write(text)


def schema(args: Namespace) -> int:
    from wa_assist.schema import json_schema

    _write(json.dumps(json_schema(), indent=2) + "\n", args.output)
    return 0


def export_lens(args: Namespace) -> int:
    from wa_assist.kb import load_knowledge
    from wa_assist.lens_export import custom_lens

    _write(json.dumps(custom_lens(load_knowledge(args.knowledge)), indent=2) + "\n", args.output)
    return 0
