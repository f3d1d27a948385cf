"""Benchmark of the interview's start-up: time from launch to the first question. Prints figures only.

    python tests/benchmarks/bench_tui_startup.py [--runs N]

1. In process: ``make_app`` with the (cached) knowledge base, run headless with ``App.run_test``, timed
   until the first question is mounted and drawn (``app.ready_at``).
2. Whole process: ``python -m wa_assist`` in a pseudo-terminal of 120x40 with
   ``WA_ASSIST_EXIT_WHEN_READY=1``, which exits as soon as the first question is shown; wall time from
   launch to exit, next to the same interpreter's ``python -c "import textual.app"``.

Goal: under 1 s for the whole process on a warm cache.
"""

from __future__ import annotations

import argparse
import asyncio
import fcntl
import os
import pty
import select
import statistics
import struct
import subprocess
import sys
import tempfile
import termios
import time


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


def in_terminal(cmd: list[str], env: dict[str, str], timeout: float = 30.0) -> float:
    """Run ``cmd`` attached to a 120x40 pseudo-terminal; seconds until it exits."""
    master, slave = pty.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 40, 120, 0, 0))
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, stdin=slave, stdout=slave, stderr=slave, env=env, start_new_session=True)
    os.close(slave)
    output = bytearray()
    try:
        while proc.poll() is None:
            if time.perf_counter() - start > timeout:
                proc.kill()
                raise RuntimeError(f"no exit within {timeout} s; output: {bytes(output[-500:])!r}")
            ready, _, _ = select.select([master], [], [], 0.05)
            if ready:
                try:
                    output += os.read(master, 65536)
                except OSError:
                    break
        elapsed = time.perf_counter() - start
        proc.wait()
    finally:
        os.close(master)
    if proc.returncode != 0:
        raise RuntimeError(f"exit status {proc.returncode}: {bytes(output[-800:]).decode(errors='replace')}")
    return elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()
    cache = tempfile.mkdtemp(prefix="wa-assist-bench-")
    os.environ["WA_ASSIST_CACHE_DIR"] = cache
    os.environ.pop("WA_ASSIST_KNOWLEDGE", None)
    env = {**os.environ, "WA_ASSIST_EXIT_WHEN_READY": "1", "TERM": os.environ.get("TERM", "xterm-256color")}

    app_cmd = [sys.executable, "-m", "wa_assist"]
    base_cmd = [sys.executable, "-c", "import textual.app"]
    in_terminal(app_cmd, env)  # warm the knowledge cache
    a, b = [], []
    for _ in range(args.runs):  # interleaved, so both see the same machine state
        a.append(in_terminal(app_cmd, env))
        start = time.perf_counter()
        subprocess.run(base_cmd, env=env, check=True)
        b.append(time.perf_counter() - start)
    print("1. whole process, launch to first question (pseudo-terminal 120x40, warm cache)")
    print(f"   wa-assist                    {fmt(a)}")
    print(f"   python -c 'import textual'   {fmt(b)}")
    print(f"   goal < 1000 ms: {'met' if statistics.median(a) < 1.0 else 'NOT met'}")
    c = in_process(args.runs)
    print("2. in process, make_app to first question drawn (run_test, headless)")
    print(f"   first run {c[0] * 1000:.1f} ms (imports included); later runs {fmt(c[1:] or c)}")


if __name__ == "__main__":
    main()
