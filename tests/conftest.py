"""Test isolation: a private cache folder, no user guidance or Copier settings leaking in."""

from __future__ import annotations

import os
from pathlib import Path

import pytest


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
