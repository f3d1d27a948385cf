"""Import Copier without its interactive prompt libraries.

``wa-assist new`` answers every Copier question from the profile and the engine's decisions and
never prompts (``defaults=True``, and the render goes to a fresh folder, so there is nothing to
confirm). Copier still imports questionary, and through it prompt_toolkit, at module level: about
a seventh of a whole ``wa-assist new``, spent on libraries the command never calls.

:func:`import_copier` imports Copier with small stand-ins for exactly the names it takes from those
libraries. A stand-in imports the real library the first time it is called, so a prompt Copier did
make would still work. The stand-ins live in ``sys.modules`` only while Copier is imported; any
later ``import questionary`` gets the real library. If Copier asks for any name not listed here (a
newer Copier that imports something else), the stand-ins are dropped and Copier is imported the
ordinary way: slower, never broken.
"""

from __future__ import annotations

import importlib
import sys
import threading
import types
from typing import Any

# module -> the names Copier imports from it (copier/_main.py and copier/_user_data.py)
DEFERRED: dict[str, tuple[str, ...]] = {
    "questionary": ("confirm", "unsafe_prompt"),
    "questionary.prompts": (),
    "questionary.prompts.common": ("Choice",),
    "prompt_toolkit": (),
    "prompt_toolkit.lexers": ("PygmentsLexer",),
}

_lock = threading.Lock()


def _deferred(module: str, name: str) -> Any:
    def call(*args: Any, **kwargs: Any) -> Any:
        return getattr(importlib.import_module(module), name)(*args, **kwargs)

    call.__name__ = call.__qualname__ = name
    call.__module__ = module
    call.__doc__ = f"{module}.{name}, imported on first use."
    return call


def _stand_in(module: str, names: tuple[str, ...]) -> types.ModuleType:
    stand_in = types.ModuleType(module, f"Stand-in for {module} while Copier is imported.")
    stand_in.__path__ = []  # a package, so the listed submodules resolve from sys.modules
    for name in names:
        setattr(stand_in, name, _deferred(module, name))
    return stand_in


def _forget_copier() -> None:
    for name in [m for m in sys.modules if m == "copier" or m.startswith("copier.")]:
        del sys.modules[name]


def import_copier() -> types.ModuleType:
    """Return the ``copier`` module, imported without its prompt libraries when that is possible."""
    with _lock:
        if "copier" in sys.modules:
            return sys.modules["copier"]
        if any(module in sys.modules for module in DEFERRED):  # already loaded: nothing to save
            return importlib.import_module("copier")
        stand_ins = {module: _stand_in(module, names) for module, names in DEFERRED.items()}
        sys.modules.update(stand_ins)
        try:
            return importlib.import_module("copier")
        except ImportError:  # Copier wants a name the stand-ins do not have
            _forget_copier()
            _remove(stand_ins)
            return importlib.import_module("copier")
        finally:
            _remove(stand_ins)


def _remove(stand_ins: dict[str, types.ModuleType]) -> None:
    for module, stand_in in stand_ins.items():
        if sys.modules.get(module) is stand_in:
            del sys.modules[module]
