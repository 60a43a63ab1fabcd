"""One export into the store: read → check the mapping → normalise → merge, or nothing at all."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path

import polars as pl

from .normalise import AgencyLookup, check_mapping, normalise
from .reading import read_export
from .store import DossierStore


@dataclass
class ImportResult:
    total: int  # data rows in the file
    imported: int  # rows written to the store (0 when rejected)
    inserted: int
    updated: int
    errors: pl.DataFrame  # line, code, reasons: every bad row
    rejected: bool  # bad rows and skipping them was not allowed: the store was not touched
    encoding: str = ""


def import_export(path: Path, store: DossierStore, mapping: Mapping[str, str], agencies: AgencyLookup, *,
                  encoding: str | None = None, skip_bad_rows: bool = False,
                  progress: Callable[[str, float], None] | None = None, tag: str = "") -> ImportResult:
    """Import one export. With bad rows and ``skip_bad_rows`` false nothing is written; with it true the
    good rows are written and the bad ones are still all listed in ``errors``. Raises reading.ExportError
    for a file that cannot be read at all. ``tag`` names the import for the store (``DossierStore.merge``):
    the same export imported again under the same tag, after a crash, is not merged twice."""
    def report(stage: str, fraction: float) -> None:
        if progress:
            progress(stage, fraction)

    report("read", 0.0)
    export = read_export(path, encoding=encoding, progress=lambda f: report("read", f))
    check_mapping(export.headers, mapping)
    report("check", 0.0)
    checked = normalise(export, mapping, agencies)
    used_encoding = export.encoding
    del export  # the raw strings can be gigabytes: free them before the merge
    report("check", 1.0)
    if checked.errors.height and not skip_bad_rows:
        return ImportResult(total=checked.total, imported=0, inserted=0, updated=0, errors=checked.errors,
                            rejected=True, encoding=used_encoding)
    report("store", 0.0)
    merged = store.merge(checked.rows, tag=tag) if checked.rows.height else None
    report("store", 1.0)
    return ImportResult(total=checked.total, imported=checked.rows.height,
                        inserted=merged.inserted if merged else 0, updated=merged.updated if merged else 0,
                        errors=checked.errors, rejected=False, encoding=used_encoding)

