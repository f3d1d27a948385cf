"""A compile cache for the SAM template, given to Copier's Jinja environment as an extension.

Copier renders each project file with ``Environment.get_template``, so Jinja's own bytecode cache
applies (https://jinja.palletsprojects.com/en/stable/api/#bytecode-cache): the template lists
``wa_assist.template_cache.CompileCache`` in ``_jinja_extensions``, and the extension sets the
environment's ``bytecode_cache`` when Copier builds that environment. Nothing outside that one
environment changes.

A cached entry is used only when everything that shapes the compiled code is the same: the
template's name, the Jinja and Copier versions, the environment's syntax options (block strings,
``trim_blocks``, ``lstrip_blocks``, newline handling ...) and its extensions. Jinja itself checks the
source's checksum and the interpreter's bytecode format, so an edited template or a new Python never
reads stale code.
"""

from __future__ import annotations

import hashlib
from importlib.metadata import PackageNotFoundError, version

from jinja2 import Environment
from jinja2.bccache import FileSystemBytecodeCache
from jinja2.ext import Extension

# Environment attributes that change how a source compiles.
_SYNTAX = (
    "block_start_string",
    "block_end_string",
    "variable_start_string",
    "variable_end_string",
    "comment_start_string",
    "comment_end_string",
    "line_statement_prefix",
    "line_comment_prefix",
    "trim_blocks",
    "lstrip_blocks",
    "newline_sequence",
    "keep_trailing_newline",
    "optimized",
    "autoescape",
    "is_async",
)


def _version(package: str) -> str:
    try:
        return version(package)
    except PackageNotFoundError:  # pragma: no cover - both are dependencies
        return "?"


def environment_fingerprint(environment: Environment) -> str:
    """What, beside the source and the name, decides the code a template compiles to."""
    parts = [f"jinja2={_version('jinja2')}", f"copier={_version('copier')}"]
    parts += [f"{name}={getattr(environment, name, None)!r}" for name in _SYNTAX]
    parts.append("extensions=" + ",".join(sorted(environment.extensions)))
    parts.append(f"undefined={environment.undefined.__module__}.{environment.undefined.__qualname__}")
    return hashlib.sha256("\n".join(parts).encode("utf-8")).hexdigest()


class TemplateBytecodeCache(FileSystemBytecodeCache):
    """Jinja's file cache keyed by template name and environment, not by the file's location: each
    render reads the template from a new staging folder, whose path would otherwise miss every time."""

    def __init__(self, directory: str, environment: Environment) -> None:
        super().__init__(directory, "wa-assist-%s.cache")
        self._environment = environment
        self._fingerprint: str | None = None

    def get_cache_key(self, name: str, filename: str | None = None) -> str:
        # The environment is complete by the first lookup (extensions load last), and stays as it is.
        if self._fingerprint is None:
            self._fingerprint = environment_fingerprint(self._environment)
        key = hashlib.sha256(self._fingerprint.encode("utf-8"))
        key.update(b"\0" + name.encode("utf-8"))
        return key.hexdigest()


class CompileCache(Extension):
    """Give the environment a :class:`TemplateBytecodeCache` under wa-assist's cache folder."""

    def __init__(self, environment: Environment) -> None:
        super().__init__(environment)
        from wa_assist.paths import cache_dir

        folder = cache_dir() / "jinja"
        try:
            folder.mkdir(parents=True, exist_ok=True)
        except OSError:
            return  # no writable cache folder: compile every time, as Jinja does by default
        environment.bytecode_cache = TemplateBytecodeCache(str(folder), environment)
