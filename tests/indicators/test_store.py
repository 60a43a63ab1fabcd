"""The Parquet dossier store: merges insert or replace by code, a bad frame changes nothing, generations swap
atomically behind the ``CURRENT`` pointer, and a merge killed mid-way leaves reads intact. Pure (no database)."""

from __future__ import annotations

import threading
from datetime import date, datetime
from pathlib import Path
from typing import Any

import polars as pl
import pytest

from dondoc.indicators.dossiers import store as store_mod
from dondoc.indicators.dossiers.compute import Window, compute
from dondoc.indicators.dossiers.store import COLUMNS, DERIVED, DossierStore, MergeResult

MARCH = Window("M", date(2025, 3, 1), date(2025, 3, 31))


def dossier(code: str, *, received: datetime | None = None, status: str = "processing", agency: int = 1,
            finished: datetime | None = None, rating: int | None = None) -> dict[str, Any]:
    return {
        "code": code, "procedure_code": "1.000001", "procedure_name": "Đăng ký khai sinh", "field": "Hộ tịch",
        "agency_id": agency, "level": "province", "channel": "direct", "online_kind": None,
        "received_at": received or datetime(2025, 3, 2, 8), "due_at": datetime(2025, 3, 20, 17),
        "finished_at": finished, "returned_at": None, "status": status, "apology": False,
        "dossier_digitised": False, "result_digitised": False, "rating": rating,
    }


def frame(rows: list[dict[str, Any]]) -> pl.DataFrame:
    return pl.DataFrame(rows, schema=COLUMNS)


def stored(s: DossierStore) -> pl.DataFrame:
    """The stored dossiers as merged (without the columns the store derives for the indicator queries)."""
    path = s.current_path()
    assert path is not None
    return pl.read_parquet(path).select(list(COLUMNS))


def test_store_derives_days_and_codes_once(root):
    s = DossierStore(root)
    online = {**dossier("A", status="finished", received=datetime(2025, 3, 1, 8, 0),
                        finished=datetime(2025, 3, 2, 20, 0)),
              "channel": "online", "online_kind": "full", "due_at": datetime(2025, 3, 5)}
    s.merge(frame([online, {**dossier("B", status="withdrawn"), "channel": "postal"}]))
    got = pl.read_parquet(s.current_path()).sort("code")
    assert got.columns == [*COLUMNS, *DERIVED]
    a, b = got.rows(named=True)
    assert (a["received_day"], a["due_day"], a["finished_day"]) == (date(2025, 3, 1), date(2025, 3, 5),
                                                                     date(2025, 3, 2))
    assert a["processing_days"] == pytest.approx(1.5)
    assert (a["status_code"], a["channel_code"], a["full_online"]) == (1, 1, True)
    assert (b["status_code"], b["channel_code"], b["full_online"]) == (3, 2, False)
    assert b["finished_day"] is None and b["processing_days"] is None


def by_code(s: DossierStore) -> dict[str, dict[str, Any]]:
    return {r["code"]: r for r in stored(s).iter_rows(named=True)}


def files(root: Path) -> set[str]:
    return {p.name for p in root.iterdir()}


def gen(path: Path) -> set[str]:
    """A generation's files: its dossiers and the daily sums and finished-by-day files derived from them."""
    return {path.name.replace("dossiers-", prefix, 1) for prefix in ("dossiers-", "aggregates-", "finished-")}


def generations(root: Path) -> set[str]:
    return {p.name for p in root.glob("dossiers-*.parquet")}


@pytest.fixture
def root(tmp_path: Path) -> Path:
    return tmp_path / "dossiers"


# --- before the first merge --------------------------------------------------------------------------------------


def test_empty_store(root):
    s = DossierStore(root)
    assert s.current_path() is None
    assert s.count() == 0
    assert s.version() == "empty"
    assert not root.exists()  # reading creates nothing


# --- merging -------------------------------------------------------------------------------------------------------


def test_merge_into_empty_store(root):
    s = DossierStore(root)
    rows = [dossier("C", received=datetime(2025, 3, 3, 8)), dossier("A", received=datetime(2025, 3, 1, 8)),
            dossier("B", received=datetime(2025, 2, 1, 8), status="finished", finished=datetime(2025, 2, 2, 8),
                    rating=5)]
    assert s.merge(frame(rows)) == MergeResult(inserted=3, updated=0, total=3)
    assert s.count() == 3
    path = s.current_path()
    assert path is not None and path.is_file() and path.parent == root
    assert (root / "CURRENT").read_text(encoding="utf-8").strip() == path.name
    assert path.name.startswith("dossiers-") and path.suffix == ".parquet"
    assert s.version() == path.stem
    got = stored(s)
    assert got.schema == pl.Schema(COLUMNS)  # the stored types are exactly the declared ones
    assert got["code"].to_list() == ["B", "A", "C"]  # sorted by receipt
    assert got.sort("code").equals(frame(rows).sort("code"))  # every value kept
    assert files(root) == {"CURRENT", ".lock", *gen(path)}  # no batch, no pointer temp left


def test_merge_casts_to_the_stored_types(root):
    s = DossierStore(root)
    rows = frame([dossier("A", rating=4)]).with_columns(pl.col("agency_id").cast(pl.Int64),
                                                       pl.col("rating").cast(pl.Int64),
                                                       pl.col("received_at").cast(pl.Datetime("ns")))
    assert s.merge(rows) == MergeResult(1, 0, 1)
    got = stored(s)
    assert got.schema == pl.Schema(COLUMNS)
    assert got.row(0, named=True)["agency_id"] == 1 and got.row(0, named=True)["rating"] == 4
    assert got.row(0, named=True)["received_at"] == datetime(2025, 3, 2, 8)


def test_remerge_replaces_by_code(root):
    s = DossierStore(root)
    s.merge(frame([dossier("A"), dossier("B"), dossier("C")]))
    # B and C come again, finished and rated; D is new
    again = [dossier("B", status="finished", finished=datetime(2025, 3, 5, 8), rating=5),
             dossier("C", status="rejected", agency=2), dossier("D")]
    assert s.merge(frame(again)) == MergeResult(inserted=1, updated=2, total=4)
    assert s.count() == 4
    got = by_code(s)
    assert sorted(got) == ["A", "B", "C", "D"]  # no duplicate codes
    assert (got["A"]["status"], got["A"]["finished_at"], got["A"]["rating"]) == ("processing", None, None)
    assert (got["B"]["status"], got["B"]["finished_at"], got["B"]["rating"]) == (
        "finished", datetime(2025, 3, 5, 8), 5)
    assert (got["C"]["status"], got["C"]["agency_id"]) == ("rejected", 2)
    # replaced, not merged field by field: a value absent from the new row is gone
    assert s.merge(frame([dossier("B")])) == MergeResult(inserted=0, updated=1, total=4)
    assert (by_code(s)["B"]["status"], by_code(s)["B"]["rating"]) == ("processing", None)
    # the same batch again: all updates, total unchanged
    assert s.merge(frame(again)) == MergeResult(inserted=0, updated=3, total=4)
    assert s.count() == 4


def test_merge_of_no_rows(root):
    s = DossierStore(root)
    assert s.merge(frame([])) == MergeResult(0, 0, 0)
    assert s.count() == 0 and s.current_path() is not None
    s.merge(frame([dossier("A")]))
    assert s.merge(frame([])) == MergeResult(0, 0, 1)
    assert s.count() == 1


def test_merged_rows_are_what_compute_reads(root):
    s = DossierStore(root)
    s.merge(frame([dossier("A"), dossier("B")]))
    assert compute(s, [MARCH], by="all")[0]["open"] == 2
    s.merge(frame([dossier("A", status="finished", finished=datetime(2025, 3, 4, 8))]))
    record = compute(s, [MARCH], by="all")[0]
    assert (record["received"], record["finished"], record["open"]) == (2, 1, 1)


@pytest.mark.parametrize("bad", [
    pytest.param(lambda f: f.drop("rating"), id="missing column"),
    pytest.param(lambda f: f.with_columns(pl.lit(1).alias("extra")), id="extra column"),
    pytest.param(lambda f: f.select(list(reversed(f.columns))), id="columns out of order"),
    pytest.param(lambda f: f.rename({"agency_id": "agency"}), id="renamed column"),
])
def test_wrong_columns_are_rejected_and_change_nothing(root, bad):
    s = DossierStore(root)
    s.merge(frame([dossier("A"), dossier("B")]))
    before = (s.current_path(), s.version(), s.count(), files(root), stored(s))
    with pytest.raises(ValueError, match="columns"):
        s.merge(bad(frame([dossier("A", status="finished", finished=datetime(2025, 3, 3)), dossier("Z")])))
    path, version, count, names, rows = before
    assert (s.current_path(), s.version(), s.count(), files(root)) == (path, version, count, names)
    assert stored(s).equals(rows)


def test_wrong_columns_on_an_empty_store_create_nothing(root):
    s = DossierStore(root)
    with pytest.raises(ValueError):
        s.merge(frame([dossier("A")]).drop("code"))
    assert s.current_path() is None and s.count() == 0
    assert not root.exists() or not generations(root)


# --- generations and the CURRENT pointer ------------------------------------------------------------------------


def test_pointer_switches_and_keeps_only_the_previous_generation(root):
    s = DossierStore(root)
    s.merge(frame([dossier("A")]))
    g1 = s.current_path()
    assert generations(root) == {g1.name}
    s.merge(frame([dossier("B")]))
    g2 = s.current_path()
    assert g2 != g1
    assert generations(root) == {g1.name, g2.name}  # the previous one kept for readers mid-query
    # a reader that took the pointer before the swap still reads its (old) generation in full
    assert pl.read_parquet(g1)["code"].to_list() == ["A"]
    s.merge(frame([dossier("C")]))
    g3 = s.current_path()
    assert generations(root) == {g2.name, g3.name}  # the one before the previous is gone
    assert not g1.exists()
    assert sorted(stored(s)["code"]) == ["A", "B", "C"]
    assert files(root) == {"CURRENT", ".lock", *gen(g2), *gen(g3)}  # no pointer temp, no batch left


def test_version_changes_on_every_merge(root):
    s = DossierStore(root)
    seen = [s.version()]
    rows = frame([dossier("A")])
    for _ in range(4):  # the same rows each time: still a new generation, a new version
        s.merge(rows)
        assert s.version() == s.current_path().stem
        seen.append(s.version())
    assert len(set(seen)) == len(seen)
    assert seen[0] == "empty"


def test_failed_merge_leaves_the_current_generation(root, monkeypatch):
    s = DossierStore(root)
    s.merge(frame([dossier("A"), dossier("B")]))
    path, names = s.current_path(), files(root)

    def crash(self, target):
        raise KeyboardInterrupt  # killed between writing the generation and swapping the pointer

    monkeypatch.setattr(DossierStore, "_swap", crash)
    with pytest.raises(KeyboardInterrupt):
        s.merge(frame([dossier("C")]))
    assert s.current_path() == path and s.count() == 2
    assert files(root) == names  # the new generation and the batch are removed


def test_failed_fsync_leaves_the_current_generation(root, monkeypatch):
    s = DossierStore(root)
    s.merge(frame([dossier("A")]))
    path, names = s.current_path(), files(root)

    def crash(path):
        raise OSError("disk full")

    monkeypatch.setattr(store_mod, "_fsync", crash)
    with pytest.raises(OSError, match="disk full"):
        s.merge(frame([dossier("C")]))
    monkeypatch.undo()
    assert s.current_path() == path and s.count() == 1
    assert files(root) == names
    assert s.merge(frame([dossier("C")])) == MergeResult(1, 0, 2)


def test_orphans_of_a_killed_merge_do_not_affect_reads_and_go_at_the_next_merge(root):
    s = DossierStore(root)
    s.merge(frame([dossier("A"), dossier("B")]))
    g1 = s.current_path()
    s.merge(frame([dossier("C")]))
    g2 = s.current_path()
    # a merge killed mid-way: its batch written in full, its generation half written
    frame([dossier("X")]).write_parquet(root / "batch-0123456789abcdef.parquet")
    (root / "dossiers-deadbeefdeadbeef.parquet").write_bytes(b"PAR1\x00\x01half a file")
    assert s.current_path() == g2 and s.version() == g2.stem
    assert s.count() == 3
    record = compute(s, [MARCH], by="all")[0]
    assert (record["received"], record["open"]) == (3, 3)  # neither X nor the broken file is read
    s.merge(frame([dossier("D")]))
    g3 = s.current_path()
    assert files(root) == {"CURRENT", ".lock", *gen(g2), *gen(g3)}  # both orphans and g1 cleaned
    assert not g1.exists()
    assert sorted(stored(s)["code"]) == ["A", "B", "C", "D"]


def test_clear(root):
    s = DossierStore(root)
    s.merge(frame([dossier("A")]))
    s.merge(frame([dossier("B")]))
    s.clear()
    assert s.current_path() is None and s.count() == 0 and s.version() == "empty"
    assert generations(root) == set()
    assert not (root / "CURRENT").exists()
    assert compute(s, [MARCH], by="all") == []
    # the next merge starts afresh: nothing to update
    assert s.merge(frame([dossier("A"), dossier("C")])) == MergeResult(inserted=2, updated=0, total=2)
    assert sorted(stored(s)["code"]) == ["A", "C"]
    DossierStore(root.parent / "never").clear()  # clearing a store never written is harmless


def test_concurrent_merges_lose_nothing(root):
    s = DossierStore(root)
    errors: list[BaseException] = []

    def merge(n: int) -> None:
        try:
            DossierStore(root).merge(frame([dossier(f"T{n}-{i}") for i in range(5)]))
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=merge, args=(n,)) for n in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert s.count() == 20
    assert len(generations(root)) == 2


# --- tagged merges: a job run again after a crash does not merge twice ---------------------------------------------


def test_a_tag_merged_again_changes_nothing_and_answers_the_first_merge(root):
    s = DossierStore(root)
    s.merge(frame([dossier("A"), dossier("B")]), tag="import-1")
    first = s.current_path()
    done = s.merge(frame([dossier("B"), dossier("C")]), tag="import-2")
    assert done == MergeResult(inserted=1, updated=1, total=3)
    path, names = s.current_path(), files(root)
    assert names == {"CURRENT", ".lock", *gen(first), *gen(path)}  # the record is inside a generation's file
    # the job killed after the swap, run again: the same rows under the same tag
    assert s.merge(frame([dossier("B"), dossier("C")]), tag="import-2") == done
    assert (s.current_path(), files(root), s.count()) == (path, names, 3)  # no new generation
    assert s.merges() == {"import-1": MergeResult(2, 0, 2), "import-2": done}
    # an earlier tag is remembered across generations, an untagged merge carries the record on
    assert s.merge(frame([dossier("A")]), tag="import-1") == MergeResult(2, 0, 2) and s.current_path() == path
    assert s.merge(frame([dossier("C")])) == MergeResult(0, 1, 3) and s.current_path() != path
    assert s.merges() == {"import-1": MergeResult(2, 0, 2), "import-2": done}
    assert s.merge(frame([dossier("B")]), tag="import-2") == done and s.count() == 3


def test_merge_records_are_bounded_and_go_with_the_store(root, monkeypatch):
    monkeypatch.setattr(store_mod, "MERGES_KEPT", 3)
    s = DossierStore(root)
    for n in range(5):
        s.merge(frame([dossier(f"T{n}")]), tag=f"import-{n}")
    assert list(s.merges()) == ["import-2", "import-3", "import-4"]  # the newest, oldest first
    assert s.merges()["import-4"] == MergeResult(1, 0, 5)
    s.clear()
    assert s.merges() == {}
    assert DossierStore(root.parent / "never").merges() == {}


def test_a_tagged_merge_killed_before_the_swap_is_merged_when_run_again(root, monkeypatch):
    s = DossierStore(root)
    s.merge(frame([dossier("A")]), tag="import-1")
    path, names = s.current_path(), files(root)

    def crash(self, target):
        raise KeyboardInterrupt

    monkeypatch.setattr(DossierStore, "_swap", crash)
    with pytest.raises(KeyboardInterrupt):
        s.merge(frame([dossier("B")]), tag="import-2")
    monkeypatch.undo()
    assert (s.current_path(), files(root)) == (path, names) and "import-2" not in s.merges()
    assert s.merge(frame([dossier("B")]), tag="import-2") == MergeResult(1, 0, 2)  # the retry merges
