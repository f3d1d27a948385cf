"""Where the shipped knowledge base and templates live, installed or in a checkout.

A wheel carries them inside the package (``wa_assist/_data``); an editable install or a
checkout reads them from the repository root. Nothing else in the code knows these paths.
"""

from __future__ import annotations

import os
from pathlib import Path

_PACKAGE = Path(__file__).resolve().parent


def _data_dir(name: str) -> Path:
    packaged = _PACKAGE / "_data" / name
    if packaged.is_dir():
        return packaged
    return _PACKAGE.parent / name


def knowledge_dir() -> Path:
    """The shipped knowledge base folder."""
    return _data_dir("knowledge")


def templates_dir() -> Path:
    """The shipped Copier templates folder."""
    return _data_dir("templates")


def cache_dir() -> Path:
    """Where parsed, validated knowledge is cached (``WA_ASSIST_CACHE_DIR`` overrides)."""
    explicit = os.environ.get("WA_ASSIST_CACHE_DIR")
    if explicit:
        return Path(explicit)
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "wa-assist"
