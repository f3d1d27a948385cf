"""``search``, ``show``, ``list``, ``schema`` and ``export-lens``: offline lookup in the knowledge base."""

from __future__ import annotations

import json
import os
import sys
from argparse import Namespace
from collections.abc import Sequence

from wa_assist.errors import UserError, format_error
from wa_assist.search import Hit, QueryError, load_index

CLEAR_MATCH = 80.0
"""A name that is not an id shows the best search hit when it scores at least this..."""
CLEAR_LEAD = 15.0
"""...and leads the next hit by this much (``show dlq``)."""


def _table(hits: Sequence[Hit], with_score: bool) -> str:
    """A plain aligned table (rich would double the start-up time of a lookup).

    On a terminal a long line is cut at its title; ids are never cut. Piped, nothing is cut.
    """
    try:
        width = os.get_terminal_size(sys.stdout.fileno()).columns
    except (OSError, ValueError):
        width = 120
    id_w = max(len(h.id) for h in hits)
    kind_w = max(len(h.kind) for h in hits)
    head = f"{'ID':<{id_w}}  {'KIND':<{kind_w}}  " + ("SCORE  " if with_score else "") + "TITLE"
    lines = [head]
    tty = sys.stdout.isatty()
    for h in hits:
        score = f"{h.score:5.1f}  " if with_score else ""
        prefix = f"{h.id:<{id_w}}  {h.kind:<{kind_w}}  {score}"
        line = prefix + h.title
        if tty and len(line) > width:
            line = prefix + h.title[: max(width - len(prefix) - 1, 8)] + "…"
        lines.append(line)
    return "\n".join(lines)


def _print_hits(hits: Sequence[Hit], fmt: str, with_score: bool) -> None:
    if fmt == "json":
        keep = None if with_score else {"score"}
        print(json.dumps([{k: v for k, v in h.to_dict().items() if not keep or k not in keep} for h in hits], indent=2))
    elif fmt == "ids":
        for h in hits:
            print(h.id)
    elif hits:
        print(_table(hits, with_score=with_score))


def search(args: Namespace) -> int:
    query = " ".join(args.query).strip()
    index = load_index(args.knowledge)
    hits = index.search(query, limit=args.limit, pillar=args.pillar, kind=args.kind)
    _print_hits(hits, args.format, with_score=True)
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
    _print_hits(hits, args.format, with_score=False)
    if not hits:
        print("No entries match these filters.", file=sys.stderr)
        return 1
    return 0


def _best_hits(knowledge: Sequence[str], name: str) -> list[Hit]:
    try:
        return load_index(knowledge).search(name, limit=3)
    except QueryError:
        return []


def show(args: Namespace) -> int:
    from wa_assist.kb import load_knowledge
    from wa_assist.render import entry_json, entry_markdown

    kb = load_knowledge(args.knowledge)
    entry = kb.get(args.id) or kb.get(args.id.strip().lower())
    if entry is None:
        hits = _best_hits(args.knowledge, args.id)
        clear = hits and hits[0].score >= CLEAR_MATCH
        if clear and (len(hits) == 1 or hits[0].score - hits[1].score >= CLEAR_LEAD):
            entry = kb.get(hits[0].id)
            note = f"'{args.id}' is not an id; showing {hits[0].id}, the entry it names"
            print(format_error(note, label="note"), file=sys.stderr)
    if entry is None:
        near = list(dict.fromkeys([*kb.suggest(args.id, limit=3), *(h.id for h in hits)]))[:5]
        hint = f"; did you mean {', '.join(near)}?" if near else f"; try `wa-assist search {args.id}`"
        raise UserError(f"no entry with id '{args.id}'{hint}")
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


def _write(args: Namespace, make_text) -> int:
    """Standard output, or ``--output FILE``: checked before any work, written atomically, never replaced
    without ``--force``."""
    if not args.output:
        sys.stdout.write(make_text())
        return 0
    from wa_assist.userfiles import check_output, write_text

    path = check_output(args.output, suffixes=(".json",), force=args.force)
    write_text(path, make_text(), force=args.force)
    print(f"wrote {path}", file=sys.stderr)
    return 0


def schema(args: Namespace) -> int:
    from wa_assist.schema import json_schema

    return _write(args, lambda: json.dumps(json_schema(), indent=2) + "\n")


def export_lens(args: Namespace) -> int:
    from wa_assist.kb import load_knowledge
    from wa_assist.lens_export import custom_lens

    return _write(args, lambda: json.dumps(custom_lens(load_knowledge(args.knowledge)), indent=2) + "\n")
