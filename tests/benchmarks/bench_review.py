"""Benchmark of `wa-assist review` against what users run today. Prints figures; asserts nothing.

    python tests/benchmarks/bench_review.py [--runs N] [--cfnlint-runs N]

1. Whole process, one template: ``wa-assist review T --format json`` (warm knowledge cache) against
   ``cfn-lint T --append-rules cfn_lint_serverless.rules`` from the same environment: medians and their ratio
   (goal: at most 1.0x). It also checks coverage on every realistic fixture: each finding the Serverless Rules
   report (WSxxxx/ESxxxx, as rule and resource) must be among review's findings (same number, WA prefix).
2. A folder of 100 templates in one ``wa-assist review`` against 100 separate cfn-lint runs (goal: at least
   5x faster). cfn-lint is timed ``--cfnlint-runs`` times (default 10) and the median scaled to 100 runs;
   ``--cfnlint-runs 100`` times all of them.
"""

from __future__ import annotations

import argparse
import json
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
REALISTIC = ROOT / "tests" / "review" / "fixtures" / "realistic"
TEMPLATES = sorted([*REALISTIC.glob("*.yaml"), *REALISTIC.glob("*.json"), REALISTIC / "stock-trader" / "template.yaml"])
SINGLE = REALISTIC / "crud-api.yaml"


def cfnlint_cmd(template: Path, fmt: str | None = None) -> list[str]:
    exe = shutil.which("cfn-lint", path=str(Path(sys.executable).parent)) or "cfn-lint"
    cmd = [exe, str(template), "--append-rules", "cfn_lint_serverless.rules"]
    return [*cmd, "--format", fmt] if fmt else cmd


def review_cmd(*paths: Path | str) -> list[str]:
    return [sys.executable, "-m", "wa_assist", "review", *map(str, paths), "--format", "json", "--fail-on", "never"]


def timed(cmd: list[str], runs: int, env: dict[str, str]) -> list[float]:
    out = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run(cmd, env=env, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False)
        out.append(time.perf_counter() - start)
    return out


def fmt(values: list[float]) -> str:
    return f"median {statistics.median(values) * 1000:8.1f} ms  (min {min(values) * 1000:.1f}, max {max(values) * 1000:.1f})"


def _dead_letter_queues(template: Path) -> set[str]:
    sys.path.insert(0, str(ROOT))
    from wa_assist.review.checks.common import dead_letter_targets
    from wa_assist.review.template import load

    return dead_letter_targets(load(template))


def coverage(env: dict[str, str]) -> tuple[int, list[str], list[str]]:
    """Serverless Rules findings over the fixtures; those review leaves out on purpose; those it misses.

    On purpose: ES6000 on a queue that is itself a dead-letter queue (serverless-rules means to exempt those,
    issue #79, but misses a RedrivePolicy written as a mapping).
    """
    total = 0
    missed = []
    deliberate = []
    for template in TEMPLATES:
        lint = subprocess.run(cfnlint_cmd(template, "json"), env=env, cwd=ROOT, capture_output=True, text=True)
        theirs = {
            (m["Rule"]["Id"], m["Location"]["Path"][1])
            for m in json.loads(lint.stdout or "[]")
            if m["Rule"]["Id"][:2] in ("WS", "ES") and len(m["Location"].get("Path") or []) > 1
        }
        ours_run = subprocess.run(review_cmd(template), env=env, cwd=ROOT, capture_output=True, text=True)
        ours = {(f["check"], f["resource"]) for f in json.loads(ours_run.stdout)["findings"]}
        total += len(theirs)
        dlqs = _dead_letter_queues(template)
        for rule, res in sorted(theirs):
            if ("WA" + rule[2:], res) in ours:
                continue
            (deliberate if rule == "ES6000" and res in dlqs else missed).append(f"{template.name}: {rule} on {res}")
    return total, deliberate, missed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--cfnlint-runs", type=int, default=10)
    args = parser.parse_args()
    cache = tempfile.mkdtemp(prefix="wa-assist-bench-")
    env = as_installed({**os.environ, "WA_ASSIST_CACHE_DIR": cache, "PYTHONPATH": str(ROOT)})
    env.pop("WA_ASSIST_KNOWLEDGE", None)
    folder = Path(tempfile.mkdtemp(prefix="wa-assist-bench-templates-"))
    try:
        subprocess.run(review_cmd(SINGLE), env=env, cwd=ROOT, capture_output=True, check=False)  # warm the cache

        print(f"1. one template ({SINGLE.relative_to(ROOT)}), whole process, {args.runs} runs")
        ours = timed(review_cmd(SINGLE), args.runs, env)
        theirs = timed(cfnlint_cmd(SINGLE), args.runs, env)
        print(f"   wa-assist review                                   {fmt(ours)}")
        print(f"   cfn-lint --append-rules cfn_lint_serverless.rules  {fmt(theirs)}")
        print(f"   ratio review / cfn-lint: {statistics.median(ours) / statistics.median(theirs):.2f}x (goal <= 1.0x)")
        total, deliberate, missed = coverage(env)
        print(
            f"   Serverless Rules findings on {len(TEMPLATES)} realistic templates: {total}; review reports "
            f"{total - len(deliberate) - len(missed)}, leaves out {len(deliberate)} on purpose, misses {len(missed)}"
        )
        for line in deliberate:
            print(f"     on purpose (a dead-letter queue needs no redrive policy): {line}")
        for line in missed:
            print(f"     missed: {line}")

        for i in range(100):
            source = TEMPLATES[i % len(TEMPLATES)]
            target = folder / f"stack{i:03d}" / ("template.json" if source.suffix == ".json" else "template.yaml")
            target.parent.mkdir()
            shutil.copy(source, target)
            if source.parent.name == "stock-trader":
                shutil.copytree(source.parent / "statemachine", target.parent / "statemachine")
        print("2. a folder of 100 templates")
        ours = timed(review_cmd(folder), max(3, args.runs // 2), env)
        runs = max(1, min(args.cfnlint_runs, 100))
        one = []
        for i in range(runs):
            stack = sorted(folder.iterdir())[i * (100 // runs)]
            one += timed(cfnlint_cmd(next(stack.glob("template.*"))), 1, env)
        hundred = statistics.median(one) * 100
        print(f"   wa-assist review FOLDER (one run)                  {fmt(ours)}")
        scaled = "" if runs == 100 else f", median of {runs} runs x 100"
        print(f"   100 x cfn-lint                                     {hundred * 1000:8.1f} ms{scaled}")
        print(f"   speed-up: {hundred / statistics.median(ours):.1f}x (goal >= 5x)")
    finally:
        shutil.rmtree(cache, ignore_errors=True)
        shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()
