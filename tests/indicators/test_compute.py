"""The one-stop-shop indicators computed over the dossier store, each checked against a hand count.

Pure (no database): tiny datasets are written by hand, merged into a store under ``tmp_path`` and every
indicator of every record is compared with the value worked out in the comments, following the formulas of
``metrics.py`` (the spec). Unless a test says otherwise the window is March 2025 (S = 1/3, E = 31/3, 31 days).
"""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path
from typing import Any

import polars as pl
import pytest

from dondoc.indicators import metrics
from dondoc.indicators.dossiers import store as store_mod
from dondoc.indicators.dossiers.compute import Window, basis, compute
from dondoc.indicators.dossiers.store import DossierStore

MARCH = Window("M", date(2025, 3, 1), date(2025, 3, 31))

COUNTS = ("received", "finished", "judged", "early", "on_time", "late", "open", "open_overdue", "apology",
          "online", "full_online", "postal", "dossier_digitised", "result_digitised", "rated", "satisfied",
          "rejected", "withdrawn")
RATES = ("on_time_rate", "apology_rate", "online_rate", "full_online_rate", "postal_rate", "dossier_digitised_rate",
         "result_digitised_rate", "satisfaction_rate")


# --- helpers -----------------------------------------------------------------------------------------------


def at(month: int, day: int, hour: int = 8, minute: int = 0) -> datetime:
    """A moment of 2025."""
    return datetime(2025, month, day, hour, minute)


def dossier(code: str, *, received: datetime, due: datetime | None = None, finished: datetime | None = None,
            status: str | None = None, agency: int = 1, level: str = "province", channel: str = "direct",
            online_kind: str | None = None, returned: datetime | None = None, apology: bool = False,
            dossier_digitised: bool = False, result_digitised: bool = False,
            rating: int | None = None) -> dict[str, Any]:
    """One stored row; the status defaults to "finished" when a finished date is given, else "processing"."""
    return {
        "code": code, "procedure_code": "1.000001", "procedure_name": "Đăng ký khai sinh", "field": "Hộ tịch",
        "agency_id": agency, "level": level, "channel": channel, "online_kind": online_kind,
        "received_at": received, "due_at": due, "finished_at": finished, "returned_at": returned,
        "status": status or ("finished" if finished else "processing"), "apology": apology,
        "dossier_digitised": dossier_digitised, "result_digitised": result_digitised, "rating": rating,
    }


def frame(rows: list[dict[str, Any]]) -> pl.DataFrame:
    """The typed frame the store takes: exactly ``store.COLUMNS``, in order."""
    return pl.DataFrame(rows, schema=store_mod.COLUMNS)


def load(tmp_path: Path, *rows: dict[str, Any]) -> DossierStore:
    s = DossierStore(tmp_path / "dossiers")
    s.merge(frame(list(rows)))
    return s


def expected(window: str = "M", **values: Any) -> dict[str, Any]:
    """A whole record: every count 0, every average/rate/per-officer None, except ``values``."""
    record: dict[str, Any] = {
        "window": window, **dict.fromkeys(COUNTS, 0), "avg_processing_days": None,
        "median_processing_days": None, **dict.fromkeys(RATES, None), "officers": None, "dossiers_per_officer": None,
    }
    unknown = set(values) - set(record) - {"agency_id", "level"}
    assert not unknown, unknown
    record.update(values)
    return record


def only(records: list[dict[str, Any]]) -> dict[str, Any]:
    assert len(records) == 1, records
    return records[0]


def check(actual: dict[str, Any], want: dict[str, Any]) -> None:
    assert actual == pytest.approx(want), {k: (actual.get(k), v) for k, v in want.items() if actual.get(k) != v}
    for name in COUNTS:
        assert type(actual[name]) is int, name


# --- the record's shape ------------------------------------------------------------------------------------


def test_every_metric_of_metrics_py_is_in_a_record(tmp_path):
    s = load(tmp_path, dossier("A", received=at(3, 2)))
    record = only(compute(s, [MARCH], by="agency", officers={1: 1}))
    assert set(metrics.METRIC_BY_CODE) <= set(record)
    assert set(record) == set(expected(agency_id=1))


def test_window_days_count_both_ends():
    assert MARCH.days == 31
    assert Window("x", date(2025, 1, 1), date(2025, 1, 1)).days == 1
    assert Window("x", date(2025, 1, 1), date(2025, 3, 14)).days == 73  # 31 + 28 + 14


# --- one realistic agency, every indicator -------------------------------------------------------------------

# Processing days in brackets (finished − received, in days, with hours).
MAIN = [
    # finished in March
    dossier("F1", received=at(3, 2), due=at(3, 10, 17), finished=at(3, 10, 8), channel="online",
            online_kind="full", dossier_digitised=True, result_digitised=True, rating=5),  # on time (due day) [8.0]
    dossier("F2", received=at(3, 3), due=at(3, 11, 8), finished=at(3, 11, 20), channel="online",
            online_kind="partial", result_digitised=True, rating=4),  # on time: due day, after due hour [8.5]
    dossier("F3", received=at(3, 4), due=at(3, 12, 17), finished=at(3, 11, 20), channel="postal",
            result_digitised=True, rating=3),  # early: day before due [7.5]
    dossier("F4", received=at(3, 5), due=at(3, 13, 17), finished=at(3, 14, 8), dossier_digitised=True,
            rating=2),  # late, no apology [9.0]
    dossier("F5", received=at(3, 5), due=at(3, 13, 17), finished=at(3, 15, 20), apology=True,
            rating=1),  # late with apology [10.5]
    dossier("F6", received=at(3, 6), due=at(3, 16, 0), finished=at(3, 16, 8),
            apology=True),  # on time (due 00:00, finished 08:00 that day); letter moot [10.0]
    dossier("F7", received=at(3, 6), finished=at(3, 7, 8)),  # no due date: finished, not judged [1.0]
    dossier("F8", received=at(2, 20), due=at(3, 2, 17), finished=at(3, 1, 8), channel="online",
            online_kind="full", dossier_digitised=True, result_digitised=True,
            rating=4),  # received in February: finished (early), not received [9.0]
    # finished in February: nowhere
    dossier("X1", received=at(2, 1), due=at(2, 10, 17), finished=at(2, 9, 8), apology=True, result_digitised=True,
            rating=5),
    # open at the end of March
    dossier("O1", received=at(3, 10), due=at(3, 20, 17), channel="online", online_kind="full",
            apology=True),  # overdue, with apology
    dossier("O2", received=at(3, 20), due=at(3, 31, 17), dossier_digitised=True),  # due on the last day: overdue
    dossier("O3", received=at(3, 25), due=at(4, 5, 17), channel="postal", apology=True),  # due in April: not overdue
    dossier("O4", received=at(3, 26), due=at(3, 30, 17), finished=at(4, 2, 8), result_digitised=True,
            rating=5),  # finished in April: open and overdue at the end of March, its rating not counted
    dossier("O5", received=at(3, 27), dossier_digitised=True, apology=True),  # no due date: never overdue
    dossier("O6", received=at(2, 15), due=at(2, 28, 17)),  # received in February, still open: open, overdue
    dossier("B1", received=at(3, 31, 23, 30), due=at(4, 10, 17)),  # received on the last evening
    dossier("B2", received=at(4, 1, 0, 0), due=at(4, 3, 17)),  # received after the window: nowhere
    # returned before processing / withdrawn: received and rejected/withdrawn only
    dossier("R1", received=at(3, 8), due=at(3, 9, 17), finished=at(3, 9, 8), returned=at(3, 9, 8),
            status="rejected", apology=True, result_digitised=True, rating=1),
    dossier("R2", received=at(2, 25), returned=at(2, 26, 8), status="rejected"),  # February: nowhere
    dossier("W1", received=at(3, 9), due=at(3, 12, 17), status="withdrawn", apology=True),
]
# received: F1–F7, O1–O5, B1, R1, W1 = 15   (not F8, X1, O6, B2, R2)
# finished: F1–F8 = 8; judged (with a due date): all but F7 = 7
# early: F3, F8 = 2; on_time: F1, F2, F6 = 3; late: F4, F5 = 2 → on_time_rate = 5/7
# open: O1–O6, B1 = 7; open_overdue (due ≤ 31/3): O1, O2, O4, O6 = 4
# apology: F5 (late), O1 (overdue) = 2 → apology_rate = 2/(2 + 4)
# online: F1, F2, O1 = 3; full_online: F1, O1 = 2; postal: F3, O3 = 2 (over 15 received)
# dossier_digitised: F1, F4, O2, O5 = 4 / 15; result_digitised: F1, F2, F3, F8 = 4 / 8 finished
# days: 8.0 8.5 7.5 9.0 10.5 10.0 1.0 9.0 → sum 63.5, avg 7.9375; sorted 1 7.5 8 8.5 | 9 9 10 10.5 → median 8.75
# rated: F1 5, F2 4, F3 3, F4 2, F5 1, F8 4 = 6; satisfied (≥ 4): F1, F2, F8 = 3 → 50%
# rejected: R1 = 1; withdrawn: W1 = 1
MAIN_COUNTS = dict(
    received=15, finished=8, judged=7, early=2, on_time=3, late=2, open=7, open_overdue=4, apology=2, online=3,
    full_online=2, postal=2, dossier_digitised=4, result_digitised=4, rated=6, satisfied=3, rejected=1, withdrawn=1,
    avg_processing_days=63.5 / 8, median_processing_days=8.75,
    on_time_rate=100 * 5 / 7, apology_rate=100 * 2 / 6, online_rate=100 * 3 / 15, full_online_rate=100 * 2 / 15,
    postal_rate=100 * 2 / 15, dossier_digitised_rate=100 * 4 / 15, result_digitised_rate=50.0,
    satisfaction_rate=50.0,
)


def test_one_agency_every_indicator(tmp_path):
    s = load(tmp_path, *MAIN)
    check(only(compute(s, [MARCH], by="all")), expected(**MAIN_COUNTS))
    check(only(compute(s, [MARCH], by="level")), expected(level="province", **MAIN_COUNTS))
    # 3 officers: 15 received / 3 × 365 / 31 days
    check(only(compute(s, [MARCH], by="agency", officers={1: 3})),
          expected(agency_id=1, officers=3, dossiers_per_officer=15 / 3 * 365 / 31, **MAIN_COUNTS))


def test_basis_is_the_denominator(tmp_path):
    record = only(compute(load(tmp_path, *MAIN), [MARCH], by="all"))
    assert basis("on_time_rate", record) == 7  # judged
    assert basis("apology_rate", record) == 6  # late 2 + open overdue 4
    for rate in ("online_rate", "full_online_rate", "postal_rate", "dossier_digitised_rate"):
        assert basis(rate, record) == 15  # received
    assert basis("result_digitised_rate", record) == 8  # finished
    assert basis("satisfaction_rate", record) == 6  # ratings
    assert basis("avg_processing_days", record) == basis("median_processing_days", record) == 8  # finished
    assert basis("dossiers_per_officer", record) == basis("late", record) == 15  # else the receipts
    assert basis("late", {"finished": 3}) is None


# --- one dossier at a time ------------------------------------------------------------------------------------

# Rates of a lone dossier received in March that is still open (no finished date) and not overdue.
OPEN_RATES = dict(online_rate=0.0, full_online_rate=0.0, postal_rate=0.0, dossier_digitised_rate=0.0)
# ... and of one received and finished in March (none late unless overridden).
DONE_RATES = dict(OPEN_RATES, result_digitised_rate=0.0)

ONE = {
    # finished on its due date, before the due hour: on time [8.0 days]
    "on due day": (
        dossier("A", received=at(3, 2), due=at(3, 10, 17), finished=at(3, 10, 8)),
        dict(received=1, finished=1, judged=1, on_time=1, avg_processing_days=8.0, median_processing_days=8.0,
             on_time_rate=100.0, **DONE_RATES)),
    # finished on its due date, 12 hours after the due hour: still on time (days compared) [8.5]
    "on due day, after due hour": (
        dossier("A", received=at(3, 2), due=at(3, 10, 8), finished=at(3, 10, 20)),
        dict(received=1, finished=1, judged=1, on_time=1, avg_processing_days=8.5, median_processing_days=8.5,
             on_time_rate=100.0, **DONE_RATES)),
    # due at 00:00, finished at 23:59 the same day: on time [8 days 15 h 59 min]
    "due at midnight, finished that evening": (
        dossier("A", received=at(3, 2), due=at(3, 10, 0), finished=at(3, 10, 23, 59)),
        dict(received=1, finished=1, judged=1, on_time=1, avg_processing_days=8 + (15 * 60 + 59) / 1440,
             median_processing_days=8 + (15 * 60 + 59) / 1440, on_time_rate=100.0, **DONE_RATES)),
    # the day before: early [7.0]
    "day before due": (
        dossier("A", received=at(3, 2), due=at(3, 10, 17), finished=at(3, 9, 8)),
        dict(received=1, finished=1, judged=1, early=1, avg_processing_days=7.0, median_processing_days=7.0,
             on_time_rate=100.0, **DONE_RATES)),
    # the day after: late, no letter → apology 0/1 [9.0]
    "day after due": (
        dossier("A", received=at(3, 2), due=at(3, 10, 17), finished=at(3, 11, 8)),
        dict(received=1, finished=1, judged=1, late=1, avg_processing_days=9.0, median_processing_days=9.0,
             on_time_rate=0.0, apology_rate=0.0, **DONE_RATES)),
    # due 23:59, finished 00:01 the next day (two minutes later): late
    "minutes after due, next day": (
        dossier("A", received=at(3, 2, 0, 1), due=at(3, 10, 23, 59), finished=at(3, 11, 0, 1)),
        dict(received=1, finished=1, judged=1, late=1, avg_processing_days=9.0, median_processing_days=9.0,
             on_time_rate=0.0, apology_rate=0.0, **DONE_RATES)),
    # late with a letter: apology 1/1
    "late with apology": (
        dossier("A", received=at(3, 2), due=at(3, 10, 17), finished=at(3, 11, 8), apology=True),
        dict(received=1, finished=1, judged=1, late=1, apology=1, avg_processing_days=9.0,
             median_processing_days=9.0, on_time_rate=0.0, apology_rate=100.0, **DONE_RATES)),
    # a letter on an on-time dossier is not an apology for lateness: apology 0, denominator 0 → None
    "on time with apology letter": (
        dossier("A", received=at(3, 2), due=at(3, 10, 17), finished=at(3, 10, 8), apology=True),
        dict(received=1, finished=1, judged=1, on_time=1, avg_processing_days=8.0, median_processing_days=8.0,
             on_time_rate=100.0, **DONE_RATES)),
    "early with apology letter": (
        dossier("A", received=at(3, 2), due=at(3, 10, 17), finished=at(3, 9, 8), apology=True),
        dict(received=1, finished=1, judged=1, early=1, avg_processing_days=7.0, median_processing_days=7.0,
             on_time_rate=100.0, **DONE_RATES)),
    # finished, no due date: finished but outside the on-time denominator → on_time_rate None [1.5]
    "finished without due date": (
        dossier("A", received=at(3, 2), finished=at(3, 3, 20), apology=True),
        dict(received=1, finished=1, avg_processing_days=1.5, median_processing_days=1.5, **DONE_RATES)),
    # open past its due date at the window's end: open, overdue → apology 0/1; not finished, not judged
    "open past due": (
        dossier("A", received=at(3, 2), due=at(3, 10, 17)),
        dict(received=1, open=1, open_overdue=1, apology_rate=0.0, **OPEN_RATES)),
    "open past due with apology": (
        dossier("A", received=at(3, 2), due=at(3, 10, 17), apology=True),
        dict(received=1, open=1, open_overdue=1, apology=1, apology_rate=100.0, **OPEN_RATES)),
    # due on the window's last day, still open at the end of it: overdue ("không sau ngày cuối kỳ")
    "open, due on the last day": (
        dossier("A", received=at(3, 2), due=at(3, 31, 17)),
        dict(received=1, open=1, open_overdue=1, apology_rate=0.0, **OPEN_RATES)),
    "open, due on the last minute": (
        dossier("A", received=at(3, 2), due=at(3, 31, 23, 59), apology=True),
        dict(received=1, open=1, open_overdue=1, apology=1, apology_rate=100.0, **OPEN_RATES)),
    # due the day after the window: open, not overdue; its letter does not count
    "open, due after the window": (
        dossier("A", received=at(3, 2), due=at(4, 1, 0), apology=True),
        dict(received=1, open=1, **OPEN_RATES)),
    # no due date: open, never overdue, even received long ago
    "open without due date": (
        dossier("A", received=at(3, 2), apology=True),
        dict(received=1, open=1, **OPEN_RATES)),
    "open without due date, received in January": (
        dossier("A", received=at(1, 5)),
        dict(open=1)),
    # received in the window, finished after it (before its due): open at the end, not finished; its rating
    # and result digitisation are not counted
    "finished after the window": (
        dossier("A", received=at(3, 20), due=at(4, 5, 17), finished=at(4, 2, 8), result_digitised=True, rating=5),
        dict(received=1, open=1, **OPEN_RATES)),
    # ... and past its due date at the end of March: overdue (its later apology letter counts for March)
    "finished after the window, due inside": (
        dossier("A", received=at(3, 20), due=at(3, 25, 17), finished=at(4, 2, 8), apology=True),
        dict(received=1, open=1, open_overdue=1, apology=1, apology_rate=100.0, **OPEN_RATES)),
    # received in February, finished in March: finished (early), not received → receipt rates None [2.5]
    "received before, finished inside": (
        dossier("A", received=at(2, 27, 12), due=at(3, 5, 17), finished=at(3, 2, 0), result_digitised=True,
                rating=4, channel="online", online_kind="full", dossier_digitised=True),
        dict(finished=1, judged=1, early=1, result_digitised=1, rated=1, satisfied=1, avg_processing_days=2.5,
             median_processing_days=2.5, on_time_rate=100.0, result_digitised_rate=100.0,
             satisfaction_rate=100.0)),
    # received in February, finished in February: nowhere in March (by="all" still yields its zero record)
    "received and finished before": (
        dossier("A", received=at(2, 2), due=at(2, 5, 17), finished=at(2, 10, 8), apology=True, rating=5),
        dict()),
    # received in February, still open and past due at the end of March: open, overdue, not received
    "received before, still open": (
        dossier("A", received=at(2, 10), due=at(2, 20, 17)),
        dict(open=1, open_overdue=1, apology_rate=0.0)),
    # boundaries of receipt: 1/3 00:00 and 31/3 23:59 are in, 28/2 23:59 and 1/4 00:00 out
    "received at the first minute": (
        dossier("A", received=at(3, 1, 0, 0), due=at(4, 10, 17)),
        dict(received=1, open=1, **OPEN_RATES)),
    "received at the last minute": (
        dossier("A", received=at(3, 31, 23, 59), due=at(4, 10, 17)),
        dict(received=1, open=1, **OPEN_RATES)),
    "received the minute before": (
        dossier("A", received=at(2, 28, 23, 59), due=at(4, 10, 17)),
        dict(open=1)),
    "received the minute after": (
        dossier("A", received=at(4, 1, 0, 0), due=at(4, 10, 17)),
        dict()),
    # finished on the last evening: finished in March, early [30/3 08:00 → 31/3 23:00 = 39 h = 1.625]
    "finished on the last evening": (
        dossier("A", received=at(3, 30), due=at(4, 3, 17), finished=at(3, 31, 23, 0)),
        dict(received=1, finished=1, judged=1, early=1, avg_processing_days=1.625, median_processing_days=1.625,
             on_time_rate=100.0, **DONE_RATES)),
    # returned before processing: received and rejected only, whatever dates and flags it carries
    "rejected with dates": (
        dossier("A", received=at(3, 2), due=at(3, 3, 17), finished=at(3, 4, 8), returned=at(3, 4, 8),
                status="rejected", apology=True, result_digitised=True, rating=5),
        dict(received=1, rejected=1, **OPEN_RATES)),
    "rejected without dates": (
        dossier("A", received=at(3, 2), returned=at(3, 2, 9), status="rejected"),
        dict(received=1, rejected=1, **OPEN_RATES)),
    "rejected in February": (
        dossier("A", received=at(2, 2), due=at(2, 3, 17), status="rejected"),
        dict()),
    # withdrawn: received and withdrawn only
    "withdrawn past due": (
        dossier("A", received=at(3, 2), due=at(3, 3, 17), status="withdrawn", apology=True),
        dict(received=1, withdrawn=1, **OPEN_RATES)),
    "withdrawn with finished date": (
        dossier("A", received=at(3, 2), due=at(3, 3, 17), finished=at(3, 5, 8), status="withdrawn", rating=4),
        dict(received=1, withdrawn=1, **OPEN_RATES)),
    "withdrawn in February": (
        dossier("A", received=at(2, 2), due=at(2, 3, 17), status="withdrawn"),
        dict()),
}


@pytest.mark.parametrize("row, values", ONE.values(), ids=ONE.keys())
def test_one_dossier(tmp_path, row, values):
    s = load(tmp_path, row)
    check(only(compute(s, [MARCH], by="all")), expected(**values))
    by_agency = compute(s, [MARCH], by="agency")
    if row["received_at"] < datetime(2025, 4, 1):  # the agency has a group, all zeros if nothing counts
        check(only(by_agency), expected(agency_id=1, **values))
    else:  # received after the window: no group
        assert by_agency == []


# --- channels, digitisation, processing time, satisfaction ----------------------------------------------------


def test_channels(tmp_path):
    s = load(
        tmp_path,
        dossier("ON-FULL", received=at(3, 2), channel="online", online_kind="full"),
        dossier("ON-PART", received=at(3, 3), channel="online", online_kind="partial"),
        dossier("ON-NONE", received=at(3, 4), channel="online"),  # online, kind unknown: online, not full
        dossier("POST", received=at(3, 5), channel="postal"),
        dossier("DIRECT", received=at(3, 6)),
        dossier("DIRECT2", received=at(3, 7), online_kind="full"),  # a stray kind on a direct dossier: ignored
        dossier("ON-FEB", received=at(2, 7), channel="online", online_kind="full"),  # received before: open only
        dossier("POST-APR", received=at(4, 1), channel="postal"),  # after: nowhere
    )
    # received 6; online 3 (FULL, PART, NONE) → 50%; full 1 → 16.7%; postal 1 → 16.7%; open: 6 + ON-FEB = 7
    check(only(compute(s, [MARCH], by="all")), expected(
        received=6, open=7, online=3, full_online=1, postal=1, online_rate=50.0, full_online_rate=100 / 6,
        postal_rate=100 / 6, dossier_digitised_rate=0.0))


def test_digitisation(tmp_path):
    s = load(
        tmp_path,
        dossier("D1", received=at(3, 2), finished=at(3, 3), dossier_digitised=True, result_digitised=True),
        dossier("D2", received=at(3, 2), finished=at(3, 4), result_digitised=True),
        dossier("D3", received=at(2, 25), finished=at(3, 2), dossier_digitised=True),  # received in February
        dossier("D4", received=at(3, 5), dossier_digitised=True, result_digitised=True),  # open
        dossier("D5", received=at(3, 6), finished=at(3, 7)),
    )
    # received D1 D2 D4 D5 = 4, digitised D1 D4 = 2 → 50%
    # finished D1 D2 D3 D5 = 4, result digitised D1 D2 = 2 → 50%
    # days: 1, 2, 5 (25/2 → 2/3), 1 → avg 9/4 = 2.25, median (1 + 2)/2 = 1.5
    check(only(compute(s, [MARCH], by="all")), expected(
        received=4, finished=4, open=1, dossier_digitised=2, result_digitised=2, avg_processing_days=2.25,
        median_processing_days=1.5, online_rate=0.0, full_online_rate=0.0, postal_rate=0.0,
        dossier_digitised_rate=50.0, result_digitised_rate=50.0))


def test_processing_days_over_several_windows(tmp_path):
    s = load(
        tmp_path,
        dossier("P1", received=at(3, 1), due=at(3, 5, 17), finished=at(3, 2, 20)),  # 36 h = 1.5, early
        dossier("P2", received=at(3, 2), due=at(3, 4, 17), finished=at(3, 4, 8)),  # 2.0, on time
        dossier("P3", received=at(3, 3), due=at(3, 5, 17), finished=at(3, 3, 14)),  # 6 h = 0.25, early
        dossier("P4", received=at(3, 5), due=at(3, 12, 17), finished=at(3, 15, 8)),  # 10.0, late
        dossier("P5", received=at(3, 6), due=at(4, 30, 17)),  # open
        dossier("P6", received=at(2, 1), due=at(3, 1, 17), finished=at(2, 28, 8)),  # February: 27.0, early
    )
    first_days = Window("D10", date(2025, 3, 1), date(2025, 3, 10))
    february = Window("F", date(2025, 2, 1), date(2025, 2, 28))
    records = compute(s, [MARCH, first_days, february], by="all")
    assert [r["window"] for r in records] == ["M", "D10", "F"]
    march, ten, feb = records
    # March: received P1–P5 = 5; finished P1–P4; early P1 P3, on time P2, late P4 → 3/4; open P5, not overdue
    # apology 0/(1 late + 0) = 0%; days 0.25 1.5 2 10 → avg 13.75/4 = 3.4375, median (1.5 + 2)/2 = 1.75
    check(march, expected(
        received=5, finished=4, judged=4, early=2, on_time=1, late=1, open=1, avg_processing_days=3.4375,
        median_processing_days=1.75, on_time_rate=75.0, apology_rate=0.0, **DONE_RATES))
    # 1–10 March: received 5; finished P1–P3 (days 1.5 2 0.25 → avg 1.25, median 1.5); P4 (finished 15/3,
    # due 12/3 > 10/3) and P5 open, not overdue
    check(ten, expected(
        "D10", received=5, finished=3, judged=3, early=2, on_time=1, open=2, avg_processing_days=1.25,
        median_processing_days=1.5, on_time_rate=100.0, **DONE_RATES))
    # February: P6 received and finished (27 days, early); nothing open at the end of February
    check(feb, expected(
        "F", received=1, finished=1, judged=1, early=1, avg_processing_days=27.0, median_processing_days=27.0,
        on_time_rate=100.0, **DONE_RATES))


def test_satisfaction(tmp_path):
    s = load(
        tmp_path,
        *(dossier(f"R{r}", received=at(3, 2), finished=at(3, 3), rating=r) for r in (5, 4, 3, 2, 1)),
        dossier("UNRATED", received=at(3, 2), finished=at(3, 3)),
        dossier("FEB", received=at(2, 2), finished=at(2, 3), rating=5),  # finished in February
        dossier("OPEN", received=at(3, 2), rating=5),  # not finished
        dossier("APR", received=at(3, 2), finished=at(4, 3), rating=5),  # finished in April
        dossier("REJ", received=at(3, 2), status="rejected", rating=5),  # not finished
    )
    # rated: 5 4 3 2 1 (of finished-in-March) = 5; satisfied 5 4 = 2 → 40%; unrated excluded
    # received: R1–R5, UNRATED, OPEN, APR, REJ = 9; finished 6 (1 day each); open OPEN, APR = 2
    check(only(compute(s, [MARCH], by="all")), expected(
        received=9, finished=6, open=2, rejected=1, rated=5, satisfied=2, avg_processing_days=1.0,
        median_processing_days=1.0, satisfaction_rate=40.0, online_rate=0.0, full_online_rate=0.0,
        postal_rate=0.0, dossier_digitised_rate=0.0, result_digitised_rate=0.0))


def test_only_unrated_dossiers_give_no_satisfaction_rate(tmp_path):
    s = load(tmp_path, dossier("A", received=at(3, 2), finished=at(3, 3)))
    record = only(compute(s, [MARCH], by="all"))
    assert (record["rated"], record["satisfaction_rate"]) == (0, None)
    assert basis("satisfaction_rate", record) == 0


# --- zero denominators -----------------------------------------------------------------------------------------


def test_window_without_dossiers(tmp_path):
    s = load(tmp_path, dossier("A", received=at(5, 2), finished=at(5, 3)))
    # by="all" still yields one record, every count 0 and every rate/average None; by group: no group at all
    check(only(compute(s, [MARCH], by="all")), expected())
    assert compute(s, [MARCH], by="agency") == []
    assert compute(s, [MARCH], by="level") == []


def test_empty_store(tmp_path):
    s = DossierStore(tmp_path / "never")
    for by in ("agency", "level", "all"):
        assert compute(s, [MARCH], by=by) == []
    s = load(tmp_path, dossier("A", received=at(3, 2)))
    s.clear()
    assert compute(s, [MARCH], by="all") == []


# --- grouping and filters ---------------------------------------------------------------------------------------

GROUPED = [
    dossier("a1", agency=1, received=at(3, 2), due=at(3, 10, 17), finished=at(3, 10, 8), channel="online",
            online_kind="full", rating=5),  # on time, 8.0 days
    dossier("a2", agency=1, received=at(3, 3), due=at(3, 13, 17)),  # open, overdue
    dossier("b1", agency=2, received=at(3, 4), due=at(3, 6, 17), finished=at(3, 7, 20), apology=True),  # late 3.5
    dossier("c1", agency=3, level="district", received=at(3, 5), due=at(3, 10, 17), finished=at(3, 6, 8),
            channel="postal", dossier_digitised=True, result_digitised=True, rating=3),  # early, 1.0
    dossier("c2", agency=3, level="district", received=at(3, 6), status="rejected"),
    dossier("d1", agency=4, level="commune", received=at(3, 7), due=at(4, 7, 17)),  # open, not overdue
]
ZERO_RECEIPT_RATES = dict(online_rate=0.0, full_online_rate=0.0, postal_rate=0.0, dossier_digitised_rate=0.0)
# agency 1: received 2; a1 finished on time, online full, rated 5; a2 open overdue → apology 0/1
AGENCY_1 = dict(received=2, finished=1, judged=1, on_time=1, open=1, open_overdue=1, online=1, full_online=1,
                rated=1, satisfied=1, avg_processing_days=8.0, median_processing_days=8.0, on_time_rate=100.0,
                apology_rate=0.0, online_rate=50.0, full_online_rate=50.0, postal_rate=0.0,
                dossier_digitised_rate=0.0, result_digitised_rate=0.0, satisfaction_rate=100.0)
# agency 2: b1 late with apology → on time 0/1, apology 1/1
AGENCY_2 = dict(received=1, finished=1, judged=1, late=1, apology=1, avg_processing_days=3.5,
                median_processing_days=3.5, on_time_rate=0.0, apology_rate=100.0, result_digitised_rate=0.0,
                **ZERO_RECEIPT_RATES)
# agency 3 (district): c1 early, postal, both digitised, rated 3; c2 rejected → receipt rates over 2
AGENCY_3 = dict(received=2, finished=1, judged=1, early=1, postal=1, dossier_digitised=1, result_digitised=1,
                rated=1, rejected=1, avg_processing_days=1.0, median_processing_days=1.0, on_time_rate=100.0,
                online_rate=0.0, full_online_rate=0.0, postal_rate=50.0, dossier_digitised_rate=50.0,
                result_digitised_rate=100.0, satisfaction_rate=0.0)
# agency 4 (commune): d1 open, not overdue
AGENCY_4 = dict(received=1, open=1, **ZERO_RECEIPT_RATES)
# province = agencies 1 + 2: received 3, finished 2 (on time 1, late 1), open overdue 1, apology 1 of 1 + 1,
# online 1 of 3; days 8.0 and 3.5 → avg = median = 5.75
PROVINCE = dict(received=3, finished=2, judged=2, on_time=1, late=1, open=1, open_overdue=1, apology=1, online=1,
                full_online=1, rated=1, satisfied=1, avg_processing_days=5.75, median_processing_days=5.75,
                on_time_rate=50.0, apology_rate=50.0, online_rate=100 / 3, full_online_rate=100 / 3,
                postal_rate=0.0, dossier_digitised_rate=0.0, result_digitised_rate=0.0, satisfaction_rate=100.0)
# everything: received 6; finished a1 b1 c1 (on time, late, early → 2/3); days 8, 3.5, 1 → avg 12.5/3, median 3.5;
# open a2 (overdue), d1; apology 1/(1 + 1); online 1, full 1, postal 1, digitised 1 of 6; result 1 of 3;
# rated a1 5, c1 3 → 1/2
EVERYTHING = dict(received=6, finished=3, judged=3, early=1, on_time=1, late=1, open=2, open_overdue=1, apology=1,
                  online=1, full_online=1, postal=1, dossier_digitised=1, result_digitised=1, rated=2, satisfied=1,
                  rejected=1, avg_processing_days=12.5 / 3, median_processing_days=3.5, on_time_rate=200 / 3,
                  apology_rate=50.0, online_rate=100 / 6, full_online_rate=100 / 6, postal_rate=100 / 6,
                  dossier_digitised_rate=100 / 6, result_digitised_rate=100 / 3, satisfaction_rate=50.0)


def by_key(records: list[dict[str, Any]], key: str) -> dict[Any, dict[str, Any]]:
    out = {r[key]: r for r in records}
    assert len(out) == len(records)
    return out


def test_group_by_agency(tmp_path):
    s = load(tmp_path, *GROUPED)
    got = by_key(compute(s, [MARCH], by="agency"), "agency_id")
    assert sorted(got) == [1, 2, 3, 4]
    for agency, values in ((1, AGENCY_1), (2, AGENCY_2), (3, AGENCY_3), (4, AGENCY_4)):
        check(got[agency], expected(agency_id=agency, **values))


def test_group_by_level(tmp_path):
    s = load(tmp_path, *GROUPED)
    got = by_key(compute(s, [MARCH], by="level", officers={1: 2}), "level")  # officers only by agency
    assert sorted(got) == ["commune", "district", "province"]
    check(got["province"], expected(level="province", **PROVINCE))
    check(got["district"], expected(level="district", **AGENCY_3))
    check(got["commune"], expected(level="commune", **AGENCY_4))


def test_group_all(tmp_path):
    s = load(tmp_path, *GROUPED)
    check(only(compute(s, [MARCH], by="all", officers={1: 2})), expected(**EVERYTHING))


def test_filters(tmp_path):
    s = load(tmp_path, *GROUPED)
    got = by_key(compute(s, [MARCH], by="agency", agency_ids=[1, 2]), "agency_id")
    assert sorted(got) == [1, 2]
    check(got[1], expected(agency_id=1, **AGENCY_1))
    check(got[2], expected(agency_id=2, **AGENCY_2))
    # agencies 1 and 2 together are exactly the province
    check(only(compute(s, [MARCH], by="all", agency_ids=[1, 2])), expected(**PROVINCE))
    check(only(compute(s, [MARCH], by="all", level="province")), expected(**PROVINCE))
    check(only(compute(s, [MARCH], by="all", level="district")), expected(**AGENCY_3))
    got = by_key(compute(s, [MARCH], by="agency", level="province"), "agency_id")
    assert sorted(got) == [1, 2]
    # both filters: agencies 1 and 3 at province level = agency 1
    check(only(compute(s, [MARCH], by="agency", agency_ids=[1, 3], level="province")),
          expected(agency_id=1, **AGENCY_1))
    check(only(compute(s, [MARCH], by="level", agency_ids=(3, 4), level="commune")),
          expected(level="commune", **AGENCY_4))
    # nothing matches: no group, or one zero record for by="all"
    assert compute(s, [MARCH], by="agency", agency_ids=[99]) == []
    assert compute(s, [MARCH], by="agency", agency_ids=[]) == []
    assert compute(s, [MARCH], by="level", level="ward") == []
    check(only(compute(s, [MARCH], by="all", agency_ids=[99])), expected())
    # level="" means no level filter
    check(only(compute(s, [MARCH], by="all", level="")), expected(**EVERYTHING))


def test_several_windows_and_groups_in_one_call(tmp_path):
    s = load(tmp_path, *GROUPED, dossier("e1", agency=1, received=at(4, 2), due=at(4, 3, 17), finished=at(4, 3, 8)))
    april = Window("A", date(2025, 4, 1), date(2025, 4, 30))
    records = compute(s, [MARCH, april], by="agency")
    march = by_key([r for r in records if r["window"] == "M"], "agency_id")
    apr = by_key([r for r in records if r["window"] == "A"], "agency_id")
    # windows in the order asked; every agency with a dossier received by the window's end has a group
    assert [r["window"] for r in records] == ["M"] * 4 + ["A"] * 4
    for agency, values in ((1, AGENCY_1), (2, AGENCY_2), (3, AGENCY_3), (4, AGENCY_4)):
        check(march[agency], expected(agency_id=agency, **values))
    # April, agency 1: e1 received and finished on its due day (1.0 day); a2 still open, overdue since 13/3
    check(apr[1], expected("A", agency_id=1, received=1, finished=1, judged=1, on_time=1, open=1, open_overdue=1,
                           avg_processing_days=1.0, median_processing_days=1.0, on_time_rate=100.0,
                           apology_rate=0.0, result_digitised_rate=0.0, **ZERO_RECEIPT_RATES))
    # April, agency 4: d1 open, due 7/4 → overdue at the end of April; received in March
    check(apr[4], expected("A", agency_id=4, open=1, open_overdue=1, apology_rate=0.0))
    # April, agencies 2 and 3: everything finished or rejected in March → a record of zeros, rates None
    check(apr[2], expected("A", agency_id=2))
    check(apr[3], expected("A", agency_id=3))


# --- dossiers per officer ------------------------------------------------------------------------------------------


def test_dossiers_per_officer(tmp_path):
    window = Window("Q", date(2025, 1, 1), date(2025, 3, 14))  # 73 days
    s = load(
        tmp_path,
        *(dossier(f"five-{i}", agency=5, received=at(1 + i % 3, 1 + i)) for i in range(10)),
        *(dossier(f"six-{i}", agency=6, received=at(2, 1 + i)) for i in range(3)),
        *(dossier(f"seven-{i}", agency=7, received=at(3, 1 + i)) for i in range(4)),
        dossier("five-late", agency=5, received=at(3, 15)),  # after the window
    )
    got = by_key(compute(s, [window], by="agency", officers={5: 2, 7: 0, 8: 4}), "agency_id")
    # agency 5: 10 received / 2 officers × 365 / 73 days = 25 a year; all open, no due date
    check(got[5], expected("Q", agency_id=5, received=10, open=10, officers=2, dossiers_per_officer=25.0,
                           **ZERO_RECEIPT_RATES))
    # agency 6 declared no staff; agency 7 declared 0: no ratio
    check(got[6], expected("Q", agency_id=6, received=3, open=3, **ZERO_RECEIPT_RATES))
    check(got[7], expected("Q", agency_id=7, received=4, open=4, officers=0, **ZERO_RECEIPT_RATES))
    assert 8 not in got
    # a whole year: no scaling (365 days) → 11 received (10 + five-late) / 2 officers
    year = Window("Y", date(2025, 1, 1), date(2025, 12, 31))
    record = by_key(compute(s, [year], by="agency", officers={5: 2}), "agency_id")[5]
    assert record["received"] == 11 and record["dossiers_per_officer"] == pytest.approx(11 / 2)
    # not by agency: never
    for by in ("level", "all"):
        assert all(r["officers"] is None and r["dossiers_per_officer"] is None
                   for r in compute(s, [window], by=by, officers={5: 2, 6: 1, 7: 1}))
