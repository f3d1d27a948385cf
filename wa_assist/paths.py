"""Where the shipped knowledge base and templates live, installed or in a checkout.

A wheel carries them inside the package (``wa_assist/_data``); an editable install or a
checkout reads them from the repository root. Nothing else in the code knows these paths.

The locations are worked out with :mod:`os.path`: a cached lookup (``search``, ``ask``) needs no
more, and importing :mod:`pathlib` would cost it about a tenth of its run (measured with
``python -X importtime``). The ``Path`` forms are for everything else.
"""

from __future__ import annotations

import os
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from pathlib import Path

_PACKAGE = os.path.dirname(os.path.realpath(__file__))


def data_folder(name: str) -> str:
    """The folder of the shipped ``knowledge`` or ``templates``, as a string."""
    packaged = os.path.join(_PACKAGE, "_data", name)
    if os.path.isdir(packaged):
        return packaged
    return os.path.join(os.path.dirname(_PACKAGE), name)


def knowledge_dir() -> Path:
    """The shipped knowledge base folder."""
    from pathlib import Path

    return Path(data_folder("knowledge"))


def templates_dir() -> Path:
    """The shipped Copier templates folder."""
    from pathlib import Path

    return Path(data_folder("templates"))


def cache_folder() -> str:
    """Where parsed, validated knowledge is cached (``WA_ASSIST_CACHE_DIR`` overrides), as a string."""
    explicit = os.environ.get("WA_ASSIST_CACHE_DIR")
    if explicit:
        return explicit
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return os.path.join(base, "wa-assist")


def cache_dir() -> Path:
    """:func:`cache_folder` as a ``Path``."""
    from pathlib import Path

    return Path(cache_folder())
