"""Benchmarks time wa-assist as a user's installed copy runs: with its modules' bytecode compiled.

pip compiles a package's modules when it installs it, and an editable install writes the bytecode on
first import. A checkout run with ``PYTHONDONTWRITEBYTECODE`` set (as some CI images and containers
do) would instead compile every module of wa-assist on every run, while the libraries it is compared
with (rapidfuzz, PyYAML, cfn-lint, ...) were compiled when they were installed: for a short command
like ``search`` that is about a fifth of its run, and not what a user sees.
"""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Mapping
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def as_installed(env: Mapping[str, str]) -> dict[str, str]:
    """``env`` for timing runs, after compiling wa-assist's modules as pip does at install."""
    subprocess.run([sys.executable, "-m", "compileall", "-q", str(ROOT / "wa_assist")], check=True)
    out = dict(env)
    out.pop("PYTHONDONTWRITEBYTECODE", None)
    return out
