"""Check an export's cells row by row and turn the good rows into canonical typed dossier records.

Every row either becomes a record or is listed with its reasons: nothing is silently dropped. All per-row work
is polars expressions; value vocabularies are looked up once per distinct cell text, not once per row.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from typing import Any

import polars as pl

from .reading import LINE, Export, ExportError, char_class
from .schema import (
    BOOL_WORDS,
    CHANNEL_WORDS,
    DATETIME_FORMATS,
    FIELD_BY_NAME,
    FIELDS,
    LEVEL_WORDS,
    ONLINE_KIND_WORDS,
    RATING_WORDS,
    ROW_COLUMNS,
    STATUS_WORDS,
)


@dataclass(frozen=True)
class AgencyRef:
    id: int
    level: str | None  # "province" | "district" | "commune" | None


AgencyLookup = Mapping[str, AgencyRef]  # key: schema.vocab_key(agency name or alias)

ROW_SCHEMA = ROW_COLUMNS  # the canonical record (schema.py): exact dtypes, exact order
ERROR_SCHEMA: dict[str, pl.DataType] = {"line": pl.Int64(), "code": pl.Utf8(), "reasons": pl.Utf8()}

_TEXTS = ("code", "procedure_code", "procedure_name", "field")
_DATES = ("received_at", "due_at", "finished_at", "returned_at")
_BOOLS = ("apology", "dossier_digitised", "result_digitised")
# Field → (value words, dtype of the stored value).
_VOCABS: dict[str, tuple[Mapping[str, Any], pl.DataType]] = {
    "level": (LEVEL_WORDS, pl.Utf8()),
    "channel": (CHANNEL_WORDS, pl.Utf8()),
    "online_kind": (ONLINE_KIND_WORDS, pl.Utf8()),
    "status": (STATUS_WORDS, pl.Utf8()),
    **{name: (BOOL_WORDS, pl.Boolean()) for name in _BOOLS},
    "rating": (RATING_WORDS, pl.Int8()),
}


@dataclass
class Normalised:
    rows: pl.DataFrame  # good rows, ROW_SCHEMA, in file order
    errors: pl.DataFrame  # ERROR_SCHEMA: one row per bad line, sorted by line
    total: int  # data rows read


def check_mapping(headers: list[str], mapping: Mapping[str, str]) -> None:
    """Raise ExportError naming every required field left unmapped and every mapped header the file lacks."""
    problems: list[str] = []
    unmapped = [f.label for f in FIELDS if f.required and _header(mapping, f.name) is None]
    if unmapped:
        problems.append("Chưa chọn cột cho: " + ", ".join(unmapped))
    present = set(headers)
    absent: list[str] = []
    for f in FIELDS:
        header = _header(mapping, f.name)
        if header is not None and header not in present and header not in absent:
            absent.append(header)
    if absent:
        problems.append("Tệp thiếu cột: " + ", ".join(absent))
    if problems:
        raise ExportError(". ".join(problems) + ".")


def normalise(export: Export, mapping: Mapping[str, str], agencies: AgencyLookup) -> Normalised:
    """Read every row's values; good rows become ROW_SCHEMA records, bad rows are listed with their reasons.

    Unmapped optional fields are null (texts, dates, level, online kind, rating) or False (the yes/no fields).
    """
    check_mapping(export.headers, mapping)
    frame = export.frame
    raw = {f.name: frame[h].fill_null("") for f in FIELDS if (h := _header(mapping, f.name)) is not None}
    work = pl.DataFrame({LINE: frame[LINE], **{f"raw_{name}": cells for name, cells in raw.items()}})

    found = _lookup(raw["agency"], _agency_table(agencies))
    derived: list[pl.Series] = [found["agency_id"], found["agency_level"]]
    for name, (words, dtype) in _VOCABS.items():
        if name in raw:
            found = _lookup(raw[name], _words(words, dtype))
            derived += [found["value"].alias(f"v_{name}"), found["known"].alias(f"known_{name}")]
    for name in _DATES:
        if name in raw:
            derived.append(parse_datetimes(raw[name]).alias(f"v_{name}"))
    derived.append(_first_lines(raw["code"], frame[LINE]))
    work = work.with_columns(derived)

    record = _record_exprs(raw)
    reasons = pl.concat_str(_reason_exprs(raw), separator="; ", ignore_nulls=True).alias("reasons")
    checked = work.with_columns(reasons, *record)
    bad = pl.col("reasons") != ""
    rows = checked.filter(~bad).select(pl.col(name).cast(dtype) for name, dtype in ROW_SCHEMA.items())
    errors = (checked.filter(bad)
              .select(pl.col(LINE).cast(pl.Int64).alias("line"), pl.col("raw_code").alias("code"), "reasons")
              .sort("line"))
    return Normalised(rows=rows, errors=errors, total=frame.height)


# --- reading values ------------------------------------------------------------------------------------------


def _header(mapping: Mapping[str, str], name: str) -> str | None:
    header = mapping.get(name)
    header = unicodedata.normalize("NFC", header).strip() if header else ""
    return header or None


@cache
def _combining_pattern() -> str:
    """Regex class of the characters unicodedata.combining() calls combining (what schema.vocab_key drops)."""
    return char_class(lambda cp: unicodedata.combining(chr(cp)) != 0)


def vocab_key_expr(expr: pl.Expr) -> pl.Expr:
    """schema.vocab_key as a polars expression: accent-free (đ→d), lower case, single-spaced, dashes unified.

    Same steps in the same order as importer.text.key: zero-width spaces out, đ/Đ → d/D, decompose and drop
    combining marks, lower case, en/em/minus dashes → "-", white space runs (str.split's set: Unicode white
    space plus the \\x1c–\\x1f separators) → one space, ends stripped.
    """
    return (expr.str.replace_all("\u200b", "", literal=True)
            .str.replace_many(["đ", "Đ"], ["d", "D"])
            .str.normalize("NFD")
            .str.replace_all(_combining_pattern(), "")
            .str.to_lowercase()
            .str.replace_many(["\u2013", "\u2014", "\u2212"], ["-", "-", "-"])
            .str.replace_all(r"[\s\x1c-\x1f]+", " ")
            .str.strip_chars(" "))


def _lookup(cells: pl.Series, table: pl.DataFrame) -> pl.DataFrame:
    """Each cell's values from ``table`` (columns: key, then the values) by the cell's vocab_key, plus ``known``.

    The key is computed once per distinct cell text (a status column of ten million rows holds a dozen
    spellings), then joined back in file order.
    """
    distinct = (cells.unique().to_frame("cell")
                .with_columns(vocab_key_expr(pl.col("cell")).alias("key"))
                .join(table.with_columns(pl.lit(True).alias("known")), on="key", how="left")
                .drop("key")
                .with_columns(pl.col("known").fill_null(False)))
    return cells.to_frame("cell").join(distinct, on="cell", how="left", maintain_order="left").drop("cell")


def _words(words: Mapping[str, Any], dtype: pl.DataType) -> pl.DataFrame:
    return pl.DataFrame({"key": pl.Series(list(words), dtype=pl.Utf8),
                         "value": pl.Series(list(words.values()), dtype=dtype)})


def _agency_table(agencies: AgencyLookup) -> pl.DataFrame:
    keys = list(agencies)
    return pl.DataFrame({"key": pl.Series(keys, dtype=pl.Utf8),
                         "agency_id": pl.Series([agencies[k].id for k in keys], dtype=pl.Int32),
                         "agency_level": pl.Series([agencies[k].level for k in keys], dtype=pl.Utf8)})


def parse_datetimes(cells: pl.Series) -> pl.Series:
    """Each cell read with the first of schema.DATETIME_FORMATS that parses it whole (date only → midnight);
    blank or unreadable → null.

    Formats are tried on the still-unread cells only, most frequent format first (judged on a sample), so a
    file written in one layout costs one pass.
    """
    result = pl.repeat(None, cells.len(), dtype=pl.Datetime("us"), eager=True).alias(cells.name)
    todo = (cells != "").arg_true()
    sample = cells.gather(todo.head(1000))
    hits = {f: sample.str.to_datetime(f, strict=False, time_unit="us").is_not_null().sum() for f in DATETIME_FORMATS}
    for fmt in sorted(DATETIME_FORMATS, key=lambda f: -hits[f]):
        if todo.len() == 0:
            break
        parsed = cells.gather(todo).str.to_datetime(fmt, strict=False, time_unit="us")
        ok = parsed.is_not_null()
        if ok.any():
            result.scatter(todo.filter(ok), parsed.filter(ok))
            todo = todo.filter(~ok)
    return result


def _first_lines(codes: pl.Series, lines: pl.Series) -> pl.Series:
    """For each later occurrence of a code, the line of its first occurrence; null elsewhere (blank codes
    included: those are "Thiếu Mã hồ sơ")."""
    first = codes.is_first_distinct()
    later = (codes != "") & ~first
    result = pl.repeat(None, codes.len(), dtype=pl.Int64, eager=True).alias("first_line")
    if not later.any():
        return result
    # Only the repeated codes are joined (usually a handful), then scattered back by position.
    repeats = pl.DataFrame({"code": codes.filter(later)})
    firsts = pl.DataFrame({"code": codes.filter(first), "first_line": lines.filter(first).cast(pl.Int64)})
    found = repeats.join(firsts.filter(pl.col("code").is_in(repeats["code"].unique().implode())), on="code",
                         how="left", maintain_order="left")
    return result.scatter(later.arg_true(), found["first_line"])


# --- the record and the reasons ------------------------------------------------------------------------------


def _nullable_text(name: str, raw: Mapping[str, pl.Series]) -> pl.Expr:
    if name not in raw:
        return pl.lit(None, dtype=pl.Utf8)
    return pl.when(pl.col(f"raw_{name}") != "").then(pl.col(f"raw_{name}"))


def _value(name: str, raw: Mapping[str, pl.Series], dtype: pl.DataType) -> pl.Expr:
    return pl.col(f"v_{name}") if name in raw else pl.lit(None, dtype=dtype)


def _record_exprs(raw: Mapping[str, pl.Series]) -> list[pl.Expr]:
    level_cell = _value("level", raw, pl.Utf8())
    channel = pl.col("v_channel")
    kind = _value("online_kind", raw, pl.Utf8())
    exprs = [
        *(_nullable_text(name, raw).alias(name) for name in _TEXTS),
        pl.col("agency_id"),
        # The Cấp column when it says something, else the level the agency directory gives the agency.
        pl.coalesce(level_cell, pl.col("agency_level")).alias("level"),
        channel.alias("channel"),
        pl.when((channel == "online") & (kind != "")).then(kind).alias("online_kind"),
        *(_value(name, raw, pl.Datetime("us")).alias(name) for name in _DATES),
        pl.col("v_status").alias("status"),
        *(_value(name, raw, pl.Boolean()).fill_null(False).alias(name) for name in _BOOLS),
        _value("rating", raw, pl.Int8()).alias("rating"),
    ]
    return exprs


def _quoted(prefix: str, cell: pl.Expr, suffix: str) -> pl.Expr:
    return pl.concat_str(pl.lit(prefix), cell, pl.lit(suffix))


def _reason_exprs(raw: Mapping[str, pl.Series]) -> list[pl.Expr]:
    """One Utf8-or-null expression per possible reason, in the order the reasons are listed."""
    def cell(name: str) -> pl.Expr:
        return pl.col(f"raw_{name}")

    reasons: list[pl.Expr] = []
    for f in FIELDS:
        if f.required:
            reasons.append(pl.when(cell(f.name) == "").then(pl.lit(f"Thiếu {f.label}")))
    for name in _DATES:
        if name in raw:
            label = FIELD_BY_NAME[name].label
            reasons.append(pl.when((cell(name) != "") & pl.col(f"v_{name}").is_null())
                           .then(_quoted(f"{label} '", cell(name), "' không đúng định dạng ngày")))
    reasons.append(pl.when((cell("agency") != "") & pl.col("agency_id").is_null())
                   .then(_quoted("Không tìm thấy cơ quan '", cell("agency"), "' trong danh mục")))
    for name in _VOCABS:
        if name not in raw:
            continue
        unknown = (cell(name) != "") & ~pl.col(f"known_{name}")
        if name == "online_kind":  # only read for online dossiers: other channels may carry old "Mức độ 2" etc.
            unknown = unknown & (pl.col("v_channel") == "online")
        label = FIELD_BY_NAME[name].label
        reasons.append(pl.when(unknown).then(_quoted(f"{label} '", cell(name), "' không hợp lệ")))
    finished_blank = cell("finished_at") == "" if "finished_at" in raw else pl.lit(True)
    reasons.append(pl.when((pl.col("v_status") == "finished") & finished_blank)
                   .then(pl.lit("Hồ sơ đã giải quyết nhưng thiếu Ngày hoàn thành")))
    received_day = pl.col("v_received_at").dt.date()
    for name in ("finished_at", "due_at"):
        if name in raw:
            label = FIELD_BY_NAME[name].label
            reasons.append(pl.when(pl.col(f"v_{name}").dt.date() < received_day)
                           .then(pl.lit(f"{label} trước {FIELD_BY_NAME['received_at'].label}")))
    reasons.append(pl.when(pl.col("first_line").is_not_null()).then(pl.concat_str(
        pl.lit(f"{FIELD_BY_NAME['code'].label} '"), cell("code"), pl.lit("' trùng với dòng "),
        pl.col("first_line").cast(pl.Utf8))))
    return reasons


__all__ = ["AgencyLookup", "AgencyRef", "ERROR_SCHEMA", "Normalised", "ROW_SCHEMA", "check_mapping", "normalise",
           "parse_datetimes", "vocab_key_expr"]
