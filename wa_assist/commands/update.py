"""`wa-assist update`, `wa-assist diff` and `wa-assist check`: keeping a generated project up to date.

update: 0 clean, 1 while conflicts remain, 2 bad input. check: 0 up to date (apart from your edits),
1 drift or leftovers, 2 bad input. diff: 0, or 2 for bad input.
"""

from __future__ import annotations

import json
import sys
from typing import Any

from wa_assist.errors import UserError


def _engine_errors(func: Any) -> Any:
    """Advice that cannot be evaluated is reported like any other bad input."""

    def wrapper(args: Any) -> int:
        from wa_assist.engine import EngineError

        try:
            return int(func(args))
        except EngineError as exc:
            raise UserError(str(exc)) from None

    return wrapper


def _show(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):
        return "[" + ", ".join(_show(v) for v in value) + "]"
    return str(value)


def _guidance_lines(guidance: Any) -> list[str]:
    lines = ["Guidance"]
    if not guidance.changed:
        lines.append("  no change: the same decisions and recommendations as before")
    for key, old, new in guidance.inputs:
        lines.append(f"  answer    {key}: {_show(old)} -> {_show(new)}")
    for key, old, new, why in guidance.decisions:
        lines.append(f"  decision  {key}: {_show(old)} -> {_show(new)}")
        lines.append(f"            {why}")
    for rid, title in guidance.added:
        lines.append(f"  + {rid}: {title}")
    for rid, title in guidance.removed:
        lines.append(f"  - {rid}: {title}")
    if guidance.rejected:
        lines.append("  rejected (still honoured): " + ", ".join(guidance.rejected))
    lines += [f"  note: {n}" for n in guidance.notes]
    return lines


def _file_lines(plan: Any) -> list[str]:
    from wa_assist.update.plan import ACTIONS

    lines = ["Files"]
    if not plan.changes:
        lines.append("  no change")
    width = max((len(c.action) for c in plan.changes), default=0)
    for change in plan.changes:
        described = ACTIONS[change.action]
        detail = change.detail or (described.split(": ", 1)[1] if ": " in described else "")
        if change.action == "conflict" and change.conflicts > 1:
            detail = f"{change.conflicts} conflicts; {detail}"
        lines.append(f"  {change.action:<{width}}  {change.path}" + (f"  ({detail})" if detail else ""))
    return lines


def outcome_lines(outcome: Any) -> list[str]:
    """What ``update`` prints for an UpdateOutcome: the guidance changes, then each file, then the outcome
    (the interview shows the same text)."""
    plan = outcome.plan
    out: list[str] = []
    if outcome.completed is not None:
        out.append("Completed an update that had been interrupted.")
    out += _guidance_lines(plan.guidance)
    out += _file_lines(plan)
    out += [f"note: {n}" for n in outcome.notes]
    out += [f"still to resolve: {item}" for item in outcome.leftovers]
    if outcome.dry_run:
        out.append("Dry run: nothing was written.")
    elif outcome.written:
        out.append(f"Updated {plan.project}.")
        if outcome.backup:
            out.append(f"Backups of the files it replaced or removed: {outcome.backup}")
    else:
        out.append("Nothing to write: the project is up to date.")
    if plan.conflicts:
        out.append(
            f"{len(plan.conflicts)} file(s) need you: resolve the conflict markers (or merge the side file into "
            "yours and delete it), then run `wa-assist check`."
        )
    return out


@_engine_errors
def update(args: Any) -> int:
    try:
        return _update(args)
    except KeyboardInterrupt:
        print(
            "wa-assist update: interrupted; run `wa-assist update` again to complete it "
            "(`wa-assist check` says where it stopped)",
            file=sys.stderr,
        )
        return 130


def _update(args: Any) -> int:
    from wa_assist.update.run import update_project

    outcome = update_project(
        getattr(args, "project", None),
        profile=getattr(args, "profile", None),
        sets=getattr(args, "set", None) or (),
        accept=getattr(args, "accept", None) or (),
        reject=getattr(args, "reject", None) or (),
        knowledge=getattr(args, "knowledge", None) or (),
        conflict=getattr(args, "conflict", "inline"),
        dry_run=bool(getattr(args, "dry_run", False)),
        force=bool(getattr(args, "force", False)),
    )
    plan = outcome.plan
    if getattr(args, "format", "text") == "json":
        doc = {
            "project": str(plan.project),
            "dry_run": outcome.dry_run,
            "written": outcome.written,
            "guidance": plan.guidance.to_dict(),
            "files": [c.to_dict() for c in plan.changes],
            "conflicts": len(plan.conflicts),
            "backup": str(outcome.backup) if outcome.backup else None,
            "completed_interrupted_update": outcome.completed is not None,
            "notes": outcome.notes,
            "leftovers": outcome.leftovers,
        }
        print(json.dumps(doc, indent=2, ensure_ascii=False))
        return outcome.exit_code
    print("\n".join(outcome_lines(outcome)))
    return outcome.exit_code


@_engine_errors
def check(args: Any) -> int:
    from wa_assist.update.run import check_project

    report = check_project(getattr(args, "project", None), knowledge=getattr(args, "knowledge", None) or ())
    plan = report.plan
    if getattr(args, "format", "text") == "json":
        doc = {
            "project": str(report.project),
            "ok": report.exit_code == 0,
            "problems": report.problems,
            "changed_by_you": report.changed,
            "deleted_by_you": report.deleted,
            "update_would_change": None
            if plan is None
            else {"guidance": plan.guidance.to_dict(), "files": [c.to_dict() for c in plan.changes]},
            "notes": report.notes,
        }
        print(json.dumps(doc, indent=2, ensure_ascii=False))
        return report.exit_code
    out = [f"Project {report.project}"]
    out += [f"  problem: {p}" for p in report.problems]
    if report.changed or report.deleted:
        out.append(f"  your changes since generation: {len(report.changed)} changed, {len(report.deleted)} deleted")
        out += [f"    changed  {p}" for p in report.changed] + [f"    deleted  {p}" for p in report.deleted]
    out += [f"  note: {n}" for n in report.notes]
    if plan is not None:
        if report.drift:
            out.append("An update would change:")
            out += ["  " + line for line in _guidance_lines(plan.guidance) + _file_lines(plan)]
        else:
            out.append("Up to date: the current guidance generates this project, apart from your own edits.")
    if report.exit_code:
        out.append(
            "Check failed." + (" Run `wa-assist update` to bring the project up to date." if report.drift else "")
        )
    print("\n".join(out), file=sys.stdout)
    return report.exit_code


def diff(args: Any) -> int:
    from wa_assist.update.run import diff_project

    sys.stdout.write(diff_project(getattr(args, "project", None), stat=getattr(args, "stat", False)))
    return 0
