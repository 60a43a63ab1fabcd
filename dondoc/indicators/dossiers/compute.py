"""The one-stop-shop indicators of ``metrics.py`` from the store's daily sums, in two small DuckDB queries.

Every count is a sum of the store's per-agency daily aggregates over the window (or up to its last day, for
what is open at its end: see ``store.AGGREGATES_SQL``); only the median processing time reads dossiers, from
the finished-by-day file, and only the window's row groups of it. Dates are compared as days: a dossier
finished on its due date is on time, and "open at the window's end" means not finished by the end of its
last day.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

import duckdb

from .store import DossierStore, _sql_path

GROUPINGS = {"agency": "agency_id", "level": "level", "all": None}

# Counts: name → its sum over the daily aggregates (kind 0 received day, 1 finished day, 2 due day of the
# active ones, 3 later of finished and due day; "in" the window S..E, or "to" its end E).
_SUMS: dict[str, str] = {
    "received": "sum(n) FILTER (WHERE kind = 0 AND day >= $S)",
    "online": "sum(online) FILTER (WHERE kind = 0 AND day >= $S)",
    "full_online": "sum(full_online) FILTER (WHERE kind = 0 AND day >= $S)",
    "postal": "sum(postal) FILTER (WHERE kind = 0 AND day >= $S)",
    "dossier_digitised": "sum(dossier_digitised) FILTER (WHERE kind = 0 AND day >= $S)",
    "rejected": "sum(rejected) FILTER (WHERE kind = 0 AND day >= $S)",
    "withdrawn": "sum(withdrawn) FILTER (WHERE kind = 0 AND day >= $S)",
    "finished": "sum(n) FILTER (WHERE kind = 1 AND day >= $S)",
    "judged": "sum(judged) FILTER (WHERE kind = 1 AND day >= $S)",
    "early": "sum(early) FILTER (WHERE kind = 1 AND day >= $S)",
    "on_time": "sum(on_time) FILTER (WHERE kind = 1 AND day >= $S)",
    "late": "sum(late) FILTER (WHERE kind = 1 AND day >= $S)",
    "result_digitised": "sum(result_digitised) FILTER (WHERE kind = 1 AND day >= $S)",
    "rated": "sum(rated) FILTER (WHERE kind = 1 AND day >= $S)",
    "satisfied": "sum(satisfied) FILTER (WHERE kind = 1 AND day >= $S)",
    "late_apology": "sum(apology) FILTER (WHERE kind = 1 AND day >= $S)",
    "days": "sum(days) FILTER (WHERE kind = 1 AND day >= $S)",
    "active_to_end": "sum(active) FILTER (WHERE kind = 0)",
    "finished_to_end": "sum(n) FILTER (WHERE kind = 1)",
    "due_to_end": "sum(n) FILTER (WHERE kind = 2)",
    "due_apology_to_end": "sum(apology) FILTER (WHERE kind = 2)",
    "closed_due_to_end": "sum(n) FILTER (WHERE kind = 3)",
    "closed_due_apology_to_end": "sum(apology) FILTER (WHERE kind = 3)",
}
_COUNTS = ("received", "finished", "judged", "early", "on_time", "late", "open", "open_overdue", "apology", "online",
           "full_online", "postal", "dossier_digitised", "result_digitised", "rated", "satisfied", "rejected",
           "withdrawn")
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


def _sums_query(path: str, key: str | None, filters: list[str]) -> str:
    sums = ",\n  ".join(f"{expr} AS {name}" for name, expr in _SUMS.items())
    where = " AND ".join(["day <= $E", *filters])
    group_by = f"GROUP BY {key}" if key else ""
    return f"SELECT {key or 'NULL'} AS grp,\n  {sums}\nFROM read_parquet('{path}') WHERE {where} {group_by}"


def _median_query(path: str, key: str | None, filters: list[str]) -> str:
    where = " AND ".join(["finished_day BETWEEN $S AND $E", *filters])
    group_by = f"GROUP BY {key}" if key else ""
    return (f"SELECT {key or 'NULL'} AS grp, median(processing_days) AS median_processing_days "
            f"FROM read_parquet('{path}') WHERE {where} {group_by}")


def compute(store: DossierStore, windows: Sequence[Window], *, by: str = "agency",
            agency_ids: Sequence[int] | None = None, level: str | None = None,
            officers: Mapping[int, int] | None = None) -> list[dict[str, Any]]:
    """Every indicator per window and group. ``by``: "agency" (key agency_id), "level" or "all";
    ``agency_ids``/``level`` restrict the dossiers counted; ``officers`` (agency id → counter staff)
    gives dossiers per officer, annualised, for the agencies that declared staff."""
    key = GROUPINGS[by]
    sums_path, finished_path = store.aggregates_path(), store.finished_path()
    if sums_path is None or finished_path is None:
        return []
    filters: list[str] = []
    params: dict[str, Any] = {}
    if agency_ids is not None:
        filters.append("list_contains($AGENCIES, agency_id)")
        params["AGENCIES"] = [int(a) for a in agency_ids]
    if level:
        filters.append("level = $LEVEL")
        params["LEVEL"] = level
    sums_sql = _sums_query(_sql_path(sums_path), key, filters)
    median_sql = _median_query(_sql_path(finished_path), key, filters)
    out: list[dict[str, Any]] = []
    with duckdb.connect() as con:
        for window in windows:
            params.update(S=window.start, E=window.end)
            cur = con.execute(sums_sql, {k: v for k, v in params.items()})
            names = [c[0] for c in cur.description]
            sums = [dict(zip(names, values, strict=True)) for values in cur.fetchall()]
            medians = dict(con.execute(median_sql, params).fetchall())
            for row in sums:
                grp = row.pop("grp")
                record: dict[str, Any] = {"window": window.name}
                if key:
                    record["agency_id" if by == "agency" else by] = grp
                record.update(_counts(row))
                record["avg_processing_days"] = row["days"] / record["finished"] if record["finished"] else None
                record["median_processing_days"] = medians.get(grp)
                _add_rates(record)
                _add_per_officer(record, window, by, officers)
                out.append(record)
    return out


def _counts(row: dict[str, Any]) -> dict[str, int]:
    """The counts of metrics.py from the window's sums; open ones as what was received minus what was closed."""
    v = {name: int(value or 0) for name, value in row.items() if name != "days"}
    out = {name: v[name] for name in _COUNTS if name in v}
    out["open"] = v["active_to_end"] - v["finished_to_end"]
    out["open_overdue"] = v["due_to_end"] - v["closed_due_to_end"]
    out["apology"] = v["late_apology"] + v["due_apology_to_end"] - v["closed_due_apology_to_end"]
    return {name: out[name] for name in _COUNTS}


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
