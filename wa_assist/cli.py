"""The ``wa-assist`` command line: argument parsing only; each command's work lives in wa_assist.commands.

Imports stay lazy so ``wa-assist search`` starts fast and never loads Textual or Copier.
"""

from __future__ import annotations

import argparse
import gc
import importlib
import sys
from collections.abc import Sequence

from wa_assist.errors import UserError

PILLARS = (
    "operational-excellence",
    "security",
    "reliability",
    "performance-efficiency",
    "cost-optimization",
    "sustainability",
)
KINDS = ("practice", "principle", "service-guidance", "deployment-approach", "scenario", "concept", "caution")


def _limit(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a whole number, got {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError("must be at least 1")
    return value


def build_parser() -> argparse.ArgumentParser:
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument(
        "--knowledge",
        action="append",
        default=[],
        metavar="PATH",
        help="extra guidance file or folder merged with the shipped knowledge base (repeatable; "
        "also WA_ASSIST_KNOWLEDGE)",
    )
    parser = argparse.ArgumentParser(
        prog="wa-assist",
        description="Assistant and SAM project scaffolder for the AWS Well-Architected Serverless Applications Lens. "
        "Without a command, starts the interview.",
        parents=[common],
    )
    from wa_assist import __version__

    parser.add_argument("--version", action="version", version=f"wa-assist {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    p = sub.add_parser("interview", parents=[common], help="start the interview (the default)")
    p.add_argument("--profile", metavar="FILE", help="profile to load (a saved draft) and save to")

    p = sub.add_parser("search", parents=[common], help="fuzzy search the lens guidance")
    p.add_argument("query", nargs="*", help="words to look for; typos and abbreviations are fine")
    p.add_argument("--pillar", choices=PILLARS)
    p.add_argument("--kind", choices=KINDS)
    p.add_argument("--limit", type=_limit, default=10, metavar="N", help="at most N results (default 10)")
    p.add_argument("--format", choices=("table", "json"), default="table")

    p = sub.add_parser("show", parents=[common], help="show one entry with its related entries")
    p.add_argument("id", help="entry id, as printed by search or list")
    p.add_argument("--format", choices=("markdown", "json"), default="markdown")

    p = sub.add_parser("list", parents=[common], help="list entries")
    p.add_argument("--pillar", choices=PILLARS)
    p.add_argument("--kind", choices=KINDS)
    p.add_argument("--format", choices=("table", "json"), default="table")

    p = sub.add_parser("schema", parents=[common], help="print the JSON Schema of knowledge files")
    p.add_argument("--output", metavar="FILE", help="write to FILE instead of standard output")

    p = sub.add_parser(
        "export-lens", parents=[common], help="export the lens as a Well-Architected Tool custom lens (JSON)"
    )
    p.add_argument("--output", metavar="FILE", help="write to FILE instead of standard output")

    p = sub.add_parser("profile", parents=[common], help="write a profile file with the default answers, to edit")
    p.add_argument("file", help="profile to create (.yaml, or .json); never overwritten")
    p.add_argument("--set", action="append", default=[], metavar="KEY=VALUE", help="answer a question (repeatable)")

    p = sub.add_parser("recommend", parents=[common], help="recommendations for a workload profile")
    p.add_argument("--profile", required=True, metavar="FILE", help="profile file (YAML or JSON)")
    p.add_argument("--format", choices=("table", "markdown", "json"), default="table")
    p.add_argument("--reject", action="append", default=[], metavar="ID", help="reject a recommendation (repeatable)")

    p = sub.add_parser("new", parents=[common], help="generate a SAM project from a profile")
    p.add_argument("dest", help="folder to create (must not exist or be empty unless --force)")
    p.add_argument("--profile", metavar="FILE", help="profile file (YAML or JSON); defaults otherwise")
    p.add_argument(
        "--set", action="append", default=[], metavar="KEY=VALUE", help="override a profile answer (repeatable)"
    )
    p.add_argument("--reject", action="append", default=[], metavar="ID", help="reject a recommendation (repeatable)")
    p.add_argument("--force", action="store_true", help="render into a non-empty folder; never overwrites your files")

    p = sub.add_parser(
        "update", parents=[common], help="bring a generated project up to date with new answers or guidance"
    )
    p.add_argument("project", nargs="?", default=".", help="the project folder (default: the current folder)")
    p.add_argument("--profile", metavar="FILE", help="replace the recorded profile answers with this profile file")
    p.add_argument("--set", action="append", default=[], metavar="KEY=VALUE", help="change an answer (repeatable)")
    p.add_argument("--reject", action="append", default=[], metavar="ID", help="reject a recommendation (repeatable)")
    p.add_argument(
        "--accept",
        action="append",
        default=[],
        metavar="ID",
        help="accept a recommendation rejected before (repeatable)",
    )
    p.add_argument("--dry-run", action="store_true", help="show what would change; write nothing")
    p.add_argument(
        "--conflict",
        choices=("inline", "rej"),
        default="inline",
        help="conflicting changes: marked in the file (inline, the default), or your file kept and the "
        "template's change written beside it as FILE.rej",
    )
    p.add_argument(
        "--force", action="store_true", help="update despite uncommitted changes or what the last update left"
    )
    p.add_argument("--format", choices=("text", "json"), default="text")

    p = sub.add_parser("diff", parents=[common], help="your changes to a generated project, as a unified diff")
    p.add_argument("project", nargs="?", default=".", help="the project folder (default: the current folder)")

    p = sub.add_parser(
        "check",
        parents=[common],
        help="for CI: is the project what the current guidance generates, apart from your edits",
    )
    p.add_argument("project", nargs="?", default=".", help="the project folder (default: the current folder)")
    p.add_argument("--format", choices=("text", "json"), default="text")
    return parser


COMMANDS = {
    "search": "wa_assist.commands.lookup:search",
    "show": "wa_assist.commands.lookup:show",
    "list": "wa_assist.commands.lookup:listing",
    "schema": "wa_assist.commands.lookup:schema",
    "export-lens": "wa_assist.commands.lookup:export_lens",
    "recommend": "wa_assist.commands.recommend:run",
    "profile": "wa_assist.commands.profile:run",
    "new": "wa_assist.commands.new:run",
    "interview": "wa_assist.commands.interview:run",
    "update": "wa_assist.commands.update:update",
    "diff": "wa_assist.commands.update:diff",
    "check": "wa_assist.commands.update:check",
}


def _error(message: str) -> int:
    print(f"wa-assist: error: {message}", file=sys.stderr)
    return 2


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    command = args.command or "interview"
    if args.command is None:
        args.profile = None
    module_name, func_name = COMMANDS[command].split(":")
    try:
        func = getattr(importlib.import_module(module_name), func_name)
        return int(func(args) or 0)
    except KeyboardInterrupt:
        print("wa-assist: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        sys.stderr.close()  # the reader went away (| head); nothing more to say
        return 0
    except UserError as exc:
        return _error(str(exc))


def run() -> None:
    """The console entry point (``wa-assist`` and ``python -m wa_assist``): one command, one process.

    A command imports much more than it allocates afterwards (Copier or Textual bring some 50,000
    long-lived objects), and the collector's full passes over them, while importing and again at exit,
    cost about a fifth of a ``wa-assist new``. So the collector stays off for short commands, and what
    is left at the end is frozen so interpreter shutdown does not walk it again. The interview, which
    runs for as long as the user likes, freezes what start-up made and turns the collector back on
    (see ``settle_memory``).
    """
    gc.disable()
    try:
        status = main()
    finally:
        gc.freeze()
    sys.exit(status)


def settle_memory() -> None:
    """For long-running commands: keep start-up objects out of every later collection, and collect again."""
    gc.freeze()
    gc.enable()


if __name__ == "__main__":  # pragma: no cover
    run()
