"""One file's three-way text merge, with ``git merge-file``; and the tests a merge needs first.

git runs as a subprocess with a clean environment (no user or system configuration, no repository), on
three temporary files; the user's repository is never touched.
"""

from __future__ import annotations

import difflib
import os
import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

from wa_assist.update import UpdateError

LABELS = ("yours", "generated before", "generated now")
MARKER_START = b"<<<<<<< "
MARKER_END = b">>>>>>> "


@dataclass(frozen=True)
class Merged:
    data: bytes
    conflicts: int  # conflicting hunks (0: clean)


def is_binary(*contents: bytes | None) -> bool:
    """git's own test: a NUL byte in the first 8000 bytes of any side."""
    return any(c is not None and b"\0" in c[:8000] for c in contents)


def has_markers(data: bytes) -> bool:
    """Conflict markers an earlier merge left: a line starting with <<<<<<< and a later one with >>>>>>>."""
    if is_binary(data):
        return False
    start = data.find(b"\n" + MARKER_START) if not data.startswith(MARKER_START) else 0
    return start >= 0 and data.find(b"\n" + MARKER_END, start) >= 0


def git_path() -> str:
    git = shutil.which("git")
    if git is None:
        raise UpdateError(
            "git is not installed, and updating a file both you and the template changed needs its three-way "
            "merge (`git merge-file`); install git (https://git-scm.com) and run the update again"
        )
    return git


def clean_env() -> dict[str, str]:
    """Only what git needs: no repository, no user or system configuration, no prompts, stable messages."""
    env = {
        "PATH": os.environ.get("PATH", os.defpath),
        "GIT_CONFIG_NOSYSTEM": "1",
        "GIT_CONFIG_GLOBAL": os.devnull,
        "GIT_TERMINAL_PROMPT": "0",
        "LC_ALL": "C",
    }
    for name in ("HOME", "TMPDIR", "SYSTEMROOT"):
        if name in os.environ:
            env[name] = os.environ[name]
    return env


def _crlf(data: bytes) -> bool:
    return b"\r\n" in data


def merge_text(ours: bytes, base: bytes, theirs: bytes, labels: tuple[str, str, str] = LABELS) -> Merged:
    """Three-way merge; conflicts are written inline with the base section (diff3 style).

    A side that uses CRLF where the base uses LF (an editor converted the file) is merged with LF line
    ends and converted back, so line-end changes alone never make the whole file a conflict.
    """
    crlf_ours = _crlf(ours) and not _crlf(base)
    if crlf_ours:
        ours = ours.replace(b"\r\n", b"\n")
    git = git_path()
    with tempfile.TemporaryDirectory(prefix="wa-assist-merge-") as tmp:
        paths = []
        for name, data in (("ours", ours), ("base", base), ("theirs", theirs)):
            path = Path(tmp) / name
            path.write_bytes(data)
            paths.append(str(path))
        proc = subprocess.run(
            [git, "merge-file", "-p", "--diff3", "-L", labels[0], "-L", labels[1], "-L", labels[2], *paths],
            capture_output=True,
            env=clean_env(),
            cwd=tmp,
            stdin=subprocess.DEVNULL,
        )
    if proc.returncode < 0 or proc.returncode > 127:
        message = proc.stderr.decode("utf-8", "replace").strip()
        raise UpdateError(f"git merge-file failed: {message or proc.returncode}")
    data = proc.stdout
    if crlf_ours:
        data = data.replace(b"\r\n", b"\n").replace(b"\n", b"\r\n")
    return Merged(data=data, conflicts=proc.returncode)


def similarity(a: bytes, b: bytes) -> float:
    """How alike two texts are, by lines (0..1); 0 for binary content."""
    if is_binary(a, b):
        return 1.0 if a == b else 0.0
    la = a.decode("utf-8", "replace").splitlines()
    lb = b.decode("utf-8", "replace").splitlines()
    matcher = difflib.SequenceMatcher(None, la, lb, autojunk=False)
    if matcher.real_quick_ratio() < 0.5 or matcher.quick_ratio() < 0.5:
        return 0.0
    return matcher.ratio()


def unified(a: bytes | None, b: bytes | None, name_a: str, name_b: str) -> str:
    """A unified diff of two versions of a file (None: absent); binary files are named, not shown."""
    if is_binary(a, b):
        return f"Binary files {name_a} and {name_b} differ\n" if a != b else ""
    la = (a or b"").decode("utf-8", "replace").splitlines(keepends=True)
    lb = (b or b"").decode("utf-8", "replace").splitlines(keepends=True)
    out = []
    for line in difflib.unified_diff(
        la, lb, "/dev/null" if a is None else name_a, "/dev/null" if b is None else name_b
    ):
        out.append(line if line.endswith("\n") else line + "\n\\ No newline at end of file\n")
    return "".join(out)
