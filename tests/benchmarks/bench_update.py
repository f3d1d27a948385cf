"""Time an answers-only `wa-assist update` of a generated, edited project against `wa-assist new` for it.

    python tests/benchmarks/bench_update.py [--runs N]

Each update starts from a fresh copy of the same edited project (copied outside the timing) and changes
three answers (auth, multi_step, traffic), which rewrites, merges and adds files and leaves one conflict.
Both commands run as whole processes, as a user runs them. Prints medians; asserts nothing.
The goal: update at most 2x the time of `wa-assist new`.
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
PROFILE = ROOT / "examples" / "orders-api.yaml"
CHANGES = ["--set", "auth=cognito", "--set", "multi_step=true", "--set", "traffic=steady"]


def timed(cmd: list[str], env: dict[str, str], ok: tuple[int, ...] = (0,)) -> float:
    start = time.perf_counter()
    proc = subprocess.run(cmd, capture_output=True, text=True, stdin=subprocess.DEVNULL, env=env, cwd=ROOT)
    elapsed = time.perf_counter() - start
    if proc.returncode not in ok:
        raise SystemExit(f"{' '.join(cmd[:5])} failed ({proc.returncode}): {proc.stderr[-2000:]}")
    return elapsed


def edit(project: Path) -> None:
    template = project / "template.yaml"
    text = template.read_text(encoding="utf-8")
    text = text.replace("ProvisionedConcurrentExecutions: 80", "ProvisionedConcurrentExecutions: 40")
    text = text.replace("\nOutputs:\n", "\n  AuditQueue:\n    Type: AWS::SQS::Queue\n\nOutputs:\n", 1)
    template.write_text(text, encoding="utf-8")
    readme = project / "README.md"
    readme.write_text(readme.read_text(encoding="utf-8") + "\n## Operations\nPage the on-call.\n", encoding="utf-8")
    (project / "docs").mkdir()
    (project / "docs" / "runbook.md").write_text("# Runbook\n", encoding="utf-8")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=9)
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="bench-update-"))
    env = as_installed({**os.environ, "WA_ASSIST_CACHE_DIR": str(work / "cache")})
    cli = [sys.executable, "-m", "wa_assist"]
    new = [*cli, "new"]
    try:
        timed([*new, str(work / "warm"), "--profile", str(PROFILE), "--set", "auth=iam"], env)  # fills the caches
        edited = work / "edited"
        shutil.copytree(work / "warm", edited)
        edit(edited)
        timed([*cli, "update", str(shutil.copytree(edited, work / "u-warm")), *CHANGES], env, ok=(0, 1))
        news, updates = [], []
        for i in range(args.runs):  # interleaved, so both see the same machine
            news.append(timed([*new, str(work / f"n{i}"), "--profile", str(PROFILE), "--set", "auth=iam"], env))
            target = shutil.copytree(edited, work / f"u{i}")
            updates.append(timed([*cli, "update", str(target), *CHANGES], env, ok=(0, 1)))
        files = sum(1 for p in edited.rglob("*") if p.is_file())
        print(f"orders-api, {files} files, answers-only update (3 answers), median of {args.runs} runs each")
        print(f"  wa-assist new    : {statistics.median(news):.3f} s (min {min(news):.3f}, max {max(news):.3f})")
        print(
            f"  wa-assist update : {statistics.median(updates):.3f} s (min {min(updates):.3f}, max {max(updates):.3f})"
        )
        print(f"  ratio of medians : {statistics.median(updates) / statistics.median(news):.2f}x (goal <= 2.00x)")
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
