"""A small on-disk cache of parsed knowledge, keyed by a fingerprint of its sources.

Light on imports on purpose: a cached search must start fast, so reading needs only ``os`` and
``pickle`` (``tempfile`` and ``pathlib`` are imported when a cache is written).
"""

from __future__ import annotations

import gc
import os
import pickle
from typing import Any

from wa_assist.paths import cache_folder


def _cache_file(stem: str, key: str) -> str:
    return os.path.join(cache_folder(), f"{stem}-{key}.pickle")


def read_cache(stem: str, key: str) -> Any | None:
    """The cached object for ``key``, or None when absent or unreadable."""
    # Unpickling the index makes thousands of small containers; the collector would walk them
    # again and again while they are being made, and none of them can be garbage yet. So it pauses
    # for the load only.
    enabled = gc.isenabled()
    gc.disable()
    try:
        with open(_cache_file(stem, key), "rb") as fh:
            return pickle.load(fh)
    except Exception:  # a stale, partial or foreign cache is simply rebuilt
        return None
    finally:
        if enabled:
            gc.enable()


def write_cache(stem: str, key: str, value: Any) -> None:
    """Store ``value`` atomically and drop older caches of the same kind; failures are ignored."""
    import tempfile
    from pathlib import Path

    folder = Path(cache_folder())
    target = Path(_cache_file(stem, key))
    try:
        folder.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=folder, prefix=f".{stem}-", suffix=".tmp")
        try:
            with os.fdopen(fd, "wb") as fh:
                pickle.dump(value, fh, protocol=pickle.HIGHEST_PROTOCOL)
            os.replace(tmp, target)
        finally:
            if os.path.exists(tmp):
                os.unlink(tmp)
        for old in folder.glob(f"{stem}-*.pickle"):
            if old.name != target.name:
                old.unlink(missing_ok=True)
    except OSError:
        pass
