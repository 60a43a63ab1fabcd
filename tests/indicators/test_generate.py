"""The generator of one-stop-shop exports: deterministic, spelt in the schema's words, dates in order, shares as
designed. Pure (no database)."""

from __future__ import annotations

from datetime import date, datetime

import polars as pl
import pytest

from dondoc.indicators.dossiers import schema
from dondoc.indicators.dossiers.generate import (
    AgencySpec,
    generate,
    holidays,
    province_agencies,
    write_export,
)

START, END = date(2025, 1, 1), date(2025, 12, 31)
H = {f.name: f.label for f in schema.FIELDS}
WORDS = {
    "level": schema.LEVEL_WORDS, "channel": schema.CHANNEL_WORDS, "online_kind": schema.ONLINE_KIND_WORDS,
    "status": schema.STATUS_WORDS, "apology": schema.BOOL_WORDS, "dossier_digitised": schema.BOOL_WORDS,
    "result_digitised": schema.BOOL_WORDS, "rating": schema.RATING_WORDS,
}


@pytest.fixture(scope="module")
def agencies() -> list[AgencySpec]:
    return province_agencies()


@pytest.fixture(scope="module")
def frame(agencies: list[AgencySpec]) -> pl.DataFrame:
    return generate(20_000, agencies, start=START, end=END, seed=7)


def parse(text: str) -> datetime | None:
    if not text:
        return None
    for fmt in schema.DATETIME_FORMATS:
        try:
            return datetime.strptime(text, fmt)
        except ValueError:
            continue
    raise AssertionError(f"unreadable date {text!r}")


def decoded(frame: pl.DataFrame) -> pl.DataFrame:
    """The frame's coded columns in stored values (via the schema's words) and its dates parsed."""
    out = {name: [WORDS[name][schema.vocab_key(v)] for v in frame[H[name]].to_list()] for name in WORDS}
    for name in ("received_at", "due_at", "finished_at", "returned_at"):
        out[name] = [parse(v) for v in frame[H[name]].to_list()]
    out["agency"] = frame[H["agency"]].to_list()
    return pl.DataFrame(out, schema_overrides={"rating": pl.Int8})


def test_province_agencies(agencies: list[AgencySpec]) -> None:
    assert len(agencies) == 250
    names = [a.name for a in agencies]
    assert len(set(names)) == len(names)
    assert len({schema.vocab_key(n) for n in names}) == len(names)  # lookups go by the accent-free key
    levels = [a.level for a in agencies]
    assert levels.count("province") == 20 and levels.count("district") == 10 and levels.count("commune") == 220
    assert "Sở Tư pháp" in names and "Sở Tài nguyên và Môi trường" in names
    assert all(n.startswith("UBND huyện ") for n, lv in zip(names, levels, strict=True) if lv == "district")
    assert all(n.startswith("UBND xã ") for n, lv in zip(names, levels, strict=True) if lv == "commune")
    assert province_agencies() == agencies
    assert len(province_agencies(2, 3, 4)) == 4 + 2 + 2 * 3
    with pytest.raises(ValueError):
        province_agencies(n_departments=100)


def test_headers_and_types(frame: pl.DataFrame) -> None:
    assert frame.columns == schema.DEFAULT_HEADERS
    assert all(dtype == pl.String for dtype in frame.dtypes)
    assert frame.height == 20_000
    assert frame.null_count().sum_horizontal().item() == 0  # empty cells are ""
    assert schema.suggest_mapping(frame.columns) == {f.name: f.label for f in schema.FIELDS}


def test_deterministic(agencies: list[AgencySpec], frame: pl.DataFrame) -> None:
    again = generate(20_000, agencies, start=START, end=END, seed=7)
    assert again.equals(frame)
    other = generate(20_000, agencies, start=START, end=END, seed=8)
    assert not other.equals(frame)
    small = generate(500, agencies[:5], start=START, end=date(2025, 3, 31), seed=1, code_prefix="B")
    assert small.equals(generate(500, agencies[:5], start=START, end=date(2025, 3, 31), seed=1, code_prefix="B"))
    assert small[H["code"]].str.starts_with("B").all()


def test_codes_unique(frame: pl.DataFrame) -> None:
    codes = frame[H["code"]]
    assert codes.n_unique() == frame.height
    assert codes.str.contains(r"^000\.\d{2}\.\d{3}\.H53-\d{6}-\d{4,}$").all()
    # the code's day is the receiving day
    day = frame[H["received_at"]].str.slice(0, 10).str.strptime(pl.Date, "%d/%m/%Y").dt.strftime("%y%m%d")
    assert (codes.str.split("-").list.get(1) == day).all()


def test_values_in_vocabularies(frame: pl.DataFrame, agencies: list[AgencySpec]) -> None:
    for name, words in WORDS.items():
        values = frame[H[name]].unique().to_list()
        unknown = [v for v in values if schema.vocab_key(v) not in words]
        assert not unknown, (name, unknown)
    # the level written is the agency's
    level_of = {a.name: schema.LEVELS[a.level] for a in agencies}
    assert all(level_of[a] == lv for a, lv in frame.select(H["agency"], H["level"]).unique().iter_rows())
    assert set(frame[H["level"]].unique()) == set(schema.LEVELS.values())
    assert set(frame[H["channel"]].unique()) == set(schema.CHANNELS.values())
    assert set(frame[H["online_kind"]].unique()) == {"", *schema.ONLINE_KINDS.values()}
    assert set(frame[H["apology"]].unique()) == {"Có", "Không"}
    assert set(frame[H["rating"]].unique()) == {"", "Rất hài lòng", "Hài lòng", "Bình thường", "Không hài lòng"}
    assert {"Đã giải quyết", "Đang xử lý", "Trả lại hồ sơ", "Công dân rút hồ sơ"} <= set(frame[H["status"]])
    assert frame[H["procedure_code"]].n_unique() >= 30
    assert {"Hộ tịch", "Chứng thực", "Đất đai", "Xây dựng", "Đăng ký kinh doanh", "Lao động"} <= set(
        frame[H["field"]])


def test_procedures_belong_to_levels(frame: pl.DataFrame) -> None:
    fields = frame.group_by(H["level"]).agg(pl.col(H["field"]).unique())
    by_level = {row[0]: set(row[1]) for row in fields.iter_rows()}
    assert {"Hộ tịch", "Chứng thực"} <= by_level["Cấp xã"]
    assert "Xây dựng" not in by_level["Cấp xã"] and "Lý lịch tư pháp" not in by_level["Cấp xã"]
    assert {"Đất đai", "Xây dựng", "Đăng ký kinh doanh"} <= by_level["Cấp huyện"]
    assert "Lý lịch tư pháp" in by_level["Cấp tỉnh"]
    # a procedure code always names the same procedure and field
    assert frame.select(H["procedure_code"], H["procedure_name"], H["field"]).unique().height == frame[
        H["procedure_code"]].n_unique()


def test_dates_ordered(frame: pl.DataFrame) -> None:
    d = decoded(frame)
    assert d["received_at"].null_count() == 0 and d["due_at"].null_count() == 0
    assert (d["due_at"] >= d["received_at"]).all()
    fin = d.filter(pl.col("finished_at").is_not_null())
    assert (fin["finished_at"] >= fin["received_at"]).all()
    back = d.filter(pl.col("returned_at").is_not_null())
    assert (back["returned_at"] >= back["finished_at"]).all()
    assert back["finished_at"].null_count() == 0
    # received on working days, in office hours, within the period
    received = d["received_at"]
    assert (received.dt.date() >= START).all() and (received.dt.date() <= END).all()
    assert (received.dt.weekday() <= 5).all()
    assert not set(received.dt.date().to_list()) & set(holidays(2025, 2025))
    minutes = received.dt.hour().cast(pl.Int32) * 60 + received.dt.minute().cast(pl.Int32)
    assert ((minutes >= 450) & (minutes < 1020)).all()
    # finished date iff finished; rejected and withdrawn ones have none
    assert ((d["status"] == "finished") == d["finished_at"].is_not_null()).all()
    assert d.filter(pl.col("status").is_in(["rejected", "withdrawn"]))["returned_at"].null_count() == d.filter(
        pl.col("status").is_in(["rejected", "withdrawn"])).height


def test_shares(frame: pl.DataFrame) -> None:
    d = decoded(frame).with_columns(
        month=pl.col("received_at").dt.month(),
        late=pl.col("finished_at").dt.date() > pl.col("due_at").dt.date(),
    )
    n = d.height

    def share(expr: pl.Expr, of: pl.DataFrame = d) -> float:
        return of.select(expr.mean()).item()

    assert 0.40 <= share(pl.col("channel") == "online") <= 0.55
    assert 0.03 <= share(pl.col("channel") == "postal") <= 0.05
    first, last = d.filter(pl.col("month") <= 2), d.filter(pl.col("month") >= 11)
    assert 0.30 <= share(pl.col("channel") == "online", first) <= 0.42
    assert 0.52 <= share(pl.col("channel") == "online", last) <= 0.65
    online = d.filter(pl.col("channel") == "online")
    assert (online["online_kind"] != "").all() and (d.filter(pl.col("channel") != "online")["online_kind"] == "").all()
    assert 0.4 <= share(pl.col("online_kind") == "full", online) <= 0.8
    assert 0.35 <= share(pl.col("dossier_digitised"), first) <= 0.50
    assert 0.72 <= share(pl.col("dossier_digitised"), last) <= 0.88
    # seasonal volume: January–February below the year's monthly average, December above it
    per_month = d.group_by("month").len().sort("month")["len"].to_list()
    assert per_month[0] < n / 12 and per_month[1] < n / 12 and per_month[11] > 1.15 * n / 12
    # outcomes
    assert 0.01 <= share(pl.col("status") == "rejected") <= 0.02
    assert 0.002 <= share(pl.col("status") == "withdrawn") <= 0.008
    assert 0.90 <= share(pl.col("status") == "finished") <= 0.985
    recent = d.filter(pl.col("received_at").dt.date() >= date(2025, 12, 15))
    assert share(pl.col("status") == "processing", recent) > 5 * share(pl.col("status") == "processing")
    done = d.filter(pl.col("status") == "finished")
    assert 0.01 <= share(pl.col("late"), done) <= 0.07
    late = done.filter(pl.col("late"))
    assert 0.6 <= share(pl.col("apology"), late) < 1.0
    assert share(pl.col("apology"), done.filter(~pl.col("late"))) == 0
    assert 0.8 <= share(pl.col("returned_at").is_not_null(), done) < 1.0
    # result digitisation: of finished dossiers only, higher at province level
    assert not d.filter(pl.col("status") != "finished")["result_digitised"].any()
    by_level = {lv: share(pl.col("result_digitised"), done.filter(pl.col("level") == lv))
                for lv in ("province", "district", "commune")}
    assert by_level["province"] > by_level["district"] > by_level["commune"]
    # ratings: finished dossiers only, a minority rated, ~95% of those satisfied
    assert d.filter(pl.col("status") != "finished")["rating"].null_count() == d.filter(
        pl.col("status") != "finished").height
    assert 0.08 <= share(pl.col("rating").is_not_null(), done) <= 0.35
    rated = done.filter(pl.col("rating").is_not_null())
    assert 0.92 <= share(pl.col("rating") >= schema.SATISFIED_FROM, rated) <= 0.98
    # volume skewed: communes each small, some departments big
    per_agency = d.group_by("agency").len()
    assert per_agency["len"].max() > 20 * per_agency["len"].median()


def test_csv_round_trip(tmp_path, frame: pl.DataFrame) -> None:
    path = tmp_path / "export.csv"
    write_export(frame.head(2000), path)
    text = path.read_text("utf-8")
    assert text.splitlines()[0] == ",".join(schema.DEFAULT_HEADERS)
    assert '""' not in text  # empty cells are empty, not quoted
    back = pl.read_csv(path, infer_schema=False).fill_null("")
    assert back.equals(frame.head(2000))


def test_xlsx_round_trip(tmp_path, agencies: list[AgencySpec]) -> None:
    from openpyxl import load_workbook

    small = generate(300, agencies, start=START, end=END, seed=3)
    path = tmp_path / "export.xlsx"
    write_export(small, path, fmt="xlsx")
    ws = load_workbook(path, read_only=True).active
    width = len(schema.DEFAULT_HEADERS)  # a read-only sheet drops a row's trailing empty cells
    rows = [[("" if v is None else v) for v in row] + [""] * (width - len(row))
            for row in ws.iter_rows(values_only=True)]
    assert rows[0] == schema.DEFAULT_HEADERS
    assert rows[1:] == [list(r) for r in small.iter_rows()]
    with pytest.raises(ValueError):
        write_export(small, tmp_path / "x.ods", fmt="ods")
