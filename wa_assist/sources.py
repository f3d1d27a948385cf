"""Which YAML files make up the knowledge base, and a cheap fingerprint of them for caches.

Kept free of heavy imports (no pydantic, no YAML, not even :mod:`pathlib`) so a cached search,
which needs only the fingerprint, starts fast.
"""

from __future__ import annotations

import os
import zlib
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Union

from wa_assist import __version__
from wa_assist.errors import UserError
from wa_assist.paths import data_folder

if TYPE_CHECKING:
    from pathlib import Path

ENV_VAR = "WA_ASSIST_KNOWLEDGE"
"""Extra guidance files or folders (an organisation's own rules), separated like PATH."""

_CODE_FILES = ("schema.py", "vocabulary.py", "kb.py", "search.py", "conditions.py", "sources.py")

PathLike = Union[str, "os.PathLike[str]"]


class SourceError(UserError):
    """An extra knowledge path that does not exist."""


def _order(path: str) -> list[str]:
    """Sorts as ``pathlib`` does: part by part, case-folded where the platform folds case."""
    return os.path.normcase(path).split(os.sep)


def _yaml_files(folder: str) -> list[str]:
    found = []
    for root, _dirs, files in os.walk(folder):
        for name in files:
            path = os.path.join(root, name)
            if os.path.splitext(name)[1] in (".yaml", ".yml") and os.path.isfile(path):
                found.append(path)
    return sorted(found, key=_order)


def extra_paths(extra: Sequence[PathLike] = ()) -> list[str]:
    """Extra paths from the command line, then from ``WA_ASSIST_KNOWLEDGE``."""
    paths = [os.fspath(p) for p in extra]
    env = os.environ.get(ENV_VAR, "")
    paths += [p for p in env.split(os.pathsep) if p.strip()]
    return paths


def knowledge_files(extra: Sequence[PathLike] = ()) -> tuple[list[str], list[str]]:
    """``(shipped files, extra files)`` as strings; raises :class:`SourceError` for a missing extra path."""
    shipped = _yaml_files(data_folder("knowledge"))
    given = {os.fspath(p) for p in extra}
    extras: list[str] = []
    for path in extra_paths(extra):
        if os.path.isdir(path):
            extras += _yaml_files(path)
        elif os.path.isfile(path):
            extras.append(path)
        else:
            origin = f" (from {ENV_VAR})" if path not in given else ""
            raise SourceError(f"{path}: no such knowledge file or folder{origin}")
    return shipped, extras


def discover(extra: Sequence[PathLike] = ()) -> tuple[list[Path], list[Path]]:
    """:func:`knowledge_files` as ``Path`` objects."""
    from pathlib import Path

    shipped, extras = knowledge_files(extra)
    return [Path(p) for p in shipped], [Path(p) for p in extras]


def fingerprint(files: Iterable[PathLike]) -> str:
    """Changes whenever a source file, or the code that reads them, changes."""
    parts = [__version__]
    code_dir = os.path.dirname(os.path.realpath(__file__))
    for name in _CODE_FILES:
        code = os.path.join(code_dir, name)
        if os.path.exists(code):
            st = os.stat(code)
            parts.append(f"{name}:{st.st_size}:{st.st_mtime_ns}")
    for path in files:
        st = os.stat(path)
        parts.append(f"{os.path.realpath(path)}:{st.st_size}:{st.st_mtime_ns}")
    text = "\n".join(parts).encode()
    # two CRCs (hashlib would cost a lookup more start-up time than the whole search)
    return f"{zlib.crc32(text):08x}{zlib.crc32(text[::-1]):08x}{len(text):x}"
