"""The three commands as functions: ``update_project``, ``check_project``, ``diff_project``."""

from __future__ import annotations

import tempfile
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from wa_assist.update import UpdateError
from wa_assist.update.apply import (
    PENDING,
    apply_plan,
    complete_interrupted,
    git_state,
    journal_progress,
    pending_journal,
)
from wa_assist.update.merge import unified
from wa_assist.update.plan import Plan, leftovers, plan_update
from wa_assist.update.record import RECORD_DIR, RECORD_FILE, load_record, sha256


def _project(project: Path | str | None) -> Path:
    """The project folder: the one given, or the nearest above it that holds a record (as git finds its root)."""
    path = Path(project or ".").expanduser().absolute()
    if not path.is_dir():
        raise UpdateError(f"{path}: no such project folder")
    for folder in (path, *path.parents):
        if (folder / RECORD_DIR / RECORD_FILE).is_file():
            return folder
    return path


@dataclass
class UpdateOutcome:
    plan: Plan
    dry_run: bool
    written: bool = False
    backup: Path | None = None
    completed: list[str] | None = None  # None: no interrupted update was pending
    notes: list[str] = field(default_factory=list)
    leftovers: list[str] = field(default_factory=list)  # conflict markers and side files still in the project

    @property
    def exit_code(self) -> int:
        return 1 if self.plan.conflicts or self.leftovers else 0


def update_project(
    project: Path | str | None = None,
    *,
    profile: Path | str | None = None,
    sets: Sequence[str] = (),
    accept: Sequence[str] = (),
    reject: Sequence[str] = (),
    knowledge: Sequence[Path | str] = (),
    conflict: str = "inline",
    dry_run: bool = False,
    force: bool = False,
    template: Path | None = None,
    answers: Mapping[str, Any] | None = None,
    choices: tuple[Iterable[str], Iterable[str]] | None = None,
) -> UpdateOutcome:
    """Update the project. ``answers`` and ``choices`` give changes as data (the interview's): answers
    (question id -> value) replace the recorded ones for those questions, and (accepted ids, rejected ids)
    replace the recorded choices; the other arguments are the command line's."""
    root = _project(project)
    load_record(root)  # a clear error before anything else when there is no record
    completed = None
    if pending_journal(root) is not None:
        if dry_run:
            raise UpdateError(
                f"{root}: an earlier update was interrupted; run `wa-assist update` without --dry-run to complete it"
            )
        try:
            completed = complete_interrupted(root)
        except OSError as exc:
            raise UpdateError(
                f"completing the interrupted update failed writing {exc.filename or 'a file'} "
                f"({exc.strerror or exc}); fix that and run `wa-assist update` again"
            ) from None
    elif not dry_run:
        complete_interrupted(root)  # removes what an update interrupted before its first change left
    loaded = load_record(root)
    left = leftovers(root, loaded.record.files)
    plan = plan_update(
        root,
        profile=profile,
        sets=sets,
        accept=accept,
        reject=reject,
        knowledge=knowledge,
        conflict=conflict,
        template=template,
        loaded=loaded,
        answers=answers,
        choices=choices,
    )
    outcome = UpdateOutcome(plan=plan, dry_run=dry_run, completed=completed, leftovers=left)
    if dry_run or plan.empty:
        return outcome
    if left and not force:
        listed = "\n  ".join(left)
        raise UpdateError(
            f"{root}: resolve what the last update left first (or pass --force to update anyway):\n  {listed}"
        )
    in_git, dirty = git_state(root)
    touched = {w.path for w in plan.writes}
    if dirty and not force:
        shown = ", ".join(dirty[:5]) + (f" and {len(dirty) - 5} more" if len(dirty) > 5 else "")
        raise UpdateError(
            f"{root}: uncommitted changes to tracked files ({shown}); commit or stash them first, so the "
            "update's changes can be reviewed and undone, or pass --force (files are then backed up first)"
        )
    _check_writable(root, [w.path for w in [*plan.writes, *plan.record_writes]])
    try:
        applied = apply_plan(plan, in_git=in_git and not (dirty and touched))
    except OSError as exc:
        raise UpdateError(
            f"writing {exc.filename or 'a file'} failed ({exc.strerror or exc}); fix that and run "
            "`wa-assist update` again: it completes what this one started (`wa-assist check` shows how far it got)"
        ) from None
    outcome.written = True
    outcome.backup = applied.backup
    outcome.notes += applied.completed
    return outcome


def recorded_profile(project: Path | str | None, kb: Any) -> tuple[Path, Any]:
    """The project folder and the Profile it was last generated or updated with: the recorded answers with
    their ``--set`` overrides applied, and the recorded accepted and rejected ids (answers to questions the
    knowledge base no longer asks are left out, as an update drops them)."""
    from wa_assist.profile import apply_overrides, profile_from_mapping

    root = _project(project)
    inputs = load_record(root).record.inputs
    asked = {q.id for q in kb.questions}
    where = f"{root / RECORD_DIR / RECORD_FILE} (recorded answers)"
    profile = profile_from_mapping({k: v for k, v in inputs.profile.items() if k in asked}, kb.questions, source=where)
    sets = [s for s in inputs.sets if s.partition("=")[0].strip() in asked]
    if sets:
        profile = apply_overrides(profile, sets, source=f"{where}, --set")
    return root, profile.with_choices(inputs.accepted, inputs.rejected)


def _check_writable(root: Path, paths: Sequence[str]) -> None:
    """Every file the update writes can be written: found before the first write, not in the middle."""
    import os

    problems = []
    for rel in paths:
        target = root / rel
        folder = target.parent
        while not folder.exists() and folder != root:
            folder = folder.parent
        if not os.access(folder, os.W_OK) or (target.exists() and not os.access(target, os.W_OK)):
            problems.append(rel)
    if problems:
        raise UpdateError(f"{root}: cannot write {', '.join(problems[:5])}; nothing was changed (check permissions)")


# ---------------------------------------------------------------------------- check


def recommendation_findings(project: Path, result: Any, knowledge: Sequence[Path | str] = ()) -> list[str]:
    """Recommendations the project applies whose generated implementation is gone, one line each.

    ``result`` is the engine's Result for the project's recorded inputs; every recommendation in it (none
    rejected) is applied by the project, so it counts as accepted here. For each one whose practice has lens
    checks (:func:`wa_assist.review.checks_for`), the review's findings of those checks on the project's
    ``template.yaml`` (reviewed with the recorded profile) are listed, naming the recommendation, the check,
    the place and the message. Only what the pristine render (the last generation) had is claimed: a finding
    it shares, or one on a resource you added yourself, is for ``wa-assist review``, not a change to what was
    generated. ``check`` lists them and exits 1.
    """
    from wa_assist.profile import save_profile
    from wa_assist.review import checks_for, review_paths
    from wa_assist.review.template import TemplateError, load

    template = project / "template.yaml"
    if result is None or not template.is_file():
        return []
    wanted: dict[str, str] = {}  # check id -> the recommendation it proves
    for rec in result.recommendations:
        for check in checks_for(rec.id, knowledge):
            wanted.setdefault(check, rec.id)
    if not wanted:
        return []
    base = load_record(project).base.get("template.yaml")
    with tempfile.TemporaryDirectory(prefix="wa-assist-check-") as tmp:
        profile = save_profile(result.profile, Path(tmp) / "profile.yaml")
        report = review_paths([template], profile=profile, knowledge=knowledge)
        generated: set[str] | None = None  # None: the pristine render is not available, claim every resource
        as_generated: set[tuple[str, str]] = set()  # what the pristine render itself lacks is not a removal
        if base is not None:
            pristine = Path(tmp) / "pristine" / "template.yaml"
            pristine.parent.mkdir()
            pristine.write_bytes(base.data)
            try:
                generated = set(load(pristine).resources)
            except TemplateError:
                generated = None
            else:
                found = review_paths([pristine], profile=profile, knowledge=knowledge).findings
                as_generated = {(f.check, f.resource) for f in found}
    lines = []
    for finding in sorted(report.findings, key=lambda f: (f.line, f.check, f.resource)):
        rec_id = wanted.get(finding.check)
        if rec_id is None or (finding.check, finding.resource) in as_generated:
            continue
        if generated is not None and finding.resource and finding.resource not in generated:
            continue
        shown = Path(finding.file)
        where = shown.relative_to(project).as_posix() if shown.is_relative_to(project) else finding.file
        lines.append(
            f"accepted recommendation no longer implemented: {rec_id} ({finding.check}) "
            f"{where}:{finding.line}: {finding.message}"
        )
    return lines


@dataclass
class CheckReport:
    project: Path
    problems: list[str] = field(default_factory=list)  # each one fails the check
    changed: list[str] = field(default_factory=list)  # generated files you changed (information)
    deleted: list[str] = field(default_factory=list)
    plan: Plan | None = None
    notes: list[str] = field(default_factory=list)

    @property
    def drift(self) -> bool:
        plan = self.plan
        return plan is not None and (bool(plan.writes) or plan.guidance.changed)

    @property
    def exit_code(self) -> int:
        return 1 if self.problems or self.drift else 0


def check_project(
    project: Path | str | None = None, *, knowledge: Sequence[Path | str] = (), template: Path | None = None
) -> CheckReport:
    root = _project(project)
    loaded = load_record(root)
    report = CheckReport(project=root)
    journal = pending_journal(root)
    if journal is not None:
        done, total = journal_progress(root, journal)
        report.problems.append(
            f"an update was interrupted after {done} of its {total} writes; run `wa-assist update` to complete it "
            "(it finishes those writes and changes nothing else)"
        )
    elif (root / PENDING).exists():
        report.notes.append(
            f"an update was interrupted before it changed anything; the next `wa-assist update` removes {PENDING}/"
        )
    report.problems += [f"left by the last update: {item}" for item in leftovers(root, loaded.record.files)]
    report.notes += loaded.problems
    for rel, meta in sorted(loaded.record.files.items()):
        path = root / rel
        if not path.is_file():
            report.deleted.append(rel)
        elif sha256(path.read_bytes()) != meta["sha256"]:
            report.changed.append(rel)
    if journal is None:
        report.plan = plan_update(root, knowledge=knowledge, template=template, loaded=loaded)
        extra = list(knowledge) or [k["path"] for k in loaded.record.inputs.knowledge if Path(k["path"]).is_file()]
        report.problems += recommendation_findings(root, report.plan.result, extra)
    return report


# ---------------------------------------------------------------------------- diff


def diff_project(project: Path | str | None = None, *, stat: bool = False) -> str:
    """The user's changes to the generated files, against the pristine render, as a unified diff; with
    ``stat``, a line per changed file with its added and removed lines, and their totals (as git's)."""
    root = _project(project)
    loaded = load_record(root)
    out: list[str] = []
    counts: list[tuple[str, int | None, int | None]] = []  # None: no pristine copy to count against
    for rel in sorted(loaded.record.files):
        base = loaded.base.get(rel)
        path = root / rel
        mine = path.read_bytes() if path.is_file() else None
        if base is None:
            if mine is None or sha256(mine) != loaded.record.files[rel]["sha256"]:
                out.append(f"# {rel}: changed; no pristine copy to compare with ({RECORD_DIR}/ is damaged)\n")
                counts.append((rel, None, None))
            continue
        text = unified(base.data, mine, f"a/{rel}", f"b/{rel}")
        if text:
            out.append(text)
            lines = text.splitlines()[2:]  # past the --- and +++ headers
            counts.append((rel, sum(x.startswith("+") for x in lines), sum(x.startswith("-") for x in lines)))
    return _stat(counts) if stat else "".join(out)


def _stat(counts: list[tuple[str, int | None, int | None]]) -> str:
    if not counts:
        return ""
    width = max(len(rel) for rel, _, _ in counts)
    rows = []
    for rel, added, removed in counts:
        change = "changed (no pristine copy)" if added is None or removed is None else f"+{added} -{removed}"
        rows.append(f" {rel:<{width}} | {change}\n")
    added_total = sum(a or 0 for _, a, _ in counts)
    removed_total = sum(r or 0 for _, _, r in counts)
    files = f"{len(counts)} file{'s' if len(counts) != 1 else ''} changed"
    return "".join(rows) + f" {files}, {added_total} insertions(+), {removed_total} deletions(-)\n"
