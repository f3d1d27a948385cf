"""The ``wa-assist`` command line: the commands' parsers and the one place that reports user errors.

Each command is one block below: a function that declares its options, decorated with
:func:`command` (its name, where its work lives in :mod:`wa_assist.commands`, a description and
examples). :func:`main` parses, runs the command and prints every :class:`~wa_assist.errors.UserError`,
argparse usage error and Ctrl-C in one format: ``wa-assist: error: WHAT`` with any detail indented
beneath it, exit status 2 (130 for Ctrl-C). Global options (``--knowledge``) work before or after
the command.

Imports stay lazy so ``wa-assist search`` starts fast and never loads Textual, Copier or pydantic.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Callable, Iterable, Sequence
from typing import Any, NoReturn

from wa_assist.errors import PROG, UsageError, UserError, close_matches, did_you_mean, format_error
from wa_assist.vocabulary import KINDS, PILLARS

# --------------------------------------------------------------------------- the parser


class _Parser(argparse.ArgumentParser):
    """argparse, with its usage errors raised as UsageError so main() prints them like every other,
    and the long options it takes kept for suggestions."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        self.long_options: list[str] = []
        super().__init__(*args, **kwargs)

    def add_argument(self, *args: Any, **kwargs: Any) -> argparse.Action:
        action = super().add_argument(*args, **kwargs)
        self.long_options += [s for s in action.option_strings if s.startswith("--")]
        return action

    def error(self, message: str) -> NoReturn:
        raise UsageError(f"{message}\nsee `{self.prog} --help`")


_FORMATTER = argparse.RawDescriptionHelpFormatter


def _limit(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a whole number, got '{text}'") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1, got {value}")
    return value


def choice(what: str, values: Sequence[str]) -> Callable[[str], str]:
    """An argparse ``type`` that accepts one of ``values`` and suggests the nearest for a typo."""

    def parse(text: str) -> str:
        value = text.strip().lower()
        if value in values:
            return value
        raise argparse.ArgumentTypeError(
            f"'{text}' is not a {what}{did_you_mean(value, values)} (allowed: {', '.join(values)})"
        )

    parse.__name__ = what
    return parse


def add_choice(parser: argparse.ArgumentParser, flag: str, what: str, values: Sequence[str], help: str, **kw) -> None:
    """An option taking one of ``values``: listed in the help, checked with a suggestion for typos."""
    metavar = what.upper().replace(" ", "_")
    default = kw.get("default")
    listed = ", ".join(values)
    suffix = f" (default {default})" if default else ""
    parser.add_argument(flag, type=choice(what, values), metavar=metavar, help=f"{help}: {listed}{suffix}", **kw)


def _global_options(parser: argparse.ArgumentParser, dest: str) -> None:
    """The options every command takes, wherever they are placed (``dest`` keeps the two places apart)."""
    from wa_assist import __version__

    parser.add_argument(
        "--knowledge",
        action="append",
        default=[],
        dest=dest,
        metavar="PATH",
        help="your own guidance: a YAML file or folder merged with the shipped knowledge base "
        "(repeatable; also the WA_ASSIST_KNOWLEDGE variable, separated like PATH)",
    )
    parser.add_argument("--version", action="version", version=f"{PROG} {__version__}", help="print the version")


# --------------------------------------------------------------------------- the commands


class Command:
    """One command: its name, where its work lives, its help, and the function that declares its options.

    (A plain class: ``dataclasses`` would add to every lookup's start-up.)
    """

    __slots__ = ("arguments", "description", "examples", "name", "summary", "target")

    def __init__(
        self,
        name: str,
        target: str,
        summary: str,
        description: str,
        examples: tuple[str, ...],
        arguments: Callable[[argparse.ArgumentParser], None],
    ) -> None:
        self.name = name
        self.target = target  # "module:function" taking the parsed arguments, returning an exit status
        self.summary = summary  # one line, in `wa-assist --help`
        self.description = description
        self.examples = examples
        self.arguments = arguments


COMMANDS: dict[str, Command] = {}


def command(
    name: str, target: str, summary: str, description: str, examples: Iterable[str]
) -> Callable[[Callable[[argparse.ArgumentParser], None]], Callable[[argparse.ArgumentParser], None]]:
    """Register a command: the decorated function adds its options to the command's parser."""

    def register(arguments: Callable[[argparse.ArgumentParser], None]) -> Callable[[argparse.ArgumentParser], None]:
        COMMANDS[name] = Command(name, target, summary, description, tuple(examples), arguments)
        return arguments

    return register


@command(
    "interview",
    "wa_assist.commands.interview:run",
    "start the interview (the default)",
    "Ask about the workload in a terminal UI, show the recommendations that fit it with their reasons,\n"
    "let you accept or reject each, and generate the project. Needs an interactive terminal.\n"
    "With PROJECT (a folder `wa-assist new` generated), its recorded answers and choices are loaded and\n"
    "the results screen updates that project instead (as `wa-assist update` does, dry run first).",
    [
        "wa-assist",
        "wa-assist interview --profile svc.yaml   # resume a saved draft",
        "wa-assist interview orders-api           # change a generated project's answers and update it",
    ],
)
def _interview(p: argparse.ArgumentParser) -> None:
    p.add_argument("project", nargs="?", metavar="PROJECT", help="a generated project to change and update")
    p.add_argument("--profile", metavar="FILE", help="profile to load (a saved draft) and to save the answers to")


@command(
    "search",
    "wa_assist.commands.lookup:search",
    "fuzzy search the lens guidance",
    "Ranked, typo-tolerant search over the lens guidance; it knows abbreviations (DLQ, EMF, TTL, ...).\n"
    "Exits with status 1 when nothing matches.",
    [
        'wa-assist search "dead letter queue"',
        "wa-assist search xray --pillar operational-excellence --format json",
        "wa-assist search idempotency --format ids | head -1",
    ],
)
def _search(p: argparse.ArgumentParser) -> None:
    p.add_argument("query", nargs="*", help="words to look for; typos and abbreviations are fine")
    add_choice(p, "--pillar", "pillar", PILLARS, "only entries of this pillar")
    add_choice(p, "--kind", "kind", KINDS, "only entries of this kind")
    p.add_argument("--limit", type=_limit, default=10, metavar="N", help="at most N results (default 10)")
    add_choice(
        p, "--format", "format", ("table", "json", "ids"), "output format; ids prints one id a line", default="table"
    )


@command(
    "ask",
    "wa_assist.commands.ask:run",
    "answer a question asked in plain words",
    "Answer a question in your own words from the knowledge base: the best entry's short answer, its\n"
    "steps and cautions, and with --profile whether it applies to that workload, why, and what the\n"
    "generated project does about it. A question it cannot answer says so and lists the nearest topics.",
    [
        'wa-assist ask "the first call after a deploy takes three seconds"',
        'wa-assist ask "can I drop user sessions after 30 minutes" --profile svc.yaml --format json',
    ],
)
def _ask(p: argparse.ArgumentParser) -> None:
    p.add_argument("question", nargs="*", help='the question, e.g. "why is the first request after a deploy slow"')
    p.add_argument("--profile", metavar="FILE", help="answer about this workload profile (YAML or JSON)")
    add_choice(p, "--format", "format", ("text", "markdown", "json"), "output format", default="text")


@command(
    "show",
    "wa_assist.commands.lookup:show",
    "show one entry with its related entries",
    "Print one entry of the knowledge base as Markdown (or JSON) with its related entries.\n"
    "An abbreviation or a title works too when it names one entry clearly (`show dlq`).",
    ["wa-assist show rel-duplicate-events-idempotency", "wa-assist show dlq --format json"],
)
def _show(p: argparse.ArgumentParser) -> None:
    p.add_argument("id", help="entry id, as printed by search or list (or an abbreviation or title)")
    add_choice(p, "--format", "format", ("markdown", "json"), "output format", default="markdown")


@command(
    "list",
    "wa_assist.commands.lookup:listing",
    "list entries",
    "List the entries of the knowledge base, optionally of one pillar or kind.",
    ["wa-assist list --kind caution", "wa-assist list --pillar security --format ids"],
)
def _list(p: argparse.ArgumentParser) -> None:
    add_choice(p, "--pillar", "pillar", PILLARS, "only entries of this pillar")
    add_choice(p, "--kind", "kind", KINDS, "only entries of this kind")
    add_choice(
        p, "--format", "format", ("table", "json", "ids"), "output format; ids prints one id a line", default="table"
    )


def _output(p: argparse.ArgumentParser, example: str) -> None:
    p.add_argument(
        "--output",
        metavar="FILE",
        help=f"write to FILE (a .json file in an existing folder, e.g. {example}) instead of standard output",
    )
    p.add_argument("--force", action="store_true", help="replace FILE if it exists (it is refused otherwise)")


@command(
    "schema",
    "wa_assist.commands.lookup:schema",
    "print the JSON Schema of knowledge files",
    "Print the JSON Schema that knowledge files (yours and the shipped ones) follow, for editors.",
    ["wa-assist schema --output knowledge.schema.json"],
)
def _schema(p: argparse.ArgumentParser) -> None:
    _output(p, "knowledge.schema.json")


@command(
    "export-lens",
    "wa_assist.commands.lookup:export_lens",
    "export the lens as a Well-Architected Tool custom lens (JSON)",
    "Write the lens questions and practices, with the knowledge base's improvement plans, as a\n"
    "Well-Architected Tool custom lens.",
    ["wa-assist export-lens --output serverless-lens.json"],
)
def _export_lens(p: argparse.ArgumentParser) -> None:
    _output(p, "serverless-lens.json")


def _set(p: argparse.ArgumentParser, what: str) -> None:
    p.add_argument(
        "--set",
        action="append",
        default=[],
        metavar="KEY=VALUE",
        help=f"{what} (repeatable; keys and values as in knowledge/questions.yaml)",
    )


def _reject(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--reject",
        action="append",
        default=[],
        metavar="ID",
        help="reject a recommendation by id, as `recommend --format ids` prints them (repeatable)",
    )


@command(
    "profile",
    "wa_assist.commands.profile:run",
    "write a profile file with the default answers, to edit",
    "Write a workload profile with every answer at its default (or as --set says), each under its\n"
    "question and allowed values as a comment. An existing file is never overwritten.",
    ["wa-assist profile svc.yaml --set scenario=event-driven --set name=billing"],
)
def _profile(p: argparse.ArgumentParser) -> None:
    p.add_argument("file", help="profile to create: a .yaml (commented) or .json file in an existing folder")
    _set(p, "answer a question")


@command(
    "recommend",
    "wa_assist.commands.recommend:run",
    "recommendations for a workload profile",
    "Evaluate the lens guidance against a workload profile: the recommendations that apply with their\n"
    "reasons, the project decisions they make, the conflicts resolved and the risk per lens question.",
    [
        "wa-assist recommend --profile examples/orders-api.yaml",
        "wa-assist recommend --profile svc.yaml --format markdown > WELL-ARCHITECTED.md",
        "wa-assist recommend --profile svc.yaml --format ids",
    ],
)
def _recommend(p: argparse.ArgumentParser) -> None:
    p.add_argument("--profile", required=True, metavar="FILE", help="profile file (YAML or JSON)")
    add_choice(
        p,
        "--format",
        "format",
        ("table", "markdown", "json", "ids"),
        "output format; ids prints the recommended ids, one a line",
        default="table",
    )
    _reject(p)


@command(
    "review",
    "wa_assist.commands.review:run",
    "review SAM or CloudFormation templates against the lens",
    "Check templates against the Serverless Lens: findings with the file, line and resource, a fix with a\n"
    "SAM snippet, and the Well-Architected risk of each lens question. A resource opts out of a check in\n"
    "its Metadata (wa-assist: {ignore: [{id: CHECK, reason: ...}]}); suppressions are reported.\n"
    "Exit 0 when nothing is at or above --fail-on, 1 when something is, 2 for bad input.",
    [
        "wa-assist review template.yaml",
        "wa-assist review . --format sarif > review.sarif",
        "wa-assist review infra/ --profile svc.yaml --fail-on medium --ignore WA9029",
    ],
)
def _review(p: argparse.ArgumentParser) -> None:
    p.add_argument("paths", nargs="+", metavar="PATH", help="a template, or a folder searched for templates")
    p.add_argument("--profile", metavar="FILE", help="workload profile: practices that do not apply are not missing")
    add_choice(p, "--format", "format", ("table", "markdown", "json", "sarif"), "output format", default="table")
    add_choice(
        p,
        "--fail-on",
        "severity",
        ("high", "medium", "low", "never"),
        "exit 1 when a finding is at or above it",
        default="high",
    )
    p.add_argument("--ignore", action="append", default=[], metavar="CHECK", help="leave out a check (repeatable)")


@command(
    "new",
    "wa_assist.commands.new:run",
    "generate a SAM project from a profile",
    "Render an AWS SAM project that follows the accepted recommendations. It never prompts, and writes\n"
    "nothing unless the whole project renders. Without a profile, every answer takes its default and the\n"
    "project is named after its folder.",
    [
        "wa-assist new orders-api --profile examples/orders-api.yaml",
        "wa-assist new shop-api --set scenario=web-app --set auth=cognito",
    ],
)
def _new(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "dest", help="folder to create, in an existing folder (it must not exist, or be empty, unless --force)"
    )
    p.add_argument(
        "--profile", metavar="FILE", help="profile file (YAML or JSON); every answer at its default otherwise"
    )
    _set(p, "override a profile answer")
    _reject(p)
    p.add_argument("--force", action="store_true", help="render into a non-empty folder; never overwrites your files")


@command(
    "update",
    "wa_assist.commands.update:update",
    "bring a generated project up to date with new answers or guidance",
    "Recompute the recommendations and decisions from the inputs the project recorded (.wa-assist/) plus\n"
    "your changes, render with the installed guidance and template, and merge three ways per file: the\n"
    "pristine render is the base. It prints what changes in the guidance, then what happens to each file.\n"
    "It never loses an edit of yours without a conflict, a side file or a backup.\n"
    "Exit 0 when clean, 1 while conflicts remain, 2 for bad input.",
    [
        "wa-assist update orders-api --set auth=cognito --dry-run",
        "wa-assist update orders-api --reject svc-lambda-provisioned-concurrency",
        "wa-assist update            # in the project, after upgrading wa-assist",
    ],
)
def _update(p: argparse.ArgumentParser) -> None:
    p.add_argument("project", nargs="?", default=".", help="the project folder (default: the current folder)")
    p.add_argument("--profile", metavar="FILE", help="replace the recorded profile answers with this profile file")
    _set(p, "change an answer")
    _reject(p)
    p.add_argument(
        "--accept",
        action="append",
        default=[],
        metavar="ID",
        help="accept a recommendation rejected before (repeatable)",
    )
    p.add_argument("--dry-run", action="store_true", help="show what would change; write nothing")
    add_choice(
        p,
        "--conflict",
        "conflict style",
        ("inline", "rej"),
        "conflicting changes marked in the file, or your file kept and the template's change written beside it as FILE.rej",
        default="inline",
    )
    p.add_argument(
        "--force", action="store_true", help="update despite uncommitted changes or what the last update left"
    )
    add_choice(p, "--format", "format", ("text", "json"), "output format", default="text")


@command(
    "diff",
    "wa_assist.commands.update:diff",
    "your changes to a generated project, as a unified diff",
    "Show what you changed in a generated project against its pristine render (recorded in .wa-assist/).",
    ["wa-assist diff orders-api", "wa-assist diff --stat", "wa-assist diff | less"],
)
def _diff(p: argparse.ArgumentParser) -> None:
    p.add_argument("project", nargs="?", default=".", help="the project folder (default: the current folder)")
    p.add_argument("--stat", action="store_true", help="a line per changed file with its added and removed lines")


@command(
    "check",
    "wa_assist.commands.update:check",
    "for CI: is the project what the current guidance generates, apart from your edits",
    "Report leftover conflict markers or side files, an interrupted update, files changed since generation,\n"
    "and what an update would change. Exit 0 when up to date, 1 when not, 2 for bad input.",
    ["wa-assist check orders-api", "wa-assist check --format json"],
)
def _check(p: argparse.ArgumentParser) -> None:
    p.add_argument("project", nargs="?", default=".", help="the project folder (default: the current folder)")
    add_choice(p, "--format", "format", ("text", "json"), "output format", default="text")


def build_parser(only: str | None = None) -> tuple[argparse.ArgumentParser, dict[str, argparse.ArgumentParser]]:
    """The top-level parser and each command's parser.

    With ``only`` (a command the line names, already checked to exist), the other commands are left
    out; for the interview, the default, they get a bare parser so the top-level help lists them.
    Building every command's options and help costs a short command like ``search`` about a sixth of
    its run.
    """
    parser = _Parser(
        prog=PROG,
        formatter_class=_FORMATTER,
        description="Assistant and SAM project scaffolder for the AWS Well-Architected Serverless Applications "
        "Lens.\nWithout a command, starts the interview.",
        epilog="examples:\n  wa-assist search dlq\n  wa-assist new orders-api --profile examples/orders-api.yaml\n\n"
        "`wa-assist COMMAND --help` describes each command.",
    )
    _global_options(parser, "global_knowledge")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    parsers: dict[str, argparse.ArgumentParser] = {}
    for cmd in COMMANDS.values():
        if only is not None and cmd.name != only:
            if only == "interview":  # `wa-assist` alone or `--help`: the overview lists every command
                sub.add_parser(cmd.name, help=cmd.summary)
            continue
        p = sub.add_parser(
            cmd.name,
            help=cmd.summary,
            description=cmd.description,
            epilog="examples:\n" + "\n".join(f"  {e}" for e in cmd.examples),
            formatter_class=_FORMATTER,
        )
        cmd.arguments(p)
        _global_options(p, "knowledge")
        parsers[cmd.name] = p
    return parser, parsers


# --------------------------------------------------------------------------- parsing


def _check_command(argv: Sequence[str]) -> str | None:
    """The command named in ``argv`` (None for none); an unknown one is refused with the nearest ones,
    before argparse lists every command."""
    skip = False
    for token in argv:
        if skip:
            skip = False
            continue
        if token == "--":
            return None
        if token.startswith("-"):
            skip = len(token) > 2 and "--knowledge".startswith(token)  # --knowledge PATH
            continue
        if token not in COMMANDS:
            hint = did_you_mean(token, COMMANDS) or "; the commands are " + ", ".join(COMMANDS)
            raise UsageError(f"unknown command '{token}'{hint}\nsee `{PROG} --help`")
        return token
    return None


def _unknown(prog: str, parser: argparse.ArgumentParser, extras: Sequence[str]) -> UsageError:
    first = extras[0]
    if first.startswith("-") and first != "-":
        flag = first.split("=", 1)[0]
        near = close_matches(flag, getattr(parser, "long_options", []))
        hint = f"; did you mean {' or '.join(near)}?" if near else ""
        return UsageError(f"unknown option {flag}{hint}\nsee `{prog} --help`")
    return UsageError(f"unexpected argument '{first}'\nsee `{prog} --help`")


def parse_args(argv: Sequence[str]) -> argparse.Namespace:
    """The parsed command line; raises UsageError for one that does not parse (--help and --version exit)."""
    parser, parsers = build_parser(only=_check_command(argv) or "interview")
    args, extras = parser.parse_known_args(argv)
    name = args.command or "interview"
    if extras:
        target = parsers[args.command] if args.command else parser
        raise _unknown(target.prog, target, extras)
    args.command = name
    args.knowledge = [*args.global_knowledge, *getattr(args, "knowledge", [])]
    del args.global_knowledge
    if not hasattr(args, "profile"):  # `wa-assist` alone: the interview without a draft
        args.profile = None
    return args


# --------------------------------------------------------------------------- running


def main(argv: Sequence[str] | None = None) -> int:
    """Run one command; every user error is printed here, in one format, and gives its exit status."""
    argv = list(sys.argv[1:] if argv is None else argv)
    try:
        args = parse_args(argv)
        module_name, func_name = COMMANDS[args.command].target.split(":")
        func = getattr(importlib.import_module(module_name), func_name)
        return int(func(args) or 0)
    except SystemExit as exc:  # --help and --version
        return exc.code if isinstance(exc.code, int) else 0
    except KeyboardInterrupt:
        print(format_error("interrupted; nothing was left half-written"), file=sys.stderr)
        return 130
    except BrokenPipeError:
        sys.stderr.close()  # the reader went away (| head); nothing more to say
        return 0
    except UserError as exc:
        print(format_error(str(exc)), file=sys.stderr)
        return exc.exit_code
    except OSError as exc:  # the system refused a file the user named (permissions, a full disk, ...)
        where = f"{exc.filename}: " if exc.filename else ""
        print(format_error(f"{where}{exc.strerror or exc}"), file=sys.stderr)
        return 2


def run() -> None:
    """The console entry point (``wa-assist`` and ``python -m wa_assist``): one command, one process."""
    sys.exit(main())


if __name__ == "__main__":  # pragma: no cover
    run()
