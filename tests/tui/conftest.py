"""The interview keeps its draft in a private state folder per test, never the user's."""

from __future__ import annotations

from pathlib import Path

import pytest


@pytest.fixture(autouse=True)
def state_dir(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    folder = tmp_path / "state"
    monkeypatch.setenv("WA_ASSIST_STATE_DIR", str(folder))
    return folder


# A generated orders-api and a fresh copy of it per test (`project`), as the update tests use them.
from tests.update.conftest import pristine, project  # noqa: E402, F401
