#!/usr/bin/env python3
"""Fuzz the import engine with atheris: whatever the input, only PlanImportError may escape.

    python scripts/fuzz_import.py [--target NAME] [--corpus DIR] [libFuzzer flags ...]

    python scripts/fuzz_import.py -runs=100000                   # every format, bounded
    python scripts/fuzz_import.py --target deadline -runs=50000  # one stage, in process, thousands/s
    python scripts/fuzz_import.py -max_total_time=3600           # an hour, new inputs kept in --corpus
    python scripts/fuzz_bench.py                                 # every target, a few minutes each

Targets (TARGETS below; `--formats all|text` is the old spelling of `--target all|text`):

  all       read_plan on any bytes; the first byte picks the upload's name (fuzz.txt,
            fuzz.docx, ...: the readers sniff the real type, the name only breaks ties).
            Seeds: a small plan rendered by tests/importer/fixtures_render.py as DOCX, XLSX,
            ODT, PDF, HTML, Windows-1258 HTML, plus text and MHT copies; a custom mutator
            also mutates inside ZIP packages (one member at a time, re-zipped) so mutated
            DOCX/XLSX/ODT reach the XML readers instead of stopping at the ZIP's checksum.
  text      read_plan on the text paths only (TXT, CSV, HTML, MHT names).
  deadline  normalise.deadline.parse_schedule on any text and plan year.
  agencies  normalise.agencies.split_agencies and looks_like_agency.
  targets   normalise.targets on paragraphs (the inner reader, past the safety net that
            turns its exceptions into "no target").
  body      body.paragraphs, normalise.metadata and normalise.periods (their inner readers,
            past the safety nets) on body lines.
  textkey   text.fold / key / akey / strip_accents / cap_combining and their invariants.
  grid      the table stage: text laid out as a Grid ("|" between cells, a line starting
            "=" a merged row, other lines body text) through plan_from_grid.

The stage targets run in process at thousands of inputs per second and check invariants
(dates in range, recurrences known and ordered, agencies non-empty and distinct, targets'
comparators, a Plan that serialises, ...): a broken invariant is a crash like an exception.
Seeds for them are the gold plans' cells and the seed documents' lines (../shared), and a
dictionary of Vietnamese plan vocabulary is handed to libFuzzer (-dict).

For the read_plan targets an exception of the importer's own code that read_grid turned into
a "corrupt" PlanImportError counts as a crash too (the user sees a message, but the code has a
bug); a library's exception on a broken file is what "corrupt" is for.

LibreOffice is switched off for the run (a .doc/.rtf input reports needs_libreoffice): the
harness fuzzes this code, not an external converter.

At the end libFuzzer prints its statistics (-print_final_stats=1 is on by default here):
stat::number_of_executed_units and stat::average_exec_per_sec. A crash writes the input to
crash-* under -artifact_prefix and exits non-zero.
"""

from __future__ import annotations

import io
import json
import logging
import os
import random
import sys
import tempfile
import traceback
import zipfile
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

import atheris  # noqa: E402  (after the path set-up: the seeds come from the test fixtures)

with atheris.instrument_imports(include=["dondoc"]):
    import dondoc.importer.readers.docx
    import dondoc.importer.readers.html
    import dondoc.importer.readers.odt
    import dondoc.importer.readers.office as office
    import dondoc.importer.readers.pdf
    import dondoc.importer.readers.txt
    import dondoc.importer.readers.xlsx  # noqa: F401  (imported here to be instrumented)
    from dondoc.importer import PlanImportError, plan_from_grid, read_plan
    from dondoc.importer import text as textmod
    from dondoc.importer.body import paragraphs
    from dondoc.importer.grid import Grid, Row, Table
    from dondoc.importer.model import RECURRENCES
    from dondoc.importer.normalise import metadata, periods, targets
    from dondoc.importer.normalise.agencies import looks_like_agency, split_agencies
    from dondoc.importer.normalise.deadline import parse_schedule

# The upload names an input can carry (first byte, modulo the list's length).
ALL_NAMES = ("fuzz.txt", "fuzz.html", "fuzz.docx", "fuzz.xlsx", "fuzz.pdf", "fuzz.odt", "fuzz.ods", "fuzz.htm",
             "fuzz.csv", "fuzz.mht", "fuzz.doc", "fuzz.xls", "fuzz.rtf", "fuzz.docm", "fuzz", "fuzz.bin")
TEXT_NAMES = ("fuzz.txt", "fuzz.html", "fuzz.htm", "fuzz.csv", "fuzz.mht")
MAX_LEN = 256 * 1024
NAMES = ALL_NAMES
IMPORTER = str(ROOT / "dondoc" / "importer")


class Finding(AssertionError):
    """An invariant the input broke: libFuzzer reports it as a crash and keeps the input."""


def check(condition: object, what: str) -> None:
    if not condition:
        raise Finding(what)


def one_input(data: bytes) -> None:
    """The property: read_plan returns a Plan (which serialises) or raises PlanImportError."""
    if not data:
        return
    name = NAMES[data[0] % len(NAMES)]
    try:
        plan = read_plan(data[1:], name)
    except PlanImportError as exc:
        own_bug(exc)
        return
    json.dumps(plan.to_dict(), ensure_ascii=False)


def own_bug(exc: PlanImportError) -> None:
    """Re-raise what read_grid turned into "corrupt" when the importer's own code raised it."""
    cause = exc.__cause__
    if cause is None or isinstance(cause, PlanImportError | RecursionError | MemoryError):
        return
    frames = traceback.extract_tb(cause.__traceback__)
    if frames and frames[-1].filename.startswith(IMPORTER):
        raise Finding(f"the importer's own code raised {type(cause).__name__}: {cause}") from cause


# ---------------------------------------------------------------- stage targets (in process)


def _text(data: bytes) -> str:
    return data.decode("utf-8", "replace")


YEARS = (None, 2024, 2021, 1900, 2200, 1899, 2201, 0, -1, 10**9)


def deadline_input(data: bytes) -> None:
    if not data:
        return
    year = YEARS[data[0] % len(YEARS)]
    text = _text(data[1:])
    schedule = parse_schedule(text, year)
    check(schedule == parse_schedule(text, year), "parse_schedule is not deterministic")
    check_schedule(schedule)


def check_schedule(schedule: Any) -> None:
    d = schedule.to_dict()
    json.dumps(d)
    check(all(1899 <= x.year <= 2200 for x in schedule.due_dates), f"due date out of range: {schedule.due_dates}")
    check(schedule.due_dates == sorted(set(schedule.due_dates)), "due dates not sorted and distinct")
    known = [r for r in RECURRENCES if r in schedule.recurrence]
    check(schedule.recurrence == known, f"recurrences unknown, repeated or out of order: {schedule.recurrence}")
    filled = bool(schedule.due_dates or schedule.recurrence or schedule.continuous or schedule.conditional)
    check(schedule.understood or not filled, "a schedule with content is marked not understood")


def agencies_input(data: bytes) -> None:
    text = _text(data)
    lead, _, coordinating = text.partition("\x00")
    leads, coords = split_agencies(lead, coordinating)
    check((leads, coords) == split_agencies(lead, coordinating), "split_agencies is not deterministic")
    for names in (leads, coords):
        check(all(isinstance(n, str) and n.strip() for n in names), f"empty agency name in {names}")
        folded = [textmod.fold(n).casefold() for n in names]
        check(len(folded) == len(set(folded)), f"an agency twice in {names}")
        for name in names:
            check(isinstance(looks_like_agency(name), bool), "looks_like_agency")
    json.dumps([leads, coords], ensure_ascii=False)


COMPARATORS = {">=", "<=", "="}


def targets_input(data: bytes) -> None:
    paras = _text(data).split("\n")
    for p in paras:
        check_targets(targets._paragraph_targets(p))  # the inner reader: no safety net
    check_targets(targets.extract_targets(paras, paras[::-1]))


def check_targets(found: list[Any]) -> None:
    for t in found:
        check(t.comparator in COMPARATORS, f"comparator {t.comparator!r}")
        check(isinstance(t.value, float | int) and t.value == t.value and abs(t.value) != float("inf"),
              f"value {t.value!r}")
        check(isinstance(t.text, str) and t.text.strip() and isinstance(t.unit, str), f"target {t!r}")
        json.dumps(t.to_dict(), ensure_ascii=False)


def body_input(data: bytes) -> None:
    if not data:
        return
    year = YEARS[data[0] % len(YEARS)]
    lines = _text(data[1:]).split("\n")
    paras = paragraphs(lines)
    check(all(isinstance(p, str) and p.strip() for p in paras), "an empty paragraph")
    meta = metadata._extract(lines)  # the inner readers: no safety nets
    json.dumps(meta.to_dict(), ensure_ascii=False)
    check(meta.issued_date is None or 1900 <= meta.issued_date.year <= 2200, f"issued {meta.issued_date}")
    check(meta.plan_year is None or 1900 <= meta.plan_year <= 2200, f"plan year {meta.plan_year}")
    plan_year = year if isinstance(year, int) and 1900 <= year <= 2200 else None
    for period in periods._extract(paras, plan_year):
        json.dumps(period.to_dict(), ensure_ascii=False)
        check(period.name, "a report period without a name")
        for d in (period.data_from, period.data_to, period.submit_by):
            check(d is None or 1899 <= d.year <= 2201, f"report period date {d}")


def textkey_input(data: bytes) -> None:
    text = _text(data)
    folded = textmod.fold(text)
    check(textmod.fold(folded) == folded, "fold is not idempotent")
    check(folded == folded.strip() and "  " not in folded, "fold leaves white space")
    k = textmod.key(text)
    check(textmod.key(k) == k, "key is not idempotent")
    check(textmod.key(folded) == k, "key(fold(x)) != key(x)")
    check(len(textmod.akey(text)) == len(text), "akey changes the length")
    check(textmod.strip_accents(textmod.strip_accents(text)) == textmod.strip_accents(text), "strip_accents")
    capped = textmod.cap_combining(text)
    check(textmod.cap_combining(capped) == capped and len(capped) <= len(text), "cap_combining")


def grid_of(text: str) -> Grid:
    """Lines with "|" are table rows (cells split at "|", rows padded to the table's width; a
    leading "=" marks a merged row); a run of them is a table; other lines are body text."""
    grid = Grid()
    rows: list[Row] = []

    def flush() -> None:
        if rows:
            width = max(len(r.cells) for r in rows)
            for r in rows:
                r.cells += [""] * (width - len(r.cells))
            grid.tables.append(Table(rows=list(rows), before=grid.body[-4:]))
            rows.clear()

    for n, line in enumerate(text.split("\n"), start=1):
        if "|" in line:
            merged = line.startswith("=")
            rows.append(Row(cells=line.lstrip("=").split("|"), line=n, spans_all=merged))
        else:
            flush()
            if line.strip():
                grid.body.append(line.strip())
    flush()
    return grid


def grid_input(data: bytes) -> None:
    if not data:
        return
    year = YEARS[data[0] % len(YEARS)]
    grid = grid_of(_text(data[1:]))
    plan_year = year if isinstance(year, int) and 1900 <= year <= 2200 else None
    try:
        plan = plan_from_grid(grid, "fuzz", year=plan_year)
    except PlanImportError as exc:
        check(exc.code == "no_tasks", f"plan_from_grid raised {exc.code}")
        return
    json.dumps(plan.to_dict(), ensure_ascii=False)
    check(plan.tasks, "a Plan without tasks")
    rows = sum(len(t.rows) for t in grid.tables)
    check(len(plan.tasks) <= rows, "more tasks than table rows")
    for task in plan.tasks:
        check_schedule(task.schedule)
        check(task.area is None or isinstance(task.area, str), "area")


# name: (callback, the default -max_len, what the seeds are)
TARGETS: dict[str, tuple[Any, int, str]] = {
    "all": (one_input, MAX_LEN, "documents"),
    "text": (one_input, 1024, "documents"),
    "deadline": (deadline_input, 512, "deadline"),
    "agencies": (agencies_input, 512, "agencies"),
    "targets": (targets_input, 1024, "targets"),
    "body": (body_input, 2048, "body"),
    "textkey": (textkey_input, 512, "textkey"),
    "grid": (grid_input, 2048, "grid"),
}


# ---------------------------------------------------------------- mutation inside ZIP packages


def _mutate_zip(payload: bytes, max_size: int, rng: random.Random) -> bytes | None:
    try:
        with zipfile.ZipFile(io.BytesIO(payload)) as zf:
            members = [(info, zf.read(info)) for info in zf.infolist()]
    except Exception:  # not a readable ZIP (any more): let the byte mutator have it
        return None
    if not members:
        return None
    k = rng.randrange(len(members))
    info, body = members[k]
    members[k] = (info, atheris.Mutate(body, max(len(body) * 2, 64)))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zf:
        for item, content in members:
            zf.writestr(item.filename, content, compress_type=item.compress_type)
    data = out.getvalue()
    return data if len(data) < max_size else None


def custom_mutator(data: bytes, max_size: int, seed: int) -> bytes:
    rng = random.Random(seed)
    if len(data) > 1 and data[1:5] == b"PK\x03\x04" and rng.random() < 0.7:
        mutated = _mutate_zip(data[1:], max_size - 1, rng)
        if mutated is not None:
            return data[:1] + mutated
    if data and rng.random() < 0.05:
        return bytes([rng.randrange(256)]) + data[1:]  # the same bytes under another name
    return atheris.Mutate(data, max_size)


# ---------------------------------------------------------------- seed corpus


def seed_plan() -> dict[str, Any]:
    """A small plan in Plan JSON shape: a section, a lettered subsection, an unnumbered row."""
    task = {"section_number": "I", "section_title": "CẢI CÁCH THỦ TỤC HÀNH CHÍNH", "area": "tthc",
            "subsection": None, "output": "Kế hoạch", "lead": "Văn phòng UBND tỉnh",
            "coordinating": "- Các sở, ban, ngành; - UBND cấp huyện", "funding": "", "note": ""}
    return {
        "source": "fuzz",
        "document": {"number": "12/KH-UBND", "kind": "Kế hoạch", "issuer": "Ủy ban nhân dân tỉnh Sơn La",
                     "place": "Sơn La", "issued_date": "2023-12-28", "signer": "Nguyễn Văn A",
                     "title": "Kế hoạch cải cách hành chính năm 2024", "plan_year": 2024},
        "report_periods": [{"name": "Quý I/2024", "data_from": "2023-12-15", "data_to": "2024-03-14",
                            "submit_by": "2024-03-14"}],
        "targets": [{"text": "Tỷ lệ hồ sơ giải quyết đúng hạn đạt tối thiểu 98%", "value": 98, "unit": "%",
                     "comparator": ">="}],
        "tasks": [
            {**task, "number": "1", "content": "Rà soát, công bố thủ tục hành chính", "deadline": "Quý I/2024"},
            {**task, "number": "", "content": "Cập nhật lên Cổng dịch vụ công", "deadline": "Thường xuyên"},
            {**task, "subsection": "a) Một cửa", "number": "2", "content": "Kiểm tra Bộ phận Một cửa",
             "deadline": "Trước ngày 15/6/2024"},
            {**task, "section_number": "II", "section_title": "CẢI CÁCH CÔNG VỤ", "area": "cong_vu",
             "number": "1", "content": "Đánh giá công chức", "lead": "Sở Nội vụ", "deadline": "Tháng 12/2024"},
        ],
    }


def _text_seed(plan: dict[str, Any]) -> str:
    meta = plan["document"]
    lines = [meta["issuer"].upper() + " | CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
             f"Số: {meta['number']} | {meta['place']}, ngày 28 tháng 12 năm 2023", "KẾ HOẠCH", meta["title"],
             *(f"- {t['text']};" for t in plan["targets"]),
             "TT | Nội dung | Sản phẩm | Cơ quan chủ trì | Cơ quan phối hợp | Thời gian hoàn thành |"]
    section = None
    for t in plan["tasks"]:
        if t["section_number"] != section:
            section = t["section_number"]
            lines.append(f"{section} | {t['section_title']} |")
        lines.append(" | ".join([t["number"], t["content"], t["output"], t["lead"], t["coordinating"],
                                 t["deadline"]]) + " |")
    return "\n".join(lines) + "\n"


def write_seeds(directory: Path, target: str = "all") -> int:
    """Seed files for `target` into `directory`; for the read_plan targets the first byte is the
    name's index in ALL_NAMES / TEXT_NAMES."""
    directory.mkdir(parents=True, exist_ok=True)
    if TARGETS[target][2] != "documents":
        stage = stage_seeds(target)
        for i, data in enumerate(stage):
            (directory / f"seed-{i:03d}").write_bytes(data)
        return len(stage)
    from tests.importer.fixtures_render import RENDERERS, FontNotFound, _cp1258, render_html

    plan = seed_plan()
    text = _text_seed(plan)
    html = render_html(plan)
    mime = b"MIME-Version: 1.0\nContent-Type: text/html; charset=utf-8\n\n"
    seeds: list[tuple[str, bytes]] = [
        ("fuzz.txt", text.encode("utf-8")),
        ("fuzz.csv", _cp1258(text)),  # Windows-1258 text, as old Vietnamese editors save it
        ("fuzz.html", html),
        ("fuzz.htm", render_html(plan, charset="windows-1258")),
        ("fuzz.mht", mime + html),
    ]
    if NAMES is ALL_NAMES:
        for fmt in ("docx", "xlsx", "odt", "pdf"):
            for style in ("split", "merged"):
                try:
                    seeds.append((f"fuzz.{fmt}", RENDERERS[fmt](plan, section_style=style)))
                except (FontNotFound, ImportError) as exc:  # a missing dev dependency or font: fewer seeds
                    print(f"fuzz_import: no {fmt} seed ({exc})", file=sys.stderr)
    for i, (name, data) in enumerate(seeds):
        (directory / f"seed-{i:02d}-{name}").write_bytes(bytes([NAMES.index(name)]) + data)
    return len(seeds)


SHARED = ROOT.parent / "shared"
MAX_STAGE_SEEDS = 150


def _gold_plans() -> list[dict[str, Any]]:
    gold = SHARED / "benchmark" / "gold"
    plans = [json.loads(p.read_text("utf-8")) for p in sorted(gold.glob("*.json"))] if gold.is_dir() else []
    return plans or [seed_plan()]


def _seed_lines() -> list[list[str]]:
    seeds = SHARED / "seeds"
    docs = [p.read_text("utf-8").splitlines() for p in sorted(seeds.glob("*.txt"))] if seeds.is_dir() else []
    return docs or [_text_seed(seed_plan()).splitlines()]


def _spread(values: list[bytes]) -> list[bytes]:
    """At most MAX_STAGE_SEEDS distinct values, taken evenly from the list."""
    unique = list(dict.fromkeys(v for v in values if v))
    step = max(1, len(unique) // MAX_STAGE_SEEDS)
    return unique[::step][:MAX_STAGE_SEEDS]


def stage_seeds(target: str) -> list[bytes]:
    plans = _gold_plans()
    tasks = [t for p in plans for t in p["tasks"]]
    docs = _seed_lines()
    year = bytes([YEARS.index(2024)])
    if target == "deadline":
        return _spread([year + t["deadline"].encode() for t in tasks])
    if target == "agencies":
        return _spread([f"{t['lead']}\x00{t['coordinating']}".encode() for t in tasks])
    if target == "targets":
        paras = [t["text"] for p in plans for t in p["targets"]] + [t["content"] for t in tasks]
        paras += [line for doc in docs for line in doc if any(c.isdigit() for c in line) and "%" in line]
        return _spread([p.encode() for p in paras])
    if target == "body":
        return _spread([year + "\n".join(doc[:k]).encode() for doc in docs for k in (25, 60, 120)])
    if target == "textkey":
        return _spread([line.encode() for doc in docs for line in doc[:200]])
    if target == "grid":
        out = []
        for plan in plans:
            for start in range(0, len(plan["tasks"]), 12):
                out.append(year + _grid_text(plan, plan["tasks"][start:start + 12]).encode())
        return _spread(out)
    raise ValueError(target)


def _grid_text(plan: dict[str, Any], tasks: list[dict[str, Any]]) -> str:
    fields = ("number", "content", "output", "lead", "coordinating", "deadline", "funding", "note")
    lines = ["PHỤ LỤC", plan["document"].get("title") or "Kế hoạch",
             "TT|Nội dung|Sản phẩm|Cơ quan chủ trì|Cơ quan phối hợp|Thời gian hoàn thành|Kinh phí|Ghi chú"]
    section = None
    for t in tasks:
        if t["section_title"] != section:
            section = t["section_title"]
            lines.append(f"={t['section_number']}. {section}|" + "|" * 6)
        lines.append("|".join(t[f].replace("|", "/") for f in fields))
    return "\n".join(lines)


# Words of plan documents, for libFuzzer's dictionary (-dict): mutations insert them whole.
VOCABULARY = [
    "Quý I", "Quý II", "Quý III", "Quý IV", "quý", "Tháng", "tháng", "năm", "Năm 2024", "ngày", "/2024", "/2021",
    "Trước ngày", "trước", "Chậm nhất", "chậm nhất", "Hoàn thành", "trong", "đến", "từ", "Từ", "và", "hoặc",
    "Thường xuyên", "thường xuyên", "Hằng năm", "hàng quý", "6 tháng", "9 tháng", "6 tháng đầu năm", "cuối năm",
    "2 lần/năm", "01 năm 2 lần", "lần", "Khi có", "Sau khi", "Theo", "hướng dẫn", "giai đoạn", "2023-2025",
    "sáu", "chín", "một", "hai", "mười hai", "quí", "T12/", "Sở Nội vụ", "Sở Tài chính", "Văn phòng UBND tỉnh",
    "UBND các huyện", "thành phố", "Các sở, ban, ngành", "Chủ trì:", "Phối hợp:", "Sở", "Ban", "Phòng",
    "Trung tâm", "UBND", "HĐND", "cấp huyện", "cấp xã", "tỉnh", "Công an tỉnh", "Đài Phát thanh", "- ", "; ",
    "tối thiểu", "tối đa", "ít nhất", "không quá", "đạt", "trên", "dưới", "%", "100%", "hồ sơ", "phút",
    "trở lên", "phấn đấu", "bảo đảm", "trong đó", "TT", "STT", "Nội dung", "Nhiệm vụ", "Sản phẩm",
    "Cơ quan chủ trì", "Cơ quan phối hợp", "Thời gian hoàn thành", "Kinh phí", "Ghi chú", "I", "II", "IV",
    "CẢI CÁCH", "THỦ TỤC HÀNH CHÍNH", "a)", "b)", "1.", "2.1", "Số:", "/KH-UBND", "KẾ HOẠCH", "Kế hoạch",
    "ỦY BAN NHÂN DÂN", "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc", "tháng 12 năm 2023",
    "KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH", "Nơi nhận:", "Báo cáo", "chốt số liệu", "|", "=", "\u0301", "\u0323",
    "\u00a0", "\u200b", "đ", "Đ", "ư", "ơ",
]


def write_dictionary(path: Path) -> None:
    lines = []
    for word in dict.fromkeys(VOCABULARY):
        escaped = "".join(chr(b) if 32 <= b < 127 and chr(b) not in '"\\' else f"\\x{b:02X}"
                          for b in word.encode("utf-8"))
        lines.append(f'"{escaped}"')
    path.write_text("\n".join(lines) + "\n", encoding="ascii")


def main(argv: list[str]) -> None:
    global NAMES
    args = list(argv[1:])
    corpus: Path | None = None
    target = "all"
    if "--formats" in args:
        i = args.index("--formats")
        target = "text" if args[i + 1] == "text" else "all"
        del args[i:i + 2]
    if "--target" in args:
        i = args.index("--target")
        target = args[i + 1]
        del args[i:i + 2]
    if target not in TARGETS:
        raise SystemExit(f"fuzz_import: unknown target {target!r}; targets: {', '.join(TARGETS)}")
    NAMES = TEXT_NAMES if target == "text" else ALL_NAMES
    if "--corpus" in args:
        i = args.index("--corpus")
        corpus = Path(args[i + 1])
        del args[i:i + 2]
    office.find_soffice = lambda: None  # no LibreOffice conversions under the fuzzer
    logging.getLogger("pdfminer").setLevel(logging.CRITICAL)  # a line per broken PDF operator otherwise
    tmp = tempfile.TemporaryDirectory(prefix="dondoc-fuzz-")
    if corpus is None:
        corpus = Path(tmp.name) / "corpus"
    count = write_seeds(corpus, target)
    callback, max_len, _ = TARGETS[target]
    print(f"fuzz_import: target {target}, {count} seeds in {corpus}", file=sys.stderr)
    flags = [a for a in args if a.startswith("-")]
    dirs = [a for a in args if not a.startswith("-")]
    if not any(f.startswith("-max_len=") for f in flags):
        flags.append(f"-max_len={max_len}")
    if not any(f.startswith("-print_final_stats=") for f in flags):
        flags.append("-print_final_stats=1")
    if target not in ("all",) and not any(f.startswith("-dict=") for f in flags):
        dictionary = Path(tmp.name) / "plan.dict"
        write_dictionary(dictionary)
        flags.append(f"-dict={dictionary}")
    mutator = {"custom_mutator": custom_mutator} if target in ("all", "text") else {}
    atheris.Setup([argv[0], *flags, str(corpus), *dirs], callback, **mutator)
    atheris.Fuzz()


if __name__ == "__main__":
    os.environ.setdefault("PYTHONHASHSEED", "0")
    main(sys.argv)
