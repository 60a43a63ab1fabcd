#!/usr/bin/env python3
"""Run every atheris target of scripts/fuzz_import.py, a few at a time, and tabulate the results.

    python scripts/fuzz_bench.py                        # each target 300 s (`make bench-fuzz`)
    python scripts/fuzz_bench.py --seconds 60 --jobs 2  # shorter
    python scripts/fuzz_bench.py --runs 100000          # the CI plan: 100,000 inputs split by CI_SHARES
    python scripts/fuzz_bench.py --targets deadline,grid --seconds 600 --keep var/fuzz

Each target runs in a process of its own (libFuzzer owns its process); --jobs of them at
once (default: the number of cores). The table gives per target the inputs run, inputs per
second (over the wall time of the run, start-up included), the inputs libFuzzer kept as new
coverage, its peak memory, and any crash: a crash's input is kept under --keep (default a
temporary directory, removed unless something crashed) and the run exits 1.

tests/importer/test_fuzz_atheris.py imports this module for the CI-bounded run.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
HARNESS = ROOT / "scripts" / "fuzz_import.py"
# The CI plan: each target's share of the inputs. The stage targets run thousands of inputs a
# second, whole documents tens to hundreds: the shares keep every target at 10-20 s of one core.
CI_SHARES = {
    "deadline": 0.38, "textkey": 0.32, "agencies": 0.08, "targets": 0.06, "grid": 0.06,
    "text": 0.05, "body": 0.03, "all": 0.02,
}  # fmt: skip
# Measured on 2 shared cores (inputs/s): the time limit of a bounded run is its runs at a quarter
# of this, plus a minute. A bound against hangs, not a benchmark.
EXPECTED_RATE = {"deadline": 2500, "textkey": 8000, "agencies": 700, "targets": 450, "grid": 400, "text": 500,
                 "body": 250, "all": 80}
PER_INPUT_TIMEOUT = {"all": 60, "text": 30}  # libFuzzer's -timeout (s) for one input; 20 for the others


@dataclass
class Result:
    target: str
    returncode: int | None
    executed: int = 0
    wall_seconds: float = 0.0
    rate: float = 0.0
    new_units: int = 0
    peak_rss_mb: int = 0
    crashes: list[str] = field(default_factory=list)
    log_tail: str = ""

    @property
    def ok(self) -> bool:
        return self.returncode == 0 and not self.crashes


def ci_plan(total: int) -> dict[str, int]:
    """Runs per target so that they add up to at least `total`."""
    return {t: math.ceil(total * share) for t, share in CI_SHARES.items()}


def parse_stats(log: str) -> dict[str, int]:
    """libFuzzer's final statistics (-print_final_stats=1): stat::name: value."""
    return {m.group(1): int(m.group(2)) for m in re.finditer(r"stat::(\w+):\s*(\d+)", log)}


def command(target: str, workdir: Path, *, runs: int | None = None, seconds: int | None = None,
            seed: int = 1) -> list[str]:
    cmd = [sys.executable, str(HARNESS), "--target", target, "--corpus", str(workdir / "corpus"),
           f"-seed={seed}", f"-timeout={PER_INPUT_TIMEOUT.get(target, 20)}",
           f"-artifact_prefix={workdir / 'artifacts'}/"]
    if runs is not None:
        cmd.append(f"-runs={runs}")
    if seconds is not None:
        cmd.append(f"-max_total_time={seconds}")
    return cmd


def run_target(target: str, workdir: Path, *, runs: int | None = None, seconds: int | None = None,
               seed: int = 1, timeout: float | None = None) -> Result:
    workdir = workdir.resolve()  # libFuzzer runs in it: every path it is given must be absolute
    workdir.mkdir(parents=True, exist_ok=True)
    (workdir / "artifacts").mkdir(exist_ok=True)
    if timeout is None:
        expected = (runs or 0) / (EXPECTED_RATE.get(target, 100) / 4)
        timeout = 60 + max(expected, 2 * (seconds or 0))
    start, started = time.monotonic(), time.time() - 1
    try:
        proc = subprocess.run(command(target, workdir, runs=runs, seconds=seconds, seed=seed), cwd=workdir,
                              capture_output=True, text=True, errors="replace", timeout=timeout,
                              env={**os.environ, "PYTHONHASHSEED": "0"})
        log, code = proc.stderr + proc.stdout, proc.returncode
    except subprocess.TimeoutExpired as exc:
        out = exc.stderr or b""
        log = (out.decode("utf-8", "replace") if isinstance(out, bytes) else out) + f"\n[killed after {timeout:.0f} s]"
        code = None
    wall = time.monotonic() - start
    log = "".join(line for line in log.splitlines(keepends=True) if not line.startswith("INFO: Instrumenting"))
    stats = parse_stats(log)
    executed = stats.get("number_of_executed_units", 0)
    # Only this run's: with --keep a directory may hold an earlier run's inputs too.
    crashes = sorted(str(p) for p in (workdir / "artifacts").iterdir() if p.stat().st_mtime >= started)
    return Result(target, code, executed, round(wall, 1), round(executed / wall, 1) if wall else 0.0,
                  stats.get("new_units_added", 0), stats.get("peak_rss_mb", 0), crashes, log[-6000:])


def run_all(plan: dict[str, int | None], workdir: Path, *, seconds: int | None = None, jobs: int = 2,
            seed: int = 1) -> list[Result]:
    """Every target of `plan` (target -> runs, or None to run for `seconds`), `jobs` at a time, slowest first."""
    order = sorted(plan, key=lambda t: -(plan[t] or 0) / EXPECTED_RATE.get(t, 100))
    with ThreadPoolExecutor(max_workers=max(jobs, 1)) as pool:
        futures = {t: pool.submit(run_target, t, workdir / t, runs=plan[t], seconds=seconds, seed=seed)
                   for t in order}
        return [futures[t].result() for t in plan]


def table(results: list[Result], wall: float) -> str:
    lines = [f"{'target':<10} {'inputs':>10} {'inputs/s':>9} {'wall s':>7} {'new units':>9} {'rss MB':>7}  result",
             "-" * 72]
    for r in results:
        verdict = "ok" if r.ok else (f"CRASH {len(r.crashes)}" if r.crashes else f"exit {r.returncode}")
        lines.append(f"{r.target:<10} {r.executed:>10,} {r.rate:>9,.0f} {r.wall_seconds:>7.1f} {r.new_units:>9,} "
                     f"{r.peak_rss_mb:>7}  {verdict}")
    total = sum(r.executed for r in results)
    lines += ["-" * 72, f"{'total':<10} {total:>10,}   wall {wall:.0f} s"]
    return "\n".join(lines)


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seconds", type=int, default=int(os.environ.get("FUZZ_SECONDS", "300")),
                        help="time per target (default 300, or $FUZZ_SECONDS)")
    parser.add_argument("--runs", type=int, help="instead of --seconds: this many inputs in all, split as in CI")
    parser.add_argument("--targets", help="comma-separated targets (default: all of them)")
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 2)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--keep", type=Path, help="keep corpora and crashes here")
    parser.add_argument("--json", type=Path, help="write the results as JSON")
    args = parser.parse_args(argv[1:])
    targets = args.targets.split(",") if args.targets else list(CI_SHARES)
    if args.runs:
        plan: dict[str, int | None] = {t: n for t, n in ci_plan(args.runs).items() if t in targets}
        seconds = None
    else:
        plan, seconds = dict.fromkeys(targets), args.seconds
    workdir = args.keep or Path(tempfile.mkdtemp(prefix="dondoc-fuzz-bench-"))
    print(f"fuzz_bench: {', '.join(plan)}; " + (f"{seconds} s each" if seconds else f"{args.runs:,} inputs")
          + f", {args.jobs} at a time, in {workdir}", flush=True)
    start = time.monotonic()
    results = run_all(plan, workdir, seconds=seconds, jobs=args.jobs, seed=args.seed)
    print(table(results, time.monotonic() - start))
    for r in results:
        if not r.ok:
            print(f"\n--- {r.target}: exit {r.returncode}, crashes {r.crashes}\n{r.log_tail[-3000:]}")
    if args.json:
        args.json.write_text(json.dumps([asdict(r) for r in results], indent=1), encoding="utf-8")
    failed = any(not r.ok for r in results)
    if not args.keep and not failed:
        shutil.rmtree(workdir, ignore_errors=True)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
