"""Where imported dossiers live: one Parquet file per generation beside the main database.

Parquet keeps 10 million dossiers in a few hundred MB and DuckDB scans it in well under a second on two
cores, which no row store beside Django would. A merge writes the next generation in full and then swaps
the ``CURRENT`` pointer with an atomic rename, so a crash mid-merge leaves the previous generation intact
and readers never see a half-written file. The generation before the current one is kept until the next
merge, so a query that read the pointer just before a swap still finds its file.
"""

from __future__ import annotations

import fcntl
import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import duckdb
import polars as pl

# The stored columns, in order, with their types (normalise.py produces exactly these).
COLUMNS: dict[str, pl.DataType] = {
    "code": pl.Utf8(), "procedure_code": pl.Utf8(), "procedure_name": pl.Utf8(), "field": pl.Utf8(),
    "agency_id": pl.Int32(), "level": pl.Utf8(), "channel": pl.Utf8(), "online_kind": pl.Utf8(),
    "received_at": pl.Datetime("us"), "due_at": pl.Datetime("us"), "finished_at": pl.Datetime("us"),
    "returned_at": pl.Datetime("us"), "status": pl.Utf8(), "apology": pl.Boolean(),
    "dossier_digitised": pl.Boolean(), "result_digitised": pl.Boolean(), "rating": pl.Int8(),
}


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

    def merge(self, rows: pl.DataFrame) -> MergeResult:
        """Insert the rows, replacing stored dossiers with the same code (a re-import updates, never
        duplicates). Codes must be unique within ``rows`` (normalise guarantees it)."""
        if list(rows.columns) != list(COLUMNS):
            raise ValueError(f"dossier rows must have the columns {list(COLUMNS)}")
        rows = rows.cast(COLUMNS)  # type: ignore[arg-type]
        with self._locked():
            batch = self.root / f"batch-{uuid.uuid4().hex}.parquet"
            target = self.root / f"dossiers-{uuid.uuid4().hex}.parquet"
            rows.write_parquet(batch)
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
                    # Sorted by receipt so a window's scan skips row groups received after it ends.
                    con.execute(f"COPY ({query} ORDER BY received_at) TO '{_sql_path(target)}' "
                                "(FORMAT parquet, COMPRESSION zstd, ROW_GROUP_SIZE 122880)")
                    total = int(con.execute(
                        f"SELECT count(*) FROM read_parquet('{_sql_path(target)}')").fetchone()[0])
                _fsync(target)
                self._swap(target)
            except BaseException:
                target.unlink(missing_ok=True)
                raise
            finally:
                batch.unlink(missing_ok=True)
            return MergeResult(inserted=rows.height - updated, updated=updated, total=total)

    def _swap(self, target: Path) -> None:
        previous = self.current_path()
        tmp = self.root / f"CURRENT.{uuid.uuid4().hex}"
        tmp.write_text(target.name, encoding="utf-8")
        _fsync(tmp)
        os.replace(tmp, self._pointer)
        _fsync_dir(self.root)
        keep = {target.name, previous.name if previous else ""}
        for stale in self.root.glob("dossiers-*.parquet"):
            if stale.name not in keep:
                stale.unlink(missing_ok=True)
        for pattern in ("batch-*.parquet", "CURRENT.*"):  # left by a merge killed mid-way
            for orphan in self.root.glob(pattern):
                orphan.unlink(missing_ok=True)

    def clear(self) -> None:
        """Forget every dossier (the files go at the next merge or now)."""
        with self._locked():
            self._pointer.unlink(missing_ok=True)
            for f in self.root.glob("dossiers-*.parquet"):
                f.unlink(missing_ok=True)


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
