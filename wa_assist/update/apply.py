"""Write a plan so that an interruption leaves the project as it was, or as the update would leave it.

1. Every new content goes to ``.wa-assist/pending/`` first (outside git, a copy of every file about to
   be replaced or removed goes to ``.wa-assist/backup/<time>/``). Nothing in the project has changed yet.
2. ``.wa-assist/journal.json`` lists every write; writing it (atomically) is the point of no return.
3. The writes run one by one, each atomic (a temporary file beside the target, then a rename).
4. The new base and record replace the old ones last; then the journal and pending folder go.

An update interrupted after step 2 is completed by the next ``wa-assist update`` (each write is done
unless the file already holds its new content), and ``wa-assist check`` explains it meanwhile. An update
interrupted before step 2 changed nothing; the next one removes the pending folder.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import subprocess
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from wa_assist.update import UpdateError
from wa_assist.update.merge import clean_env
from wa_assist.update.plan import SIDE_SUFFIX, Plan, Write
from wa_assist.update.record import RECORD_DIR, sha256

JOURNAL = f"{RECORD_DIR}/journal.json"
PENDING = f"{RECORD_DIR}/pending"
BACKUP = f"{RECORD_DIR}/backup"


def atomic_write(path: Path, data: bytes, mode: int = 0o644) -> None:
    """Write through a temporary file beside path, then rename it over path."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".wa-assist-tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(tmp, mode)
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise


def remove_file(path: Path, root: Path) -> None:
    """Remove a file, then the folders it leaves empty (up to root)."""
    path.unlink(missing_ok=True)
    parent = path.parent
    while parent != root and root in parent.parents:
        try:
            parent.rmdir()
        except OSError:
            break
        parent = parent.parent


# ---------------------------------------------------------------------------- git


def git_state(project: Path) -> tuple[bool, list[str]]:
    """``(inside a git work tree, tracked files with uncommitted changes)``; (False, []) without git."""
    git = shutil.which("git")
    if git is None:
        return False, []
    env = clean_env()
    inside = subprocess.run(
        [git, "-C", str(project), "rev-parse", "--is-inside-work-tree"], capture_output=True, text=True, env=env
    )
    if inside.returncode != 0 or inside.stdout.strip() != "true":
        return False, []
    status = subprocess.run(
        [git, "-C", str(project), "status", "--porcelain", "--untracked-files=no", "--", "."],
        capture_output=True,
        text=True,
        env=env,
    )
    return True, [line[3:] for line in status.stdout.splitlines() if line.strip()]


# ---------------------------------------------------------------------------- the journal


@dataclass
class Applied:
    backup: Path | None = None
    completed: list[str] = field(default_factory=list)  # messages from finishing an interrupted update


def _current(path: Path) -> str | None:
    return sha256(path.read_bytes()) if path.is_file() and not path.is_symlink() else None


def pending_journal(project: Path) -> dict[str, object] | None:
    path = project / JOURNAL
    if not path.is_file():
        return None
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise UpdateError(f"{path}: an interrupted update's journal cannot be read ({exc})") from None
    if not isinstance(data, dict) or not isinstance(data.get("writes"), list):
        raise UpdateError(f"{path}: an interrupted update's journal is malformed")
    return data


def journal_progress(project: Path, journal: dict[str, object]) -> tuple[int, int]:
    """(writes done, writes in all) of an interrupted update."""
    writes = journal["writes"]
    assert isinstance(writes, list)
    done = sum(1 for w in writes if _current(project / w["path"]) == w["after"])
    return done, len(writes)


def _run_journal(project: Path, journal: dict[str, object]) -> list[str]:
    writes = journal["writes"]
    assert isinstance(writes, list)
    notes: list[str] = []
    for item in writes:
        target = project / item["path"]
        now = _current(target)
        if now == item["after"]:
            continue
        data = None if item["blob"] is None else (project / PENDING / item["blob"]).read_bytes()
        if now != item["before"] and not (target.is_symlink() or target.is_dir()):
            # Changed again since the update was interrupted: keep that, put the update's version beside it.
            if data is not None:
                side = Path(f"{target}{SIDE_SUFFIX}")
                atomic_write(side, data, int(item["mode"]))
                notes.append(f"{item['path']}: changed after the interrupted update; its version is in {side.name}")
            else:
                notes.append(f"{item['path']}: changed after the interrupted update; kept")
            continue
        if data is None:
            remove_file(target, project)
        else:
            atomic_write(target, data, int(item["mode"]))
    with contextlib.suppress(OSError):
        (project / JOURNAL).unlink()
    shutil.rmtree(project / PENDING, ignore_errors=True)
    return notes


def complete_interrupted(project: Path) -> list[str] | None:
    """Finish an update that was interrupted after its journal was written; None when there was none."""
    journal = pending_journal(project)
    if journal is None:
        if (project / PENDING).exists():  # interrupted before the journal: nothing had changed
            shutil.rmtree(project / PENDING, ignore_errors=True)
        return None
    return _run_journal(project, journal)


def _backup(project: Path, writes: Sequence[Write]) -> Path | None:
    touched = [w for w in writes if (project / w.path).is_file()]
    if not touched:
        return None
    stamp = time.strftime("%Y%m%dT%H%M%SZ", time.gmtime())
    folder, n = project / BACKUP / stamp, 1
    while folder.exists():
        n += 1
        folder = project / BACKUP / f"{stamp}-{n}"
    for w in touched:
        source = project / w.path
        atomic_write(folder / w.path, source.read_bytes(), source.stat().st_mode & 0o777)
    return folder


def apply_plan(plan: Plan, *, in_git: bool) -> Applied:
    """Write the plan: pending copies (and backups outside git), the journal, the writes, the record."""
    project = plan.project
    applied = Applied()
    every = [*plan.writes, *plan.record_writes]
    if not every:
        return applied
    shutil.rmtree(project / PENDING, ignore_errors=True)
    if not in_git:
        applied.backup = _backup(project, plan.writes)
    entries = []
    for n, w in enumerate(every):
        blob = None
        if w.data is not None:
            blob = f"{n:04d}"
            atomic_write(project / PENDING / blob, w.data, 0o644)
        entries.append(
            {
                "path": w.path,
                "blob": blob,
                "mode": w.mode,
                "before": w.before,
                "after": None if w.data is None else sha256(w.data),
            }
        )
    journal = {"schema": 1, "about": "an update in progress; `wa-assist update` completes it", "writes": entries}
    atomic_write(project / JOURNAL, (json.dumps(journal, indent=1) + "\n").encode("utf-8"))
    applied.completed = _run_journal(project, journal)
    return applied
