"""`wa-assist review PATH... [--profile FILE] [--format table|markdown|json|sarif] [--fail-on LEVEL] [--ignore CHECK]`.

Exit status: 0 when no finding is at or above --fail-on, 1 when one is, 2 when an input could not be read
(every other file is still reviewed and reported).
"""

from __future__ import annotations

import sys
from typing import Any


def _fail(message: str) -> int:
    print(f"wa-assist: error: {message}", file=sys.stderr)
    return 2


def run(args: Any) -> int:
    from wa_assist.review.run import UnknownCheck, review_paths

    ignore = [c.strip() for item in (args.ignore or []) for c in item.split(",") if c.strip()]
    try:
        report = review_paths(
            args.paths, profile=args.profile, ignore=ignore, knowledge=tuple(getattr(args, "knowledge", None) or ())
        )
    except UnknownCheck as exc:
        return _fail(f"--ignore: {exc}")

    fmt = args.format
    if fmt == "json":
        from wa_assist.review.output import render_json

        sys.stdout.write(render_json(report))
    elif fmt == "sarif":
        from wa_assist.review.output import render_sarif

        sys.stdout.write(render_sarif(report))
    elif fmt == "markdown":
        from wa_assist.review.output import render_markdown

        sys.stdout.write(render_markdown(report))
    elif report.files:
        from rich.console import Console

        from wa_assist.review.output import render_table

        render_table(report, Console())
    sys.stdout.flush()
    for error in report.errors:
        print(f"wa-assist: error: {error}", file=sys.stderr)
    if report.errors:
        return 2
    if not report.files:
        return _fail("no templates found in " + ", ".join(args.paths))
    return 1 if report.at_or_above(args.fail_on) else 0
