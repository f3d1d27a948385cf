"""Benchmark of the interview's start-up: time from launch to the first question. Prints figures only.

    python tests/benchmarks/bench_tui_startup.py [--runs N]

1. In process: ``make_app`` with the (cached) knowledge base, run headless with ``App.run_test``, timed
   until the first question is mounted and drawn (``app.ready_at``).
2. Whole process: ``python -m wa_assist`` in a pseudo-terminal of 120x40 with
   ``WA_ASSIST_EXIT_WHEN_READY=1``, which exits as soon as the first question is shown. Two figures:
   launch until the first question's prompt (the first question of knowledge/questions.yaml) has been
   written to the terminal, which is what the user waits for, and launch until the process has exited,
   shut-down included; next to the same interpreter's ``python -c "import textual.app"``.

Goal: the first question on screen in under 1 s, whole process, warm cache.
"""

from __future__ import annotations

import argparse
import asyncio
import fcntl
import os
import pty
import re
import select
import statistics
import struct
import subprocess
import sys
import tempfile
import termios
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
from tests.benchmarks.installed import as_installed

# terminal control sequences (CSI, OSC, DCS and the short ESC forms), removed before looking for text
ESCAPES = re.compile(rb"\x1b(\[[0-9;?<>=]*[ -/]*[@-~]|\][^\x07\x1b]*(\x07|\x1b\\)|[PX^_][^\x1b]*\x1b\\|[@-Z\\-_])")


def fmt(values: list[float]) -> str:
    return f"median {statistics.median(values) * 1000:7.1f} ms  (min {min(values) * 1000:.1f}, max {max(values) * 1000:.1f})"


def in_process(runs: int) -> list[float]:
    from wa_assist.kb import load_knowledge
    from wa_assist.tui import make_app

    async def once() -> float:
        start = time.perf_counter()
        kb = load_knowledge()
        app = make_app(kb, generate=lambda *args: None)
        async with app.run_test(size=(120, 40)) as pilot:
            while app.ready_at is None:
                await pilot.pause(0.005)
            return app.ready_at - start

    return [asyncio.run(once()) for _ in range(runs)]


def in_terminal(cmd: list[str], env: dict[str, str], marker: bytes = b"", timeout: float = 30.0) -> tuple[float, float]:
    """Run ``cmd`` attached to a 120x40 pseudo-terminal.

    Returns the seconds until ``marker`` first appeared in what it wrote (plain text, escape sequences
    removed) and the seconds until it exited.
    """
    master, slave = pty.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 40, 120, 0, 0))
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, stdin=slave, stdout=slave, stderr=slave, env=env, start_new_session=True)
    os.close(slave)
    output = bytearray()
    seen: float | None = None
    try:
        while proc.poll() is None:
            if time.perf_counter() - start > timeout:
                proc.kill()
                raise RuntimeError(f"no exit within {timeout} s; output: {bytes(output[-500:])!r}")
            ready, _, _ = select.select([master], [], [], 0.002)
            if ready:
                try:
                    output += os.read(master, 65536)
                except OSError:
                    break
                if seen is None and marker and marker in ESCAPES.sub(b"", bytes(output)):
                    seen = time.perf_counter() - start
        elapsed = time.perf_counter() - start
        proc.wait()
    finally:
        os.close(master)
    if proc.returncode != 0:
        raise RuntimeError(f"exit status {proc.returncode}: {bytes(output[-800:]).decode(errors='replace')}")
    if marker and seen is None:
        raise RuntimeError(f"{marker!r} never appeared on the terminal")
    return (seen if seen is not None else elapsed), elapsed


def first_prompt() -> bytes:
    """The prompt of the first interview question, as the user sees it first."""
    from wa_assist.kb import load_knowledge

    return load_knowledge().questions[0].prompt.encode()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()
    cache = tempfile.mkdtemp(prefix="wa-assist-bench-")
    os.environ["WA_ASSIST_CACHE_DIR"] = cache
    os.environ.pop("WA_ASSIST_KNOWLEDGE", None)
    env = as_installed(
        {**os.environ, "WA_ASSIST_EXIT_WHEN_READY": "1", "TERM": os.environ.get("TERM", "xterm-256color")}
    )

    app_cmd = [sys.executable, "-m", "wa_assist"]
    base_cmd = [sys.executable, "-c", "import textual.app"]
    marker = first_prompt()
    in_terminal(app_cmd, env, marker)  # warm the knowledge cache
    shown, exited, b = [], [], []
    for _ in range(args.runs):  # interleaved, so both see the same machine state
        first, done = in_terminal(app_cmd, env, marker)
        shown.append(first)
        exited.append(done)
        start = time.perf_counter()
        subprocess.run(base_cmd, env=env, check=True)
        b.append(time.perf_counter() - start)
    print("1. whole process (pseudo-terminal 120x40, warm cache)")
    print(f"   launch to first question on screen  {fmt(shown)}")
    print(f"   launch to exit (shut-down included)  {fmt(exited)}")
    print(f"   python -c 'import textual.app'      {fmt(b)}")
    print(f"   goal: first question < 1000 ms: {'met' if statistics.median(shown) < 1.0 else 'NOT met'}")
    c = in_process(args.runs)
    print("2. in process, make_app to first question drawn (run_test, headless)")
    print(f"   first run {c[0] * 1000:.1f} ms (imports included); later runs {fmt(c[1:] or c)}")


if __name__ == "__main__":
    main()
