"""The one-stop-shop indicators of ``metrics.py`` as one DuckDB query over the dossier store.

One scan per window computes every count with ``FILTER`` clauses, so all indicators for all agencies
cost about what a single ``count(*)`` does. Dates are compared as days: a dossier finished on its due
date is on time, and "open at the window's end" means not finished by the end of the last day.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

import duckdb

from .store import DossierStore, _sql_path

GROUPINGS = {"agency": "agency_id", "level": "level", "all": None}

# Counts: name → condition over one dossier (S, E: the window's first and last day).
_COUNTS: dict[str, str] = {
    "received": "rd BETWEEN $S AND $E",
    "finished": "fin",
    "judged": "fin AND dd IS NOT NULL",
    "early": "fin AND fd < dd",
    "on_time": "fin AND fd = dd",
    "late": "fin AND fd > dd",
    "open": "open_at_end",
    "open_overdue": "open_at_end AND dd <= $E",
    "apology": "apology AND ((fin AND fd > dd) OR (open_at_end AND dd <= $E))",
    "online": "rd BETWEEN $S AND $E AND channel = 'online'",
    "full_online": "rd BETWEEN $S AND $E AND channel = 'online' AND online_kind = 'full'",
    "postal": "rd BETWEEN $S AND $E AND channel = 'postal'",
    "dossier_digitised": "rd BETWEEN $S AND $E AND dossier_digitised",
    "result_digitised": "fin AND result_digitised",
    "rated": "fin AND rating IS NOT NULL",
    "satisfied": "fin AND rating >= 4",
    "rejected": "rd BETWEEN $S AND $E AND status = 'rejected'",
    "withdrawn": "rd BETWEEN $S AND $E AND status = 'withdrawn'",
}
# Rates: name → (numerator, denominator) over the counts above, in percent.
_RATES: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "on_time_rate": (("early", "on_time"), ("judged",)),
    "apology_rate": (("apology",), ("late", "open_overdue")),
    "online_rate": (("online",), ("received",)),
    "full_online_rate": (("full_online",), ("received",)),
    "postal_rate": (("postal",), ("received",)),
    "dossier_digitised_rate": (("dossier_digitised",), ("received",)),
    "result_digitised_rate": (("result_digitised",), ("finished",)),
    "satisfaction_rate": (("satisfied",), ("rated",)),
}


@dataclass(frozen=True)
class Window:
    name: str
    start: date
    end: date  # the last day counted

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1


def _query(path: str, key: str | None, filters: list[str]) -> str:
    counts = ",\n  ".join(f"count(*) FILTER (WHERE {cond}) AS {name}" for name, cond in _COUNTS.items())
    where = " AND ".join(["received_at < $E_NEXT", *filters])
    group_select = f"{key} AS grp, " if key else "NULL AS grp, "
    group_by = f"GROUP BY {key}" if key else ""
    return f"""
WITH d AS (
  SELECT *, received_at::DATE AS rd, due_at::DATE AS dd, finished_at::DATE AS fd,
         status = 'finished' AND finished_at::DATE BETWEEN $S AND $E AS fin,
         status NOT IN ('rejected', 'withdrawn')
           AND (status <> 'finished' OR finished_at IS NULL OR finished_at::DATE > $E) AS open_at_end
  FROM read_parquet('{path}')
  WHERE {where}
)
SELECT {group_select}
  {counts},
  avg(date_diff('second', received_at, finished_at) / 86400.0) FILTER (WHERE fin) AS avg_processing_days,
  median(date_diff('second', received_at, finished_at) / 86400.0) FILTER (WHERE fin) AS median_processing_days
FROM d {group_by}
"""


def compute(store: DossierStore, windows: Sequence[Window], *, by: str = "agency",
            agency_ids: Sequence[int] | None = None, level: str | None = None,
            officers: Mapping[int, int] | None = None) -> list[dict[str, Any]]:
    """Every indicator per window and group. ``by``: "agency" (key agency_id), "level" or "all";
    ``agency_ids``/``level`` restrict the dossiers counted; ``officers`` (agency id → counter staff)
    gives dossiers per officer, annualised, for the agencies that declared staff."""
    key = GROUPINGS[by]
    path = store.current_path()
    if path is None:
        return []
    filters: list[str] = []
    params: dict[str, Any] = {}
    if agency_ids is not None:
        filters.append("list_contains($AGENCIES, agency_id)")
        params["AGENCIES"] = [int(a) for a in agency_ids]
    if level:
        filters.append("level = $LEVEL")
        params["LEVEL"] = level
    sql = _query(_sql_path(path), key, filters)
    out: list[dict[str, Any]] = []
    with duckdb.connect() as con:
        for window in windows:
            params.update(S=window.start, E=window.end, E_NEXT=window.end + timedelta(days=1))
            cur = con.execute(sql, params)
            names = [c[0] for c in cur.description]
            for values in cur.fetchall():
                row = dict(zip(names, values, strict=True))
                grp = row.pop("grp")
                record: dict[str, Any] = {"window": window.name}
                if key:
                    record["agency_id" if by == "agency" else by] = grp
                record.update(row)
                _add_rates(record)
                _add_per_officer(record, window, by, officers)
                out.append(record)
    return out


def _add_rates(record: dict[str, Any]) -> None:
    for name, (num, den) in _RATES.items():
        d = sum(record[c] for c in den)
        record[name] = 100.0 * sum(record[c] for c in num) / d if d else None


def _add_per_officer(record: dict[str, Any], window: Window, by: str,
                     officers: Mapping[int, int] | None) -> None:
    staff = None
    if officers and by == "agency":
        staff = officers.get(record["agency_id"])
    record["officers"] = staff
    # Plans state it per year (1,600 dossiers a year per officer), so a shorter window is scaled to a year.
    record["dossiers_per_officer"] = (record["received"] / staff * 365 / window.days) if staff else None


def basis(metric: str, record: Mapping[str, Any]) -> int | None:
    """How many dossiers (or ratings) an indicator's value rests on: its denominator, else the receipts."""
    rate = _RATES.get(metric)
    if rate is not None:
        return int(sum(record[c] for c in rate[1]))
    if metric in ("avg_processing_days", "median_processing_days"):
        return int(record["finished"])
    return int(record["received"]) if "received" in record else None
