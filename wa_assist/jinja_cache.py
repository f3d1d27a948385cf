"""A persistent cache of compiled Jinja templates for Copier renders.

Copier compiles every file, every path segment and every answer default of the template with
``Environment.from_string``, which Jinja never caches, so most of a render is spent lexing, parsing
and compiling the same sources again. During a render, :func:`compiled_template_cache` memoises
``Environment.compile`` by the source text (and name, file name and mode), and keeps the compiled
code objects on disk, as Jinja's own bytecode cache does, in the user cache folder. A changed source
is a different key, so a stale entry is never used; the file is named after the Python, Jinja and
wa-assist versions, so an upgrade starts a fresh one.
"""

from __future__ import annotations

import hashlib
import marshal
import os
import sys
import tempfile
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from wa_assist.paths import cache_dir

_lock = threading.Lock()


def _cache_file() -> Path:
    import jinja2

    from wa_assist import __version__

    tag = f"{sys.implementation.cache_tag}-jinja{jinja2.__version__}-{__version__}"
    return cache_dir() / f"jinja-{tag}.marshal"


def _load(path: Path) -> dict[str, Any]:
    try:
        with open(path, "rb") as fh:
            data = marshal.load(fh)
    except Exception:  # absent, partial or from another build: start afresh
        return {}
    return data if isinstance(data, dict) else {}


def _store(path: Path, data: dict[str, Any]) -> None:
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".jinja-", suffix=".tmp")
        try:
            with os.fdopen(fd, "wb") as fh:
                marshal.dump(data, fh)
            os.replace(tmp, path)
        finally:
            if os.path.exists(tmp):
                os.unlink(tmp)
    except (OSError, ValueError):
        pass  # a cache that cannot be written only costs time


@contextmanager
def compiled_template_cache() -> Iterator[None]:
    """Within the block, Jinja compiles each distinct template source once per machine."""
    from jinja2 import Environment

    with _lock:  # one render at a time patches the class
        path = _cache_file()
        stored = _load(path)
        added: dict[str, Any] = {}
        original = Environment.compile

        def compile(self, source, name=None, filename=None, raw=False, defer_init=False):
            if raw or not isinstance(source, str):
                return original(self, source, name, filename, raw, defer_init)
            key = hashlib.blake2b(repr((source, name, filename, defer_init)).encode(), digest_size=20).hexdigest()
            code = stored.get(key) or added.get(key)
            if code is None:
                code = added[key] = original(self, source, name, filename, raw, defer_init)
            return code

        Environment.compile = compile  # type: ignore[method-assign]
        try:
            yield
        finally:
            Environment.compile = original  # type: ignore[method-assign]
            if added:
                _store(path, {**stored, **added})
