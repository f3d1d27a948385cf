"""Time `wa-assist new` for a rest-api project (whole process) against a cookiecutter copy of the same files.

Run: python tests/benchmarks/bench_new.py [--runs N]. Prints the median of N runs of each. The
cookiecutter side copies an already rendered project from a local folder (no Jinja in it), which is the
floor for any template-based generator started as a process.
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))


def timed(cmd: list[str], cwd: Path) -> float:
    start = time.perf_counter()
    proc = subprocess.run(cmd, cwd=cwd, capture_output=True, text=True, stdin=subprocess.DEVNULL)
    elapsed = time.perf_counter() - start
    if proc.returncode != 0:
        raise SystemExit(f"{cmd[:4]} failed: {proc.stderr[-2000:]}")
    return elapsed


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="bench-new-"))
    try:
        new_cmd = [sys.executable, "-m", "wa_assist", "new"]
        timed(new_cmd + [str(work / "warm")], work)  # fills the knowledge cache, as any second run sees
        wa = [timed(new_cmd + [str(work / f"wa{i}")], work) for i in range(args.runs)]

        # The same files as a cookiecutter template copied verbatim from a local folder.
        cc_template = work / "cc-template"
        shutil.copytree(work / "warm", cc_template / "{{cookiecutter.project}}")
        (cc_template / "cookiecutter.json").write_text('{"project": "svc"}', encoding="utf-8")
        (cc_template / "cookiecutter.json").write_text(
            '{"project": "svc", "_copy_without_render": ["*"]}', encoding="utf-8")
        cc_bin = Path(sys.executable).parent / "cookiecutter"
        if not cc_bin.exists():
            print("cookiecutter is not installed: pip install cookiecutter")
            print(f"wa-assist new: median {statistics.median(wa):.3f} s over {args.runs} runs")
            return 0
        cc = [timed([str(cc_bin), "--no-input", "-f", "-o", str(work / f"cc{i}"), str(cc_template)], work)
              for i in range(args.runs)]
        med_wa, med_cc = statistics.median(wa), statistics.median(cc)
        print(f"wa-assist new      : median {med_wa:.3f} s over {args.runs} runs")
        print(f"cookiecutter copy  : median {med_cc:.3f} s over {args.runs} runs")
        print(f"ratio              : {med_wa / med_cc:.2f}x (target <= 0.80x)")
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
