"""Fixtures for update tests: a project generated from the real template, and the template's next release."""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.helpers import ROOT

PROFILE = ROOT / "examples" / "orders-api.yaml"
TEMPLATE = ROOT / "templates" / "sam"
# The REST API's sample events are one source with per-file variables in the component's manifest.
GET_ITEM = "../components/rest_api/component.yaml"


def snapshot(folder: Path, *, times: bool = False, skip: tuple[str, ...] = (".git",)) -> dict[str, object]:
    """Every file's bytes (and with times, its modification time), keyed by relative path."""
    out: dict[str, object] = {}
    for path in sorted(folder.rglob("*")):
        rel = path.relative_to(folder).as_posix()
        if path.is_file() and not any(rel == s or rel.startswith(s + "/") for s in skip):
            out[rel] = (path.read_bytes(), path.stat().st_mtime_ns) if times else path.read_bytes()
    return out


def git(project: Path, *args: str) -> str:
    env = {**os.environ, "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.com"}
    env |= {"GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@example.com"}
    return subprocess.run(
        ["git", "-C", str(project), *args], check=True, capture_output=True, text=True, env=env
    ).stdout


def commit_all(project: Path, message: str = "snapshot") -> None:
    if not (project / ".git").exists():
        git(project, "init", "-q")
    git(project, "add", "-A")
    git(project, "commit", "-q", "--allow-empty", "-m", message)


@pytest.fixture(scope="session")
def pristine(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """orders-api with auth=iam, generated once by `new`; tests copy it."""
    from wa_assist.scaffold import new_project

    dest = tmp_path_factory.mktemp("pristine") / "orders-api"
    new_project(dest, profile=PROFILE, sets=["auth=iam"])
    return dest


@pytest.fixture
def project(pristine: Path, tmp_path: Path) -> Path:
    dest = tmp_path / "orders-api"
    shutil.copytree(pristine, dest, symlinks=True)
    return dest


@pytest.fixture
def release(tmp_path: Path) -> Callable[..., Path]:
    """A copy of templates/sam changed as the next release would change it.

    edits: path under project/ -> (old text, new text); add: path -> bytes; remove: paths; rename: old -> new.
    """
    made = [0]

    def make(
        edits: dict[str, tuple[str, str]] | None = None,
        add: dict[str, bytes] | None = None,
        remove: tuple[str, ...] = (),
        rename: dict[str, str] | None = None,
    ) -> Path:
        made[0] += 1
        dest = tmp_path / f"template-{made[0]}" / "sam"
        shutil.copytree(TEMPLATE, dest, ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
        project = dest / "project"
        for rel, (old, new) in (edits or {}).items():
            text = (project / rel).read_text(encoding="utf-8")
            assert old in text, f"{old!r} not in {rel}"
            (project / rel).write_text(text.replace(old, new, 1), encoding="utf-8")
        for rel, data in (add or {}).items():
            (project / rel).parent.mkdir(parents=True, exist_ok=True)
            (project / rel).write_bytes(data)
        for rel in remove:
            (project / rel).unlink()
        for old_rel, new_rel in (rename or {}).items():
            (project / new_rel).parent.mkdir(parents=True, exist_ok=True)
            (project / old_rel).rename(project / new_rel)
        return dest

    return make
