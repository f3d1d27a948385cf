"""Which YAML files make up the knowledge base, and a cheap fingerprint of them for caches.

Kept free of heavy imports (no pydantic, no YAML) so a cached search starts fast.
"""

from __future__ import annotations

import os
import zlib
from pathlib import Path

from wa_assist import __version__
from wa_assist.errors import UserError
from wa_assist.paths import knowledge_dir

ENV_VAR = "WA_ASSIST_KNOWLEDGE"
"""Extra guidance files or folders (an organisation's own rules), separated like PATH."""

_CODE_FILES = ("schema.py", "vocabulary.py", "kb.py", "search.py", "conditions.py", "sources.py")


class SourceError(UserError):
    """An extra knowledge path that does not exist."""


def _yaml_files(folder: Path) -> list[Path]:
    return sorted(p for p in folder.rglob("*") if p.suffix in (".yaml", ".yml") and p.is_file())


def extra_paths(extra: tuple[str | Path, ...] | list[str | Path] = ()) -> list[Path]:
    """Extra paths from the command line, then from ``WA_ASSIST_KNOWLEDGE``."""
    paths = [Path(p) for p in extra]
    env = os.environ.get(ENV_VAR, "")
    paths += [Path(p) for p in env.split(os.pathsep) if p.strip()]
    return paths


def discover(extra: tuple[str | Path, ...] | list[str | Path] = ()) -> tuple[list[Path], list[Path]]:
    """``(shipped files, extra files)``; raises :class:`SourceError` for a missing extra path."""
    shipped = _yaml_files(knowledge_dir())
    extras: list[Path] = []
    for path in extra_paths(extra):
        if path.is_dir():
            found = _yaml_files(path)
            extras += found
        elif path.is_file():
            extras.append(path)
        else:
            origin = f" (from {ENV_VAR})" if str(path) not in {str(p) for p in extra} else ""
            raise SourceError(f"{path}: no such knowledge file or folder{origin}")
    return shipped, extras


def fingerprint(files: list[Path]) -> str:
    """Changes whenever a source file, or the code that reads them, changes."""
    parts = [__version__]
    code_dir = Path(__file__).resolve().parent
    for name in _CODE_FILES:
        code = code_dir / name
        if code.exists():
            st = code.stat()
            parts.append(f"{name}:{st.st_size}:{st.st_mtime_ns}")
    for path in files:
        st = path.stat()
        parts.append(f"{path.resolve()}:{st.st_size}:{st.st_mtime_ns}")
    text = "\n".join(parts).encode()
    # two CRCs (hashlib would cost a lookup more start-up time than the whole search)
    return f"{zlib.crc32(text):08x}{zlib.crc32(text[::-1]):08x}{len(text):x}"
