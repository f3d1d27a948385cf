"""Test isolation: a private cache folder, no user guidance or Copier settings leaking in."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="session")
def session_cache(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("wa-assist-cache")


@pytest.fixture(autouse=True)
def _isolated(monkeypatch: pytest.MonkeyPatch, session_cache: Path) -> None:
    monkeypatch.setenv("WA_ASSIST_CACHE_DIR", str(session_cache))
    monkeypatch.delenv("WA_ASSIST_KNOWLEDGE", raising=False)
    monkeypatch.setenv("COPIER_SETTINGS_PATH", os.devnull)
    monkeypatch.setenv("GIT_CONFIG_GLOBAL", os.devnull)


@pytest.fixture(scope="session")
def kb():
    from wa_assist.kb import load_knowledge

    return load_knowledge(use_cache=False)


@pytest.fixture(scope="session")
def index(kb):
    from wa_assist.search import SearchIndex

    return SearchIndex.build(kb.entries.values(), kb.abbreviations)


def run_cli(*args: str, env: dict[str, str] | None = None, input: str | None = None):
    """Run ``python -m wa_assist ARGS`` as a user would; returns the CompletedProcess."""
    import subprocess

    full_env = {**os.environ, **(env or {})}
    return subprocess.run(
        [sys.executable, "-m", "wa_assist", *args],
        capture_output=True,
        text=True,
        env=full_env,
        input=input,
        cwd=ROOT,
        timeout=300,
    )
