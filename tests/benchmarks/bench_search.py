"""Benchmark of lookup speed. Prints figures; asserts nothing (speed is measured, not tested).

    python tests/benchmarks/bench_search.py [--runs N]

1. Whole-process ``wa-assist search`` on the shipped base (cached index) against the same interpreter's
   ``python -c "import rapidfuzz, yaml"``: medians and their ratio (goal: at most 1.5x).
2. In-process query time on the shipped base (goal: under 5 ms).
3. 10,000 synthetic entries given as extra guidance: first load (parse and validate), cached load, and
   query time (goals: cached load under 1 s, query under 50 ms).
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

QUERIES = [
    "dead letter queue",
    "idempotncy",
    "xray",
    "provisioned concurrency",
    "dlq retries",
    "api keys",
    "kinesis batch window",
    "cold start",
    "TTL",
    "blue green deployment",
]


def timed(cmd: list[str], runs: int, env: dict[str, str]) -> list[float]:
    out = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False)
        out.append(time.perf_counter() - start)
    return out


def fmt(values: list[float]) -> str:
    return f"median {statistics.median(values) * 1000:7.1f} ms  (min {min(values) * 1000:.1f}, max {max(values) * 1000:.1f})"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=21)
    parser.add_argument("--entries", type=int, default=10_000)
    args = parser.parse_args()
    cache = tempfile.mkdtemp(prefix="wa-assist-bench-")
    env = as_installed({**os.environ, "WA_ASSIST_CACHE_DIR": cache})
    env.pop("WA_ASSIST_KNOWLEDGE", None)
    try:
        exe = shutil.which("wa-assist") or ""
        search_cmd = [exe] if exe else [sys.executable, "-m", "wa_assist"]
        search_cmd += ["search", "idempotency", "--format", "json"]
        base_cmd = [sys.executable, "-c", "import rapidfuzz, yaml"]
        subprocess.run(search_cmd, env=env, capture_output=True, check=True)  # build the cache once
        a, b = [], []
        for _ in range(args.runs):  # interleave so both see the same machine state
            a += timed(search_cmd, 1, env)
            b += timed(base_cmd, 1, env)
        print("1. whole process, shipped base")
        print(f"   wa-assist search             {fmt(a)}")
        print(f"   python -c 'import rapidfuzz, yaml' {fmt(b)}")
        print(f"   ratio of medians: {statistics.median(a) / statistics.median(b):.2f}x (goal <= 1.5x)")

        os.environ["WA_ASSIST_CACHE_DIR"] = cache
        from wa_assist.search import load_index

        index = load_index()
        per_query = []
        for _ in range(20):
            for q in QUERIES:
                start = time.perf_counter()
                index.search(q, limit=10)
                per_query.append(time.perf_counter() - start)
        print(f"2. in-process query, shipped base ({len(index.ids)} entries): {fmt(per_query)} (goal < 5 ms)")

        import yaml

        sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
        from tests.benchmarks.synthetic import synthetic_entries

        folder = Path(tempfile.mkdtemp(prefix="wa-assist-synthetic-"))
        entries = synthetic_entries(args.entries)
        per_file = 1000
        for n in range(0, len(entries), per_file):
            chunk = [
                e.model_dump(mode="json", exclude_none=True, exclude_defaults=True) for e in entries[n : n + per_file]
            ]
            for item in chunk:
                item["kind"], item["pillars"] = item.get("kind"), item.get("pillars")
            (folder / f"synthetic-{n // per_file:02d}.yaml").write_text(
                yaml.safe_dump({"entries": chunk}, sort_keys=False)
            )
        start = time.perf_counter()
        big = load_index([folder])
        first = time.perf_counter() - start
        cached = []
        for _ in range(5):
            start = time.perf_counter()
            big = load_index([folder])
            cached.append(time.perf_counter() - start)
        big_queries = []
        for q in QUERIES:
            for _ in range(3):
                start = time.perf_counter()
                big.search(q, limit=10)
                big_queries.append(time.perf_counter() - start)
        print(f"3. {len(big.ids)} entries ({args.entries} synthetic):")
        print(f"   first load (parse, validate, index, write cache): {first * 1000:.0f} ms")
        print(f"   cached load: {fmt(cached)} (goal < 1 s)")
        print(f"   query: {fmt(big_queries)} (goal < 50 ms)")
        shutil.rmtree(folder, ignore_errors=True)
    finally:
        shutil.rmtree(cache, ignore_errors=True)


if __name__ == "__main__":
    main()
