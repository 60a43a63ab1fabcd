"""Import every seed, score against the gold answers, print the table and the time.

    python scripts/bench_import.py [--seeds DIR] [--gold DIR] [--out DIR]
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time
from pathlib import Path

from dondoc.importer import read_plan

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--seeds", default=str(SHARED / "seeds"))
    ap.add_argument("--gold", default=str(SHARED / "benchmark" / "gold"))
    ap.add_argument("--out", default=str(ROOT / "var" / "bench-import"))
    ap.add_argument("--repeat", type=int, default=20, help="copies for the concatenation (scaling) check")
    a = ap.parse_args()
    seeds = sorted(Path(a.seeds).glob("*.txt"))
    if not seeds:
        print(f"Không có tệp mẫu trong {a.seeds}", file=sys.stderr)
        return 1
    out = Path(a.out)
    out.mkdir(parents=True, exist_ok=True)
    texts = [s.read_bytes() for s in seeds]
    start = time.perf_counter()
    plans = [read_plan(data, s.name) for s, data in zip(seeds, texts, strict=True)]
    one_pass = time.perf_counter() - start
    for s, plan in zip(seeds, plans, strict=True):
        (out / f"{s.stem}.json").write_text(json.dumps(plan.to_dict(), ensure_ascii=False, indent=1), "utf-8")
    scorer = Path(a.gold).parent / "score.py"
    subprocess.run([sys.executable, str(scorer), "--gold-dir", a.gold, "--pred-dir", str(out)], check=True)
    big = b"\n".join(texts) * a.repeat
    start = time.perf_counter()
    concatenated = read_plan(big, "concatenated.txt")
    concat = time.perf_counter() - start
    tasks = sum(len(p.tasks) for p in plans)
    print(f"TIME five seeds, one process: {one_pass:.3f} s")
    print(f"TIME five seeds concatenated x{a.repeat} ({len(big) / 1e6:.1f} MB): {concat:.3f} s "
          f"= {concat / one_pass:.1f}x one pass (goal < {a.repeat + 5}x); "
          f"tasks {len(concatenated.tasks)} = {len(concatenated.tasks) / max(tasks, 1):.2f}x one pass")
    return 0


if __name__ == "__main__":
    sys.exit(main())
