"""compute.py against a plain row-by-row reading of metrics.py, on random stores and random windows.

compute.py answers from the store's daily sums (open dossiers as "received minus closed"), which is easy to get
subtly wrong; here every count of every agency is checked against the definitions applied to each dossier."""

from __future__ import annotations

import statistics
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

import polars as pl
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dondoc.indicators.dossiers.compute import Window, compute
from dondoc.indicators.dossiers.store import COLUMNS, DossierStore

DAY0 = date(2025, 1, 1)


@st.composite
def dossiers(draw: Any) -> list[dict[str, Any]]:
    """Valid dossiers as the import admits them: finished and due on or after receipt, finished ones dated."""
    rows = []
    for i in range(draw(st.integers(0, 40))):
        received = datetime.combine(DAY0 + timedelta(days=draw(st.integers(0, 40))), datetime.min.time()) \
            + timedelta(hours=draw(st.integers(7, 17)))
        status = draw(st.sampled_from(["processing", "finished", "finished", "rejected", "withdrawn"]))
        due = None if draw(st.integers(0, 9)) == 0 else received + timedelta(days=draw(st.integers(0, 10)))
        finished = received + timedelta(hours=draw(st.integers(0, 24 * 15))) if status == "finished" else None
        channel = draw(st.sampled_from(["direct", "online", "postal"]))
        rows.append({
            "code": f"H{i}", "procedure_code": "1", "procedure_name": "x", "field": "y",
            "agency_id": draw(st.integers(1, 3)), "level": draw(st.sampled_from(["province", "commune"])),
            "channel": channel, "online_kind": draw(st.sampled_from(["full", "partial"])) if channel == "online"
            else None,
            "received_at": received, "due_at": due, "finished_at": finished, "returned_at": None, "status": status,
            "apology": draw(st.booleans()), "dossier_digitised": draw(st.booleans()),
            "result_digitised": draw(st.booleans()), "rating": draw(st.sampled_from([None, 1, 3, 4, 5])),
        })
    return rows


def reference(rows: list[dict[str, Any]], s: date, e: date) -> dict[int, dict[str, Any]]:
    """metrics.py, dossier by dossier."""
    out: dict[int, dict[str, Any]] = {}
    for r in rows:
        rd = r["received_at"].date()
        if rd > e:
            continue
        c = out.setdefault(r["agency_id"], {"days": []})
        dd = r["due_at"].date() if r["due_at"] else None
        fd = r["finished_at"].date() if r["finished_at"] else None
        rec = s <= rd <= e
        fin = r["status"] == "finished" and fd is not None and s <= fd <= e
        opn = r["status"] in ("processing", "finished") and (r["status"] == "processing" or fd is None or fd > e)
        late = fin and dd is not None and fd > dd
        overdue = opn and dd is not None and dd <= e

        def add(name: str, yes: bool, c: dict[str, Any] = c) -> None:
            c[name] = c.get(name, 0) + int(bool(yes))

        for name, yes in [
            ("received", rec), ("finished", fin), ("judged", fin and dd is not None),
            ("early", fin and dd is not None and fd < dd), ("on_time", fin and dd is not None and fd == dd),
            ("late", late), ("open", opn), ("open_overdue", overdue), ("apology", r["apology"] and (late or overdue)),
            ("online", rec and r["channel"] == "online"),
            ("full_online", rec and r["channel"] == "online" and r["online_kind"] == "full"),
            ("postal", rec and r["channel"] == "postal"), ("dossier_digitised", rec and r["dossier_digitised"]),
            ("result_digitised", fin and r["result_digitised"]), ("rated", fin and r["rating"] is not None),
            ("satisfied", fin and (r["rating"] or 0) >= 4), ("rejected", rec and r["status"] == "rejected"),
            ("withdrawn", rec and r["status"] == "withdrawn"),
        ]:
            add(name, yes)
        if fin:
            c["days"].append((r["finished_at"] - r["received_at"]).total_seconds() / 86400)
    return out


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(rows=dossiers(), start=st.integers(0, 45), length=st.integers(0, 30))
def test_compute_matches_the_definitions(tmp_path_factory: Any, rows: list[dict[str, Any]], start: int,
                                         length: int) -> None:
    store = DossierStore(Path(tmp_path_factory.mktemp("store")))
    if rows:
        store.merge(pl.DataFrame(rows, schema=COLUMNS))
    s = DAY0 + timedelta(days=start)
    e = s + timedelta(days=length)
    got = {r["agency_id"]: r for r in compute(store, [Window("W", s, e)], by="agency")}
    want = reference(rows, s, e)
    assert set(got) == set(want)
    for agency, expected in want.items():
        days = expected.pop("days")
        record = got[agency]
        assert {k: record[k] for k in expected} == expected, agency
        if days:
            assert abs(record["avg_processing_days"] - statistics.fmean(days)) < 1e-9
            assert abs(record["median_processing_days"] - statistics.median(days)) < 1e-9
        else:
            assert record["avg_processing_days"] is None and record["median_processing_days"] is None
