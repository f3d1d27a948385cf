"""Writing files the user names: refuse what would surprise them, and never leave half a file.

Every check raises a :class:`~wa_assist.errors.UserError` that names the path and says what to do.
A write goes to a temporary file beside the target that takes the target's name only when complete,
so an error or Ctrl-C leaves either the old file or none, never a truncated one.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Sequence
from pathlib import Path

from wa_assist.errors import UserError


def _suffixes(suffixes: Sequence[str]) -> str:
    names = [f"'{s}'" for s in suffixes]
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " or " + names[-1]


def check_output(path: str | Path, *, suffixes: Sequence[str] = (), force: bool = False) -> Path:
    """``path`` if a new file may be written there; raises UserError otherwise.

    The parent folder must exist (it is never created), the name must end with one of ``suffixes``
    (when given), and an existing file is refused unless ``force``.
    """
    path = Path(path).expanduser()
    if str(path).endswith(os.sep) or path.is_dir():
        raise UserError(f"{path} is a folder; give the name of a file to write, e.g. {path / ('out' + suffixes[0])}")
    if suffixes and path.suffix.lower() not in suffixes:
        hint = path.with_suffix(suffixes[0]) if path.suffix else Path(str(path) + suffixes[0])
        raise UserError(
            f"{path}: the file name must end with {_suffixes(suffixes)} (it says what the file holds), e.g. {hint}"
        )
    parent = path.parent
    if not parent.exists():
        raise UserError(f"{path}: the folder {parent} does not exist; create it first, or choose another path")
    if not parent.is_dir():
        raise UserError(f"{path}: {parent} is not a folder")
    if path.exists() or path.is_symlink():
        if not force:
            raise UserError(f"{path} already exists; choose another file name, or pass --force to replace it")
        if not path.is_file():
            raise UserError(f"{path} exists and is not a regular file; it is never replaced")
    return path


def write_text(path: str | Path, text: str, *, force: bool = False) -> Path:
    """Write ``text`` to ``path`` atomically; without ``force`` an existing file is never replaced.

    Raises UserError for an existing file, and OSError when the system refuses the write (the command
    line reports both without a traceback).
    """
    path = Path(path).expanduser()
    try:
        _write_new(path, text, force)
    except OSError as exc:
        if isinstance(exc, FileExistsError) or exc.filename == str(path):
            raise
        raise OSError(exc.errno, exc.strerror, str(path)) from None  # name the user's file, not the temporary one
    return path


def _write_new(path: Path, text: str, force: bool) -> None:
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as fh:
            fh.write(text)
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(tmp, 0o666 & ~umask)  # the mode a plain open() would give, not mkstemp's 0600
        if force:
            os.replace(tmp, path)
        else:
            try:
                os.link(tmp, path)  # fails if the file appeared meanwhile: nothing is replaced
            except FileExistsError:
                raise UserError(
                    f"{path} already exists; choose another file name, or pass --force to replace it"
                ) from None
            except OSError:  # a file system without hard links
                if path.exists():
                    raise UserError(f"{path} already exists; choose another file name") from None
                os.replace(tmp, path)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)
