"""One-stop-shop dossiers at province scale: generate an export, import it, re-import part of it, then compute
every indicator for every agency three ways (dondoc, hand-written DuckDB SQL, straightforward pandas), check that
the three agree and time them.

    python scripts/bench_dossiers.py [--rows 10000000] [--window q3|9m] [--repeat 3] [--dir DIR] [--keep]
    python scripts/bench_dossiers.py --store DIR/store [--window q3|9m] [--repeat 5]   # indicators only

Steps (each timed; ``make bench-dossiers`` runs it after installing the ``bench`` extra, pandas + pyarrow):

1. ``generate.generate`` over ``province_agencies()`` (250 agencies) for 2025, written as a CSV export;
2. ``pipeline.import_export`` of that file into a new ``DossierStore``; then a re-import of the last 10% of the
   rows with statuses changed, which must update (same count, ``updated`` = the slice) and not duplicate;
3. the indicators of one window for all agencies: ``compute.compute(..., by="agency")`` (which reads the store's
   daily sums and finished-by-day file), the same two SQL statements run bare (its floor), a DuckDB query written
   here from the formulas of ``metrics.py`` over the store's dossiers, and pandas over the dossiers
   (``read_parquet``, timed apart, then masks and ``groupby``); one warm-up, then ``--repeat`` rounds of them in
   turn, the median of each (wall and CPU time). Counts must agree
   exactly and rates and averages within 1e-6 for every agency, else the script stops with an error.

The work folder (default: a new temporary folder under ./var/bench-dossiers) is deleted at the end unless --keep.
"""

from __future__ import annotations

import argparse
import math
import re
import resource
import shutil
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Mapping
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import duckdb
import polars as pl

from dondoc.indicators import metrics
from dondoc.indicators.dossiers import generate, schema

ROOT = Path(__file__).resolve().parents[1]

YEAR_START, YEAR_END = date(2025, 1, 1), date(2025, 12, 31)
WINDOWS = {
    "q3": ("Quý III", date(2025, 6, 15), date(2025, 9, 14)),
    "9m": ("9 tháng", date(2024, 12, 15), date(2025, 9, 14)),
}
# The re-import: the export of the next working day, covering the last 10% of the rows again.
UPDATE_FINISHED = "02/01/2026 09:00"
UPDATE_RETURNED = "02/01/2026 10:00"
TOLERANCE = 1e-6

COUNT_CODES = ["received", "finished", "judged", "early", "on_time", "late", "open", "open_overdue", "apology",
               "online", "full_online", "postal", "dossier_digitised", "result_digitised", "rated", "satisfied",
               "rejected", "withdrawn"]
FLOAT_CODES = ["on_time_rate", "apology_rate", "online_rate", "full_online_rate", "postal_rate",
               "dossier_digitised_rate", "result_digitised_rate", "satisfaction_rate", "avg_processing_days",
               "median_processing_days"]
# Declared counter staff: none in the benchmark, so both are None everywhere.
NONE_CODES = ["officers", "dossiers_per_officer"]
assert set(COUNT_CODES + FLOAT_CODES + NONE_CODES) == set(metrics.METRIC_BY_CODE), "metrics.py changed"


def peak_rss_gb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024 / 1024  # KiB on Linux


def log(msg: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {msg}  (peak RSS {peak_rss_gb():.2f} GB)", flush=True)


def timed(fn: Callable[..., Any], *args: Any) -> tuple[float, Any]:
    t = time.perf_counter()
    out = fn(*args)
    return time.perf_counter() - t, out


# --- 1. the export -------------------------------------------------------------------------------------------------

def update_slice(frame: pl.DataFrame) -> tuple[pl.DataFrame, int]:
    """The last 10% of the export as the next day's export shows it: open dossiers finished (and those finished
    but not handed over, handed over). Returns the slice and how many open dossiers it finishes."""
    h = {f.name: f.label for f in schema.FIELDS}
    part = frame.tail(max(1, frame.height // 10))
    open_words = [w for w in part[h["status"]].unique().to_list()
                  if schema.STATUS_WORDS[schema.vocab_key(w)] == "processing"]
    is_open = pl.col(h["status"]).is_in(open_words) & (pl.int_range(pl.len()) % 2 == 0)
    waiting = pl.col(h["status"]) == "Chờ trả kết quả"
    finishing = part.select(is_open.sum()).item()
    part = part.with_columns(
        pl.when(is_open).then(pl.lit(UPDATE_FINISHED)).otherwise(pl.col(h["finished_at"])).alias(h["finished_at"]),
        pl.when(is_open | waiting).then(pl.lit(UPDATE_RETURNED)).otherwise(pl.col(h["returned_at"]))
        .alias(h["returned_at"]),
        pl.when(is_open | waiting).then(pl.lit("Đã giải quyết")).otherwise(pl.col(h["status"])).alias(h["status"]),
    )
    return part, finishing


# --- 3b. the indicators in hand-written DuckDB SQL -----------------------------------------------------------------

# metrics.py, read literally. S, E: the window's first and last day; a "date" is the timestamp's date part.
#   received   received in the window (whatever its status)
#   finished   status finished and finished date in the window
#   judged     finished with a due date; early / on_time / late: finished date <, =, > due date
#   open       received by the end of the window, not rejected or withdrawn, and not finished by then
#              (no finished date, or finished after E)
#   open_overdue  open and due date before the end of the window: the window ends at the end of day E, so a
#              due date on E counts (an open dossier due on E is past due when the window closes; finishing on
#              the due date is on time, not finishing by then is late)
#   apology    overdue (late, or open_overdue) with an apology letter
#   online / full_online / postal / dossier_digitised / rejected / withdrawn: received in the window and ...
#   result_digitised, rated, satisfied (rating ≥ 4): of the finished ones
#   processing days: finished − received (timestamps), in days, of the finished ones; average and median
RAW_SQL = """
WITH x AS (
  SELECT agency_id, apology, dossier_digitised, result_digitised, rating, full_online, channel_code, status_code,
         due_day, finished_day, processing_days,
         received_day >= $s AS rec,
         status_code = 1 AND finished_day BETWEEN $s AND $e AS fin,
         status_code < 2 AND (status_code = 0 OR finished_day IS NULL OR finished_day > $e) AS opn
  FROM read_parquet($path)
  WHERE received_day <= $e
), c AS (
  SELECT agency_id,
    count_if(rec) AS received,
    count_if(fin) AS finished,
    count_if(fin AND due_day IS NOT NULL) AS judged,
    count_if(fin AND finished_day < due_day) AS early,
    count_if(fin AND finished_day = due_day) AS on_time,
    count_if(fin AND finished_day > due_day) AS late,
    count_if(opn) AS open,
    count_if(opn AND due_day <= $e) AS open_overdue,
    count_if(apology AND ((fin AND finished_day > due_day) OR (opn AND due_day <= $e))) AS apology,
    count_if(rec AND channel_code = 1) AS online,
    count_if(rec AND full_online) AS full_online,
    count_if(rec AND channel_code = 2) AS postal,
    count_if(rec AND dossier_digitised) AS dossier_digitised,
    count_if(fin AND result_digitised) AS result_digitised,
    count_if(fin AND rating IS NOT NULL) AS rated,
    count_if(fin AND rating >= 4) AS satisfied,
    count_if(rec AND status_code = 2) AS rejected,
    count_if(rec AND status_code = 3) AS withdrawn,
    avg(processing_days) FILTER (WHERE fin) AS avg_processing_days,
    median(processing_days) FILTER (WHERE fin) AS median_processing_days
  FROM x GROUP BY agency_id
)
SELECT *,
  100.0 * (early + on_time) / NULLIF(judged, 0) AS on_time_rate,
  100.0 * apology / NULLIF(late + open_overdue, 0) AS apology_rate,
  100.0 * online / NULLIF(received, 0) AS online_rate,
  100.0 * full_online / NULLIF(received, 0) AS full_online_rate,
  100.0 * postal / NULLIF(received, 0) AS postal_rate,
  100.0 * dossier_digitised / NULLIF(received, 0) AS dossier_digitised_rate,
  100.0 * result_digitised / NULLIF(finished, 0) AS result_digitised_rate,
  100.0 * satisfied / NULLIF(rated, 0) AS satisfaction_rate
FROM c
"""


def raw_sql(path: Path, start: date, end: date) -> dict[int, dict[str, Any]]:
    params = {"path": str(path), "s": start, "e": end}
    with duckdb.connect() as con:
        cur = con.execute(RAW_SQL, params)
        names = [c[0] for c in cur.description]
        rows = cur.fetchall()
    out = {}
    for values in rows:
        rec = dict(zip(names, values, strict=True))
        rec["officers"] = rec["dossiers_per_officer"] = None
        out[int(rec["agency_id"])] = rec
    return out


# --- 3c. the indicators in straightforward pandas ------------------------------------------------------------------

PANDAS_COLUMNS = ["agency_id", "status", "channel", "online_kind", "apology", "dossier_digitised",
                  "result_digitised", "rating", "received_at", "due_at", "finished_at"]


def pandas_load(path: Path, columns: list[str] | None = PANDAS_COLUMNS) -> Any:
    import pandas as pd

    return pd.read_parquet(path, columns=columns)


def pandas_indicators(df: Any, start: date, end: date) -> dict[int, dict[str, Any]]:
    """The same definitions as RAW_SQL, with boolean masks and one groupby."""
    import pandas as pd

    s, e, e_next = pd.Timestamp(start), pd.Timestamp(end), pd.Timestamp(end + timedelta(days=1))
    d = df[df["received_at"] < e_next]
    r = d["received_at"].dt.normalize()
    du = d["due_at"].dt.normalize()
    f = d["finished_at"].dt.normalize()
    status, channel = d["status"], d["channel"]
    rec = r >= s
    fin = (status == "finished") & (f >= s) & (f <= e)
    opn = ~status.isin(["rejected", "withdrawn"]) & (d["finished_at"].isna() | (f > e))
    late = fin & (f > du)
    overdue = opn & (du <= e)

    def flag(name: str) -> Any:
        return d[name].fillna(False).astype(bool)

    online = rec & (channel == "online")
    flags = pd.DataFrame({
        "received": rec,
        "finished": fin,
        "judged": fin & du.notna(),
        "early": fin & (f < du),
        "on_time": fin & (f == du),
        "late": late,
        "open": opn,
        "open_overdue": overdue,
        "apology": flag("apology") & (late | overdue),
        "online": online,
        "full_online": online & (d["online_kind"] == "full"),
        "postal": rec & (channel == "postal"),
        "dossier_digitised": rec & flag("dossier_digitised"),
        "result_digitised": fin & flag("result_digitised"),
        "rated": fin & d["rating"].notna(),
        "satisfied": fin & (d["rating"] >= schema.SATISFIED_FROM),
        "rejected": rec & (status == "rejected"),
        "withdrawn": rec & (status == "withdrawn"),
    })
    counts = flags.groupby(d["agency_id"]).sum()
    days = (d["finished_at"] - d["received_at"])[fin].dt.total_seconds() / 86400.0
    by = d["agency_id"][fin]
    counts["avg_processing_days"] = days.groupby(by).mean()
    counts["median_processing_days"] = days.groupby(by).median()

    def rate(num: Any, den: Any) -> Any:
        return (100.0 * num / den.where(den != 0)).astype("float64")

    counts["on_time_rate"] = rate(counts["early"] + counts["on_time"], counts["judged"])
    counts["apology_rate"] = rate(counts["apology"], counts["late"] + counts["open_overdue"])
    for name in ("online", "full_online", "postal", "dossier_digitised"):
        counts[f"{name}_rate"] = rate(counts[name], counts["received"])
    counts["result_digitised_rate"] = rate(counts["result_digitised"], counts["finished"])
    counts["satisfaction_rate"] = rate(counts["satisfied"], counts["rated"])
    out = {}
    for agency_id, row in zip(counts.index.tolist(), counts.to_dict("records"), strict=True):
        row["officers"] = row["dossiers_per_officer"] = None
        out[int(agency_id)] = row
    return out


# --- agreement -----------------------------------------------------------------------------------------------------

def _num(v: Any) -> float | None:
    if v is None:
        return None
    v = float(v)
    return None if math.isnan(v) else v


def disagreements(a: Mapping[int, Mapping[str, Any]], b: Mapping[int, Mapping[str, Any]]) -> list[str]:
    out = []
    if set(a) != set(b):
        out.append(f"agencies differ: only first {sorted(set(a) - set(b))[:10]}, only second "
                   f"{sorted(set(b) - set(a))[:10]}")
    for agency in sorted(set(a) & set(b)):
        x, y = a[agency], b[agency]
        for code in COUNT_CODES:
            if int(x[code]) != int(y[code]):
                out.append(f"agency {agency} {code}: {x[code]} != {y[code]}")
        for code in FLOAT_CODES + NONE_CODES:
            u, v = _num(x[code]), _num(y[code])
            if (u is None) != (v is None) or (u is not None and abs(u - v) > TOLERANCE):
                out.append(f"agency {agency} {code}: {x[code]!r} != {y[code]!r}")
    return out


# Where metrics.py can be read two ways: how many dossiers of the window each other reading would move.
PROBES = {
    "open at the end, due on the window's last day (open_overdue: due date < E instead of <= E)":
        "status NOT IN ('rejected', 'withdrawn') AND (finished_at IS NULL OR finished_at::DATE > $e) "
        "AND due_at::DATE = $e",
    "not finished by status but with a finished date <= E (open by status instead of by date)":
        "status NOT IN ('finished', 'rejected', 'withdrawn') AND finished_at::DATE <= $e",
    "finished by status without a finished date (counted open)":
        "status = 'finished' AND finished_at IS NULL",
}
# Processing days as elapsed time (what all three compute) and as whole calendar days between the two dates.
DAYS_READINGS = """
SELECT avg((epoch(finished_at) - epoch(received_at)) / 86400.0), avg(date_diff('day', received_at, finished_at))
FROM read_parquet($path)
WHERE received_at < $e_next AND status = 'finished' AND finished_at::DATE BETWEEN $s AND $e
"""


def probes(path: Path, start: date, end: date) -> list[str]:
    lines = []
    values = {"path": str(path), "s": start, "e": end, "e_next": end + timedelta(days=1)}
    with duckdb.connect() as con:
        for label, cond in PROBES.items():
            sql = f"SELECT count(*) FROM read_parquet($path) WHERE received_at < $e_next AND ({cond})"
            params = {k: v for k, v in values.items() if re.search(rf"\${k}\b", sql)}  # DuckDB refuses unused ones
            lines.append(f"{con.execute(sql, params).fetchone()[0]:>10,}  {label}")
        elapsed, whole = con.execute(DAYS_READINGS, values).fetchone()
    if elapsed is not None:
        lines.append(f"{'':>10}  avg processing days, all agencies: {elapsed:.4f} as elapsed time (used), "
                     f"{whole:.4f} in whole calendar days between the dates")
    return lines


# --- the run -------------------------------------------------------------------------------------------------------

def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--rows", type=int, default=10_000_000, help="dossiers generated (default 10,000,000)")
    ap.add_argument("--window", choices=sorted(WINDOWS), default="q3",
                    help="q3: 15/06–14/09/2025 (default); 9m: 15/12/2024–14/09/2025")
    ap.add_argument("--repeat", type=int, default=3, help="timed runs of each indicator computation (median)")
    ap.add_argument("--seed", type=int, default=2025)
    ap.add_argument("--dir", help="work folder (new or empty); default a temporary folder under ./var/bench-dossiers")
    ap.add_argument("--keep", action="store_true", help="keep the work folder (export, store)")
    ap.add_argument("--store", help="the store folder of an earlier --keep run: skip steps 1 and 2")
    a = ap.parse_args()
    if a.dir:
        work = Path(a.dir)
        if work.exists() and any(work.iterdir()):
            print(f"{work} is not empty", file=sys.stderr)
            return 2
        work.mkdir(parents=True, exist_ok=True)
    else:
        (ROOT / "var" / "bench-dossiers").mkdir(parents=True, exist_ok=True)
        work = Path(tempfile.mkdtemp(prefix="run-", dir=ROOT / "var" / "bench-dossiers"))
    try:
        return run(a, work)
    finally:
        if a.keep:
            print(f"work folder kept: {work}")
        else:
            shutil.rmtree(work, ignore_errors=True)


def run(a: argparse.Namespace, work: Path) -> int:
    from dondoc.indicators.dossiers import compute, store

    if a.store:  # an earlier run's store (--keep): time the indicators only
        st = store.DossierStore(Path(a.store))
        if st.current_path() is None:
            print(f"no dossier store in {a.store}", file=sys.stderr)
            return 2
        n = st.count()
        print(f"dossiers {n:,} (store {a.store}), window {a.window}, repeat {a.repeat}", flush=True)
        steps: dict[str, Any] = {}
    else:
        n = a.rows
        print(f"dossiers {n:,}, window {a.window}, repeat {a.repeat}, work folder {work}", flush=True)
        st = store.DossierStore(work / "store")
        steps = export_and_import(a, work, st)
        if not steps:
            return 1
    path = st.current_path()
    assert path is not None

    # 3. the indicators of one window for all agencies, three ways, in rounds (the machine may be shared)
    label, start, end = WINDOWS[a.window]
    window = compute.Window(label, start, end)

    def dondoc() -> dict[int, dict[str, Any]]:
        return {int(r["agency_id"]): r for r in compute.compute(st, [window], by="agency")}

    def bare() -> None:
        """dondoc's two SQL statements over the store's daily sums and finished-by-day file, run by hand with no
        Python around them: the floor of compute() over the data it reads."""
        sums, finished = st.aggregates_path(), st.finished_path()
        with duckdb.connect() as con:
            con.execute(compute._sums_query(str(sums), "agency_id", []), {"S": start, "E": end}).fetchall()
            con.execute(compute._median_query(str(finished), "agency_id", []), {"S": start, "E": end}).fetchall()

    ours, theirs = dondoc(), raw_sql(path, start, end)  # warm-up
    bare()
    df = pandas_load(path)
    pd_out = pandas_indicators(df, start, end)
    missing = set(metrics.METRIC_BY_CODE) - set(next(iter(ours.values())))
    if missing:
        print(f"compute() leaves out {sorted(missing)}", file=sys.stderr)
        return 1
    # wall time, and the process's CPU time (all threads): the second moves less when others share the machine
    runs: dict[str, list[float]] = {"dondoc": [], "bare": [], "sql": [], "load": [], "pandas": []}
    cpu: dict[str, list[float]] = {k: [] for k in runs}

    def measure(name: str, fn: Callable[..., Any], *args: Any) -> Any:
        c = time.process_time()
        took, out = timed(fn, *args)
        runs[name].append(took)
        cpu[name].append(time.process_time() - c)
        return out

    for _ in range(a.repeat):
        ours = measure("dondoc", dondoc)
        measure("bare", bare)
        theirs = measure("sql", raw_sql, path, start, end)
        del df
        df = measure("load", pandas_load, path)
        pd_out = measure("pandas", pandas_indicators, df, start, end)
    del df
    load_all_s, df = timed(pandas_load, path, None)  # for scale: every column, long procedure names included
    del df
    med = {k: statistics.median(v) for k, v in runs.items()}
    med_cpu = {k: statistics.median(v) for k, v in cpu.items()}
    for k, what in (("dondoc", "dondoc compute"), ("bare", "dondoc's SQL run bare"), ("sql", "raw DuckDB SQL"),
                    ("load", "pandas read_parquet"),
                    ("pandas", "pandas compute")):
        log(f"{what}: median {med[k]:.3f} s {_runs(runs[k])}, CPU median {med_cpu[k]:.3f} s {_runs(cpu[k])}")

    print("\nreadings of metrics.py that would change counts (dossiers in this window):")
    for line in probes(path, start, end):
        print("  " + line)
    bad = [f"dondoc vs raw SQL: {m}" for m in disagreements(ours, theirs)]
    bad += [f"dondoc vs pandas: {m}" for m in disagreements(ours, pd_out)]
    bad += [f"raw SQL vs pandas: {m}" for m in disagreements(theirs, pd_out)]
    if bad:
        print(f"\nDISAGREEMENT ({len(bad)}):", file=sys.stderr)
        for line in bad[:40]:
            print("  " + line, file=sys.stderr)
        return 1
    totals = {c: sum(int(r[c]) for r in ours.values()) for c in COUNT_CODES}
    print(f"\nthe three agree for all {len(ours)} agencies (counts exactly, rates and days within {TOLERANCE:g})")
    print("window totals: " + ", ".join(f"{c} {v:,}" for c, v in totals.items()))

    rows = [("rows", f"{n:,}")]
    if steps:
        rows += [
            ("generate s", f"{steps['generate']:.2f}"),
            ("write CSV s", f"{steps['csv']:.2f}"),
            ("import s", f"{steps['import']:.2f}"),
            ("import rows/s", f"{n / steps['import']:,.0f}"),
            (f"re-import s ({steps['update_rows']:,} rows, {steps['updated']:,} updated)",
             f"{steps['reimport']:.2f}"),
        ]
    rows += [
        (f"dondoc compute s ({window.name} {start:%d/%m/%Y}–{end:%d/%m/%Y}, {len(ours)} agencies)",
         f"{med['dondoc']:.3f}"),
        ("dondoc's own SQL over the daily sums, run bare s", f"{med['bare']:.3f}"),
        ("raw DuckDB SQL over the dossiers s", f"{med['sql']:.3f}"),
        (f"pandas load s ({len(PANDAS_COLUMNS)} columns used)", f"{med['load']:.3f}"),
        ("pandas load s, all 17 columns (once, for scale)", f"{load_all_s:.3f}"),
        ("pandas compute s", f"{med['pandas']:.3f}"),
        ("speed-up vs pandas, compute only", f"{med['pandas'] / med['dondoc']:.1f}x"),
        ("speed-up vs pandas, load + compute", f"{(med['load'] + med['pandas']) / med['dondoc']:.1f}x"),
        ("dondoc / raw SQL over the dossiers", f"{med['dondoc'] / med['sql']:.2f}"),
        ("dondoc / its SQL run bare", f"{med['dondoc'] / med['bare']:.2f}"),
        ("CPU s (all threads): dondoc / raw SQL / pandas compute",
         f"{med_cpu['dondoc']:.2f} / {med_cpu['sql']:.2f} / {med_cpu['pandas']:.2f}"),
        ("peak RSS GB", f"{peak_rss_gb():.2f}"),
    ]
    width = max(len(k) for k, _ in rows)
    print()
    for k, v in rows:
        print(f"{k:<{width}}  {v:>12}")
    goals = [("indicators <= 5 s", med["dondoc"] <= 5.0),
             ("pandas compute >= 10x dondoc", med["pandas"] >= 10 * med["dondoc"]),
             ("dondoc <= 1.3x raw SQL over the dossiers", med["dondoc"] <= 1.3 * med["sql"]),
             ("dondoc <= 1.3x its own SQL run bare", med["dondoc"] <= 1.3 * med["bare"])]
    print("\ngoals: " + ", ".join(f"{g} {'met' if ok else 'NOT met'}" for g, ok in goals))
    return 0


def export_and_import(a: argparse.Namespace, work: Path, st: Any) -> dict[str, Any]:
    """Steps 1 and 2: their timings, or {} (after saying why) when the import or the re-import went wrong."""
    from dondoc.indicators.dossiers import pipeline
    from dondoc.indicators.dossiers.normalise import AgencyRef

    n = a.rows
    agencies = generate.province_agencies()
    gen_s, frame = timed(lambda: generate.generate(n, agencies, start=YEAR_START, end=YEAR_END, seed=a.seed))
    log(f"generated {frame.height:,} rows in {gen_s:.2f} s")
    csv_path = work / "ho-so-2025.csv"
    csv_s, _ = timed(generate.write_export, frame, csv_path)
    log(f"wrote {csv_path.name} ({csv_path.stat().st_size / 1e9:.2f} GB) in {csv_s:.2f} s")
    part, finishing = update_slice(frame)
    update_path = work / "ho-so-2025-cap-nhat.csv"
    generate.write_export(part, update_path)
    headers = list(frame.columns)
    n_update = part.height
    del frame, part

    lookup = {schema.vocab_key(spec.name): AgencyRef(id=i, level=spec.level) for i, spec in enumerate(agencies)}
    mapping = schema.suggest_mapping(headers)
    import_s, result = timed(lambda: pipeline.import_export(csv_path, st, mapping=mapping, agencies=lookup))
    if result.rejected or result.errors.height or result.imported != n or result.inserted != n:
        print(f"import failed: {result}\n{result.errors.head(20)}", file=sys.stderr)
        return {}
    count = st.count()
    log(f"imported {result.imported:,} rows in {import_s:.2f} s ({n / import_s:,.0f} rows/s); store {count:,}")
    finished_before = _count(st.current_path(), "status = 'finished'")
    reimport_s, again = timed(lambda: pipeline.import_export(update_path, st, mapping=mapping, agencies=lookup))
    count_after = st.count()
    finished_after = _count(st.current_path(), "status = 'finished'")
    log(f"re-imported {n_update:,} rows in {reimport_s:.2f} s: inserted {again.inserted:,}, updated "
        f"{again.updated:,}; store {count_after:,}; finished {finished_before:,} -> {finished_after:,}")
    if (again.rejected or again.errors.height or again.updated != n_update or again.inserted != 0
            or count_after != count or finished_after != finished_before + finishing):
        print(f"re-import did not update in place: {again}, {finishing} expected to finish", file=sys.stderr)
        return {}
    return {"generate": gen_s, "csv": csv_s, "import": import_s, "reimport": reimport_s, "update_rows": n_update,
            "updated": again.updated}


def _count(path: Path | None, cond: str) -> int:
    with duckdb.connect() as con:
        return int(con.execute(f"SELECT count(*) FROM read_parquet($path) WHERE {cond}",
                               {"path": str(path)}).fetchone()[0])


def _runs(runs: list[float]) -> str:
    return "[" + ", ".join(f"{r:.3f}" for r in runs) + "]"


if __name__ == "__main__":
    sys.exit(main())
