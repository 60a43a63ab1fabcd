"""Where imported dossiers live: one Parquet file per generation beside the main database.

Parquet keeps 10 million dossiers in a few hundred MB and DuckDB scans it in well under a second on two
cores, which no row store beside Django would. A merge writes the next generation in full and then swaps
the ``CURRENT`` pointer with an atomic rename, so a crash mid-merge leaves the previous generation intact
and readers never see a half-written file. The generation before the current one is kept until the next
merge, so a query that read the pointer just before a swap still finds its file.

Beside each generation's dossiers the merge writes two small files the indicators read instead of the
dossiers themselves: daily sums per agency (``aggregates-*``, see ``AGGREGATES_SQL``) and the finished dossiers'
processing times sorted by day (``finished-*``, for medians). A window's indicators then sum a few hundred
thousand daily rows, whatever the number of dossiers.

A merge may carry a ``tag`` (the dossier import's id). What each tagged merge did is kept in the Parquet metadata
of the generation's daily sums file, carried from generation to generation (the last ``MERGES_KEPT``): written
before the swap, it is published, backed up and removed with the generation. The same tag merged again (a job
killed after the swap but before the database recorded it, then run again) changes nothing and answers what the
first merge did, so a retried import counts its dossiers as inserted, not updated, and is not merged twice.
"""

from __future__ import annotations

import fcntl
import json
import os
import uuid
from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass
from pathlib import Path

import duckdb
import polars as pl

from .schema import ROW_COLUMNS

# The columns a merge takes, in order, with their types (normalise.py produces exactly these).
COLUMNS: dict[str, pl.DataType] = ROW_COLUMNS

# Columns the store adds once, at import, so that every indicator query compares small integers instead of
# casting timestamps to days and comparing strings on each of millions of rows.
STATUS_CODES = {"processing": 0, "finished": 1, "rejected": 2, "withdrawn": 3}
CHANNEL_CODES = {"direct": 0, "online": 1, "postal": 2}
DERIVED: dict[str, pl.Expr] = {
    "received_day": pl.col("received_at").dt.date(),
    "due_day": pl.col("due_at").dt.date(),
    "finished_day": pl.col("finished_at").dt.date(),
    "processing_days": (pl.col("finished_at") - pl.col("received_at")).dt.total_seconds() / 86400.0,
    "status_code": pl.col("status").replace_strict(STATUS_CODES, default=None, return_dtype=pl.UInt8),
    "channel_code": pl.col("channel").replace_strict(CHANNEL_CODES, default=None, return_dtype=pl.UInt8),
    "full_online": (pl.col("channel") == "online") & (pl.col("online_kind") == "full"),
}


# Daily sums per agency, one block per kind of day (the import guarantees received ≤ finished and ≤ due):
#   0 received day: every receipt-based count, and ``active`` (neither rejected nor withdrawn) for the open ones;
#   1 finished day (status finished): the finished-based counts and the processing days' sum;
#   2 due day (active): how many active dossiers are due by a day, with an apology letter;
#   3 the later of finished and due day (finished, both known): of those, how many finished by then.
# So with S..E a window: open at E = Σ active received ≤ E − Σ finished ≤ E; open and overdue at E = Σ active
# due ≤ E − Σ finished with both days ≤ E (a dossier finished by E is not open); see compute.py.
AGGREGATES_SQL = """
SELECT 0::UTINYINT AS kind, agency_id, level, received_day AS day, count(*) AS n,
       count_if(status_code < 2) AS active, count_if(channel_code = 1) AS online, count_if(full_online) AS full_online,
       count_if(channel_code = 2) AS postal, count_if(dossier_digitised) AS dossier_digitised,
       count_if(status_code = 2) AS rejected, count_if(status_code = 3) AS withdrawn,
       0 AS judged, 0 AS early, 0 AS on_time, 0 AS late, 0 AS result_digitised, 0 AS rated, 0 AS satisfied,
       0 AS apology, 0.0 AS days
FROM {src} GROUP BY ALL
UNION ALL
SELECT 1, agency_id, level, finished_day, count(*), 0, 0, 0, 0, 0, 0, 0,
       count_if(due_day IS NOT NULL), count_if(finished_day < due_day), count_if(finished_day = due_day),
       count_if(finished_day > due_day), count_if(result_digitised), count_if(rating IS NOT NULL),
       count_if(rating >= 4), count_if(apology AND finished_day > due_day), sum(processing_days)
FROM {src} WHERE status_code = 1 AND finished_day IS NOT NULL GROUP BY ALL
UNION ALL
SELECT 2, agency_id, level, due_day, count(*), 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, count_if(apology), 0.0
FROM {src} WHERE status_code < 2 AND due_day IS NOT NULL GROUP BY ALL
UNION ALL
SELECT 3, agency_id, level, greatest(finished_day, due_day), count(*), 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
       count_if(apology), 0.0
FROM {src} WHERE status_code = 1 AND finished_day IS NOT NULL AND due_day IS NOT NULL GROUP BY ALL
ORDER BY day
"""
FINISHED_SQL = """
SELECT agency_id, level, finished_day, processing_days FROM {src}
WHERE status_code = 1 AND finished_day IS NOT NULL ORDER BY finished_day
"""
PARQUET = "(FORMAT parquet, COMPRESSION lz4_raw, ROW_GROUP_SIZE 122880)"
MERGES_KEPT = 200  # tags remembered across generations: enough for any import still worth retrying
MERGES_KEY = "dondoc_merges"


@dataclass(frozen=True)
class MergeResult:
    inserted: int
    updated: int
    total: int


def _sql_path(path: Path) -> str:
    return str(path).replace("'", "''")


class DossierStore:
    def __init__(self, root: Path) -> None:
        self.root = Path(root)

    @property
    def _pointer(self) -> Path:
        return self.root / "CURRENT"

    def current_path(self) -> Path | None:
        """The Parquet file holding the current dossiers, or None before the first import."""
        try:
            name = self._pointer.read_text(encoding="utf-8").strip()
        except FileNotFoundError:
            return None
        return self.root / name if name else None

    def aggregates_path(self) -> Path | None:
        """The current generation's daily sums per agency."""
        return self._companion("aggregates")

    def finished_path(self) -> Path | None:
        """The current generation's finished dossiers' processing times, sorted by finished day."""
        return self._companion("finished")

    def _companion(self, prefix: str) -> Path | None:
        path = self.current_path()
        return path.with_name(path.name.replace("dossiers-", f"{prefix}-", 1)) if path else None

    def version(self) -> str:
        """Changes with every merge: a cache key for anything computed from the dossiers."""
        path = self.current_path()
        return path.stem if path else "empty"

    def count(self) -> int:
        path = self.current_path()
        if path is None:
            return 0
        with duckdb.connect() as con:
            return int(con.execute(f"SELECT count(*) FROM read_parquet('{_sql_path(path)}')").fetchone()[0])

    @contextmanager
    def _locked(self) -> Iterator[None]:
        # One merge at a time (web request, job worker or command line): merges read-modify-write the store.
        self.root.mkdir(parents=True, exist_ok=True)
        with open(self.root / ".lock", "w") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(lock, fcntl.LOCK_UN)

    def locked(self) -> AbstractContextManager[None]:
        """Hold the merge lock: no merge or clear runs meanwhile (a backup copies, a restore replaces, the current
        generation)."""
        return self._locked()

    def merges(self) -> dict[str, MergeResult]:
        """The tagged merges the current generation holds (its own and the ones before it), oldest first."""
        path = self.aggregates_path()
        if path is None or not path.is_file():
            return {}
        with duckdb.connect() as con:
            found = con.execute(f"SELECT key, value FROM parquet_kv_metadata('{_sql_path(path)}')").fetchall()
        value = next((v for k, v in found if bytes(k).decode() == MERGES_KEY), None)
        if value is None:
            return {}
        return {tag: MergeResult(*counts) for tag, counts in json.loads(bytes(value).decode()).items()}

    def merge(self, rows: pl.DataFrame, *, tag: str = "") -> MergeResult:
        """Insert the rows, replacing stored dossiers with the same code (a re-import updates, never
        duplicates). Codes must be unique within ``rows`` (normalise guarantees it). A ``tag`` already merged
        changes nothing and returns what that merge did."""
        if list(rows.columns) != list(COLUMNS):
            raise ValueError(f"dossier rows must have the columns {list(COLUMNS)}")
        rows = rows.cast(COLUMNS)  # type: ignore[arg-type]
        with self._locked():
            earlier = self.merges()
            if tag and tag in earlier:
                return earlier[tag]
            batch = self.root / f"batch-{uuid.uuid4().hex}.parquet"
            target = self.root / f"dossiers-{uuid.uuid4().hex}.parquet"
            rows.with_columns(**DERIVED).write_parquet(batch)
            try:
                old = self.current_path()
                with duckdb.connect() as con:
                    new_sql = f"read_parquet('{_sql_path(batch)}')"
                    if old is None:
                        updated = 0
                        query = f"SELECT * FROM {new_sql}"
                    else:
                        old_sql = f"read_parquet('{_sql_path(old)}')"
                        updated = int(con.execute(
                            f"SELECT count(*) FROM {new_sql} b SEMI JOIN {old_sql} o ON o.code = b.code").fetchone()[0])
                        query = (f"SELECT * FROM {old_sql} o ANTI JOIN {new_sql} b ON o.code = b.code "
                                 f"UNION ALL SELECT * FROM {new_sql}")
                    # Sorted by receipt so a window's scan skips row groups received after it ends; lz4 decodes
                    # several times faster than zstd for a file about a third larger.
                    con.execute(f"COPY ({query} ORDER BY received_at) TO '{_sql_path(target)}' {PARQUET}")
                    total = int(con.execute(
                        f"SELECT count(*) FROM read_parquet('{_sql_path(target)}')").fetchone()[0])
                    result = MergeResult(inserted=rows.height - updated, updated=updated, total=total)
                    merges = {**earlier, tag: result} if tag else earlier
                    _write_companions(con, target, dict(list(merges.items())[-MERGES_KEPT:]))
                for made in _companions(target):
                    _fsync(made)
                self._swap(target)
            except BaseException:
                for made in _companions(target):
                    made.unlink(missing_ok=True)
                raise
            finally:
                batch.unlink(missing_ok=True)
            return result

    def _swap(self, target: Path) -> None:
        previous = self.current_path()
        tmp = self.root / f"CURRENT.{uuid.uuid4().hex}"
        tmp.write_text(target.name, encoding="utf-8")
        _fsync(tmp)
        os.replace(tmp, self._pointer)
        _fsync_dir(self.root)
        keep = {_generation(target), _generation(previous) if previous else ""}
        for stale in self.root.glob("*-*.parquet"):
            if stale.name.startswith(GENERATION_PREFIXES) and _generation(stale) not in keep:
                stale.unlink(missing_ok=True)
        for pattern in ("batch-*.parquet", "CURRENT.*"):  # left by a merge killed mid-way
            for orphan in self.root.glob(pattern):
                orphan.unlink(missing_ok=True)

    def clear(self) -> None:
        """Forget every dossier (the files go at the next merge or now)."""
        with self._locked():
            self._pointer.unlink(missing_ok=True)
            for prefix in GENERATION_PREFIXES:
                for f in self.root.glob(f"{prefix}*.parquet"):
                    f.unlink(missing_ok=True)


GENERATION_PREFIXES = ("dossiers-", "aggregates-", "finished-")


def _generation(path: Path) -> str:
    return path.stem.split("-", 1)[1]


def _companions(target: Path) -> list[Path]:
    """A generation's files: its dossiers and the two files derived from them."""
    return [target.with_name(target.name.replace("dossiers-", prefix, 1)) for prefix in GENERATION_PREFIXES]


def _write_companions(con: duckdb.DuckDBPyConnection, dossiers: Path,
                      merges: dict[str, MergeResult] | None = None) -> None:
    src = f"read_parquet('{_sql_path(dossiers)}')"
    _, aggregates, finished = _companions(dossiers)
    options = PARQUET
    if merges:  # the tagged merges this generation holds, in the daily sums file's key-value metadata
        record = json.dumps({t: [m.inserted, m.updated, m.total] for t, m in merges.items()}).replace("'", "''")
        options = f"{PARQUET[:-1]}, KV_METADATA {{{MERGES_KEY}: '{record}'}})"
    con.execute(f"COPY ({AGGREGATES_SQL.format(src=src)}) TO '{_sql_path(aggregates)}' {options}")
    con.execute(f"COPY ({FINISHED_SQL.format(src=src)}) TO '{_sql_path(finished)}' {PARQUET}")


def _fsync(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY | os.O_DIRECTORY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
