"""Helpers the tests of every area import: the repository root and running the CLI as a user would."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def run_cli(*args: str, env: dict[str, str] | None = None, input: str | None = None):
    """Run ``python -m wa_assist ARGS`` as a user would; returns the CompletedProcess."""
    full_env = {**os.environ, **(env or {})}
    return subprocess.run(
        [sys.executable, "-m", "wa_assist", *args],
        capture_output=True,
        text=True,
        env=full_env,
        input=input,
        cwd=ROOT,
        timeout=300,
    )
