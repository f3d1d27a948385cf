"""Time `wa-assist new` for a rest-api project (whole process) against `sam init --location` copying the
same files from a local cookiecutter template.

    python tests/benchmarks/bench_new.py [--runs N] [--sam PATH]

The cookiecutter template holds the already rendered project (copied without rendering), which is the
floor for a generator started as a process. `sam` is the AWS SAM CLI (`pip install aws-sam-cli`, best in
its own virtual environment; pass its path with --sam or put it on PATH). Without it the comparison
falls back to the `cookiecutter` command that SAM CLI uses underneath. Prints medians; asserts nothing.
The goal: `wa-assist new` at most 0.8x the time of `sam init --location`.
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
PROFILE = ROOT / "examples" / "orders-api.yaml"


def timed(cmd: list[str], cwd: Path, env: dict[str, str]) -> float:
    start = time.perf_counter()
    proc = subprocess.run(cmd, cwd=cwd, capture_output=True, text=True, stdin=subprocess.DEVNULL, env=env)
    elapsed = time.perf_counter() - start
    if proc.returncode != 0:
        raise SystemExit(f"{' '.join(cmd[:4])} failed: {proc.stderr[-2000:]}")
    return elapsed


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=9)
    parser.add_argument("--sam", default=shutil.which("sam"), help="path of the SAM CLI (default: sam on PATH)")
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="bench-new-"))
    env = as_installed({**os.environ, "WA_ASSIST_CACHE_DIR": str(work / "cache"), "SAM_CLI_TELEMETRY": "0"})
    wa_bin = shutil.which("wa-assist", path=str(Path(sys.executable).parent)) or shutil.which("wa-assist")
    new_cmd = [wa_bin] if wa_bin else [sys.executable, "-m", "wa_assist"]
    try:
        # The first run fills the caches (knowledge, compiled templates), as any later run by a user finds them.
        timed([*new_cmd, "new", str(work / "warm"), "--profile", str(PROFILE)], work, env)
        template = work / "cc-template"
        shutil.copytree(work / "warm", template / "{{cookiecutter.project_name}}")
        (template / "cookiecutter.json").write_text(json.dumps({"project_name": "svc", "_copy_without_render": ["*"]}))

        if args.sam:
            label = "sam init --location"
            other = lambda i: [  # noqa: E731
                args.sam,
                "init",
                "--location",
                str(template),
                "--no-input",
                "--output-dir",
                str(work / f"sam{i}"),
            ]
        else:
            cc_bin = shutil.which("cookiecutter", path=str(Path(sys.executable).parent)) or shutil.which("cookiecutter")
            if not cc_bin:
                print("neither sam nor cookiecutter is installed: pip install aws-sam-cli (or cookiecutter)")
                return 1
            label = "cookiecutter (no sam)"
            other = lambda i: [cc_bin, "--no-input", "-o", str(work / f"cc{i}"), str(template)]  # noqa: E731
        timed(other("warm"), work, env)
        ours, theirs = [], []
        for i in range(args.runs):  # interleaved, so both see the same machine
            ours.append(timed([*new_cmd, "new", str(work / f"wa{i}"), "--profile", str(PROFILE)], work, env))
            theirs.append(timed(other(i), work, env))
        files = sum(1 for p in (work / "warm").rglob("*") if p.is_file())
        print(f"rest-api project, {files} files, median of {args.runs} runs each")
        print(f"  wa-assist new        : {statistics.median(ours):.3f} s (min {min(ours):.3f}, max {max(ours):.3f})")
        print(f"  {label:<21}: {statistics.median(theirs):.3f} s (min {min(theirs):.3f}, max {max(theirs):.3f})")
        pairs = sorted(a / b for a, b in zip(ours, theirs))
        print(f"  ratio of medians     : {statistics.median(ours) / statistics.median(theirs):.2f}x (goal <= 0.80x)")
        print(
            f"  ratio, run by run    : median {statistics.median(pairs):.2f}x (min {pairs[0]:.2f}, max {pairs[-1]:.2f})"
        )
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
