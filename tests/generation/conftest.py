"""Fixtures of the quality gates: each gate module defines ``projects``; these build on it."""

from __future__ import annotations

import pytest

from tests.generation import judges


@pytest.fixture(scope="module")
def expanded(projects, tmp_path_factory):
    """Every project's template as SAM expands it (offline): (files by template, errors by template)."""
    return judges.expand_all([p / "template.yaml" for p in projects.values()], tmp_path_factory.mktemp("expanded"))
