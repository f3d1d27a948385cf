"""Benchmark of ``wa-assist ask``. Prints figures; asserts nothing (speed is measured, not tested).

    python tests/benchmarks/bench_ask.py [--runs N]

1. Whole-process ``wa-assist ask`` and ``wa-assist search`` on the shipped base (cached index) against
   the same interpreter's ``python -c "import rapidfuzz, yaml"``: medians and their ratios (goal: at
   most 1.5x each).
2. Whole-process ``wa-assist ask --profile`` (the knowledge base, the profile and the engine are loaded
   too) against the same baseline, to show what answering about a workload costs.
3. In-process time per question, without and with a profile (goal: under 20 ms).
4. The modules the warm ``ask`` path imports (goal: no pydantic, Textual or Copier).
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
from tests.benchmarks.installed import as_installed

ROOT = Path(__file__).resolve().parents[2]
QUESTIONS = [
    "the first call after a deploy takes three seconds",
    "how do I stop paying for logs nobody reads",
    "can I keep user sessions for 30 minutes and then drop them",
    "someone could flood my api and run up my bill",
    "what happens if lambda runs longer than the api waits",
    "how do I bake bread",
]


def once(cmd: list[str], env: dict[str, str]) -> float:
    start = time.perf_counter()
    subprocess.run(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False, cwd=ROOT)
    return time.perf_counter() - start


def fmt(values: list[float]) -> str:
    return f"median {statistics.median(values) * 1000:7.1f} ms  (min {min(values) * 1000:.1f}, max {max(values) * 1000:.1f})"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=21)
    args = parser.parse_args()
    cache = tempfile.mkdtemp(prefix="wa-assist-bench-")
    env = as_installed({**os.environ, "WA_ASSIST_CACHE_DIR": cache})
    env.pop("WA_ASSIST_KNOWLEDGE", None)
    profile = str(ROOT / "examples" / "orders-api.yaml")
    try:
        wa = [sys.executable, "-m", "wa_assist"]  # this checkout's code, run from its root
        commands = {
            "wa-assist ask": [*wa, "ask", QUESTIONS[0], "--format", "json"],
            "wa-assist search": [*wa, "search", "idempotency", "--format", "json"],
            "wa-assist ask --profile": [*wa, "ask", QUESTIONS[0], "--profile", profile, "--format", "json"],
            "import rapidfuzz, yaml": [sys.executable, "-c", "import rapidfuzz, yaml"],
        }
        for cmd in commands.values():  # build the caches once
            subprocess.run(cmd, env=env, capture_output=True, check=False, cwd=ROOT)
        times: dict[str, list[float]] = {name: [] for name in commands}
        for _ in range(args.runs):  # interleaved, so every command sees the same machine state
            for name, cmd in commands.items():
                times[name].append(once(cmd, env))
        base = statistics.median(times["import rapidfuzz, yaml"])
        print("1-2. whole process, shipped base, warm cache")
        for name, values in times.items():
            ratio = "" if name.startswith("import") else f"  {statistics.median(values) / base:.2f}x"
            print(f"   {name:26} {fmt(values)}{ratio}")
        print("   goal: ask and search at most 1.5x the import; ask --profile is shown for its cost")

        os.environ["WA_ASSIST_CACHE_DIR"] = cache
        sys.path.insert(0, str(ROOT))
        from wa_assist.ask import answer
        from wa_assist.engine import recommend
        from wa_assist.kb import load_knowledge
        from wa_assist.profile import load_profile
        from wa_assist.search import load_index

        index = load_index()
        kb = load_knowledge()
        result = recommend(kb, load_profile(profile, kb.questions))
        plain, with_profile = [], []
        for _ in range(20):
            for q in QUESTIONS:
                start = time.perf_counter()
                answer(index, q)
                plain.append(time.perf_counter() - start)
                start = time.perf_counter()
                answer(index, q, kb=kb, result=result)
                with_profile.append(time.perf_counter() - start)
        print("3. in process, per question (goal < 20 ms)")
        print(f"   without a profile      {fmt(plain)}")
        print(f"   with the engine result {fmt(with_profile)}")
        start = time.perf_counter()
        for _ in range(10):
            recommend(kb, load_profile(profile, kb.questions))
        print(f"   the engine for a profile (once per session): {(time.perf_counter() - start) * 100:.1f} ms")

        code = (
            "import sys; from wa_assist.cli import main; main(['ask', 'why is the first call slow', '--format', 'json']);"
            "print(sorted(m for m in ('pydantic', 'textual', 'copier', 'rich', 'wa_assist.engine') if m in sys.modules),"
            " file=sys.stderr)"
        )
        out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, cwd=ROOT)
        print(f"4. heavy modules imported by a warm ask: {out.stderr.strip().splitlines()[-1]} (goal: [])")
    finally:
        shutil.rmtree(cache, ignore_errors=True)


if __name__ == "__main__":
    main()
