"""Property tests of the importer's stages and normalisers under Hypothesis (issue 8).

Two kinds of property. On arbitrary input (any text, any table, any document built from
plan-like fragments and junk): nothing but PlanImportError escapes, with a documented code
and a Vietnamese message, and what comes out is well formed (dates within the years a plan
can name, known recurrences in schema order, agencies non-empty and distinct, a Plan whose
to_dict() serialises). On generated Vietnamese input whose meaning is known (deadline
phrases, target clauses, agency lists, task tables, whole TXT/CSV/HTML plans): the reading
is exactly that meaning, and it does not change with letter case or missing diacritics.

The examples per property come from the Hypothesis profile tests/importer/conftest.py loads
(DONDOC_HYPOTHESIS_PROFILE: "ci" by default, 100; "long" 5,000); the whole-document
properties run a fifth of them.
"""

from __future__ import annotations

import calendar
import json
import re
import unicodedata
from datetime import date, timedelta
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dondoc.importer import Plan, PlanImportError, plan_from_grid, read_plan
from dondoc.importer.grid import Grid, Row, Table
from dondoc.importer.headers import header_fields
from dondoc.importer.model import MAX_YEAR, MIN_YEAR, RECURRENCES, Schedule
from dondoc.importer.normalise.agencies import looks_like_agency, split_agencies, split_agency_cell
from dondoc.importer.normalise.deadline import parse_schedule
from dondoc.importer.normalise.targets import _paragraph_targets, extract_targets
from dondoc.importer.text import akey, cap_combining, fold, key, strip_accents

try:
    from .fixtures_render import _cp1258
except ImportError:  # imported from its own directory
    from fixtures_render import _cp1258  # type: ignore[no-redef]

EXAMPLES = settings.default.max_examples  # of the loaded profile
DOCUMENTS = settings(max_examples=max(20, EXAMPLES // 5))
CODES = {"too_large", "empty", "unsupported", "corrupt", "zip_bomb", "encrypted", "needs_ocr", "needs_libreoffice",
         "conversion_failed", "no_tasks", "unreadable"}
VIETNAMESE = re.compile(r"[ăâđêôơưạảấầẩẫậắằẳẵặẹẻẽếềểễệỉịọỏốồổỗộớờởỡợụủứừửữựỳỵỷỹ]", re.I)

LOWER = "aàáảãạăằắẳẵặâầấẩẫậbcdđeèéẻẽẹêềếểễệghiìíỉĩịklmnoòóỏõọôồốổỗộơờớởỡợpqrstuùúủũụưừứửữựvxyỳýỷỹỵ"
VIET = LOWER + LOWER.upper()
viet_words = st.text(alphabet=LOWER, min_size=1, max_size=7)
viet_text = st.text(alphabet=VIET + " ,.;:-/()%\n0123456789", max_size=80)
PLAN_YEAR = 2024


# ---------------------------------------------------------------- shared checks


def check_schedule(schedule: Schedule) -> None:
    json.dumps(schedule.to_dict())
    assert all(MIN_YEAR - 1 <= d.year <= MAX_YEAR for d in schedule.due_dates), schedule.due_dates
    assert schedule.due_dates == sorted(set(schedule.due_dates))
    assert schedule.recurrence == [r for r in RECURRENCES if r in schedule.recurrence]
    filled = schedule.due_dates or schedule.recurrence or schedule.continuous or schedule.conditional
    assert schedule.understood or not filled


def check_plan(plan: Plan) -> None:
    data = plan.to_dict()
    assert json.loads(json.dumps(data, ensure_ascii=False)) == data
    assert plan.tasks, "a Plan has tasks (no tasks is PlanImportError no_tasks)"
    year = plan.document.plan_year
    assert year is None or MIN_YEAR <= year <= MAX_YEAR
    for task in plan.tasks:
        check_schedule(task.schedule)
        for name in task.lead_agencies + task.coordinating_agencies:
            assert name.strip()
        for field in ("content", "output", "lead", "coordinating", "deadline", "funding", "note"):
            assert getattr(task, field) == fold(getattr(task, field)), "raw cells are folded"
    for t in plan.targets:
        assert t.comparator in {">=", "<=", "="}


def check_error(exc: PlanImportError) -> None:
    assert exc.code in CODES, exc.code
    assert VIETNAMESE.search(exc.message), exc.message


def read_or_error(data: bytes, filename: str) -> Plan | None:
    try:
        plan = read_plan(data, filename)
    except PlanImportError as exc:
        check_error(exc)
        return None
    check_plan(plan)
    return plan


# ---------------------------------------------------------------- deadlines


def _month_end(y: int, m: int) -> date:
    return date(y, m, calendar.monthrange(y, m)[1])


ROMAN = {1: "I", 2: "II", 3: "III", 4: "IV"}
RHYTHMS = {"Hằng quý": "quarterly", "Hàng năm": "annual", "Hằng năm": "annual", "Hằng tháng": "monthly",
           "6 tháng/lần": "twice_yearly", "2 lần/năm": "twice_yearly", "Định kỳ 6 tháng": "semiannual"}


@st.composite
def deadline_atom(draw: st.DrawFn) -> tuple[str, set[date], set[str], bool, bool]:
    """(phrase, due dates, recurrences, continuous, conditional) of one deadline statement."""
    y = draw(st.integers(2000, 2100))
    m = draw(st.integers(1, 12))
    d = draw(st.integers(1, 31))
    day = date(y, m, min(d, calendar.monthrange(y, m)[1]))
    kind = draw(st.sampled_from(["quarter", "month", "month-words", "before", "by", "day-words", "year", "bare-day",
                                 "continuous", "rhythm", "condition"]))
    if kind == "quarter":
        q = draw(st.integers(1, 4))
        prefix = draw(st.sampled_from(["", "Trong ", "Hoàn thành trong "]))
        number = draw(st.sampled_from([ROMAN[q], str(q)]))
        return f"{prefix}Quý {number}/{y}", {_month_end(y, 3 * q)}, set(), False, False
    if kind == "month":
        prefix = draw(st.sampled_from(["", "Trong ", "Hoàn thành trong "]))
        return f"{prefix}Tháng {m:0{draw(st.sampled_from([1, 2]))}d}/{y}", {_month_end(y, m)}, set(), False, False
    if kind == "month-words":
        return f"tháng {m} năm {y}", {_month_end(y, m)}, set(), False, False
    if kind == "before":
        return f"Trước ngày {d}/{m}/{y}", {day - timedelta(days=1)}, set(), False, False
    if kind == "by":
        return f"{draw(st.sampled_from(['Chậm nhất', 'Hạn chót', 'Không quá']))} ngày {d}/{m}/{y}", {day}, set(), \
            False, False
    if kind == "day-words":
        return f"ngày {d} tháng {m} năm {y}", {day}, set(), False, False
    if kind == "year":
        return f"Năm {y}", {date(y, 12, 31)}, set(), False, False
    if kind == "bare-day":
        return f"{d:02d}/{m:02d}/{y}", {day}, set(), False, False
    if kind == "continuous":
        return draw(st.sampled_from(["Thường xuyên", "Liên tục", "Hằng ngày"])), set(), set(), True, False
    if kind == "rhythm":
        phrase = draw(st.sampled_from(sorted(RHYTHMS)))
        return phrase, set(), {RHYTHMS[phrase]}, False, False
    return draw(st.sampled_from(["Khi có hướng dẫn", "Theo chỉ đạo của UBND tỉnh", "Khi có yêu cầu"])), set(), \
        set(), False, True


def expected(atoms: list[tuple[str, set[date], set[str], bool, bool]]) -> dict[str, Any]:
    dates = sorted(set().union(*(a[1] for a in atoms)))
    rhythms = set().union(*(a[2] for a in atoms))
    return {"due_dates": [x.isoformat() for x in dates], "recurrence": [r for r in RECURRENCES if r in rhythms],
            "continuous": any(a[3] for a in atoms), "conditional": any(a[4] for a in atoms)}


@given(text=st.text(max_size=200), year=st.one_of(st.none(), st.integers(-10, 10**6)))
def test_deadline_any_text_gives_a_well_formed_schedule(text: str, year: int | None) -> None:
    schedule = parse_schedule(text, year)
    check_schedule(schedule)
    assert parse_schedule(text, year) == schedule


@given(text=viet_text, year=st.sampled_from([None, 2021, PLAN_YEAR, MIN_YEAR, MAX_YEAR]))
def test_deadline_vietnamese_like_text_dates_stay_near_its_years(text: str, year: int | None) -> None:
    """A due date lies within the years the text names (or the plan year), one year before at most
    ("trước ngày 1/1/2024" is 31/12/2023); two-digit years ("/24") read as 20xx."""
    schedule = parse_schedule(text, year)
    check_schedule(schedule)
    named = {int(y) for y in re.findall(r"(?<!\d)(\d{4})(?!\d)", text) if MIN_YEAR <= int(y) <= MAX_YEAR}
    named |= {2000 + int(y) for y in re.findall(r"(?<!\d)(\d{2})(?!\d)", text)}
    named |= {year} if year else set()
    for d in schedule.due_dates:
        assert min(named) - 1 <= d.year <= max(named), (text, schedule.due_dates)


@given(atom=deadline_atom())
def test_deadline_phrase_reads_as_its_meaning(atom: tuple[str, set[date], set[str], bool, bool]) -> None:
    schedule = parse_schedule(atom[0], PLAN_YEAR)
    assert schedule.to_dict() == expected([atom]), atom[0]
    assert schedule.understood


@given(atoms=st.lists(deadline_atom(), min_size=1, max_size=5), sep=st.sampled_from(["; ", ";\n- ", " ; "]))
def test_deadline_list_of_phrases_reads_as_the_union(atoms: list[Any], sep: str) -> None:
    """Statements apart by ";". Not by a bare line break or a bullet alone: the table stage folds a
    cell before its deadline is read (a PDF or text cell wraps mid-phrase), and then "- Năm 2024 -
    Năm 2025" is the span 2024-2025, as the reader means it to be; nor by ". " before a digit."""
    text = sep.join(a[0] for a in atoms)
    assert parse_schedule(text, PLAN_YEAR).to_dict() == expected(atoms), text


@given(atoms=st.lists(deadline_atom(), min_size=1, max_size=3))
def test_deadline_reading_ignores_case_and_missing_diacritics(atoms: list[Any]) -> None:
    text = "; ".join(a[0] for a in atoms)
    reading = parse_schedule(text, PLAN_YEAR).to_dict()
    assert parse_schedule(text.upper(), PLAN_YEAR).to_dict() == reading
    assert parse_schedule(strip_accents(text), PLAN_YEAR).to_dict() == reading
    assert parse_schedule(unicodedata.normalize("NFD", text), PLAN_YEAR).to_dict() == reading


# ---------------------------------------------------------------- targets

SUBJECTS = ["Tỷ lệ hồ sơ giải quyết đúng hạn", "Mức độ hài lòng của người dân", "Tỷ lệ thủ tục hành chính được số hóa",
            "Tỷ lệ cán bộ được bồi dưỡng"]
CUES = {"đạt tối thiểu": ">=", "đạt trên": ">=", "đạt ít nhất": ">=", "không quá": "<=", "tối đa": "<="}


@given(text=st.text(max_size=300))
def test_targets_any_paragraph_gives_well_formed_targets(text: str) -> None:
    for paragraphs in ([text], text.split("\n")):
        for t in _paragraph_targets(paragraphs[0]) + extract_targets(paragraphs, paragraphs[::-1]):
            assert t.comparator in {">=", "<=", "="} and t.text.strip() and isinstance(t.unit, str)
            assert t.value == t.value and abs(t.value) != float("inf")
            json.dumps(t.to_dict(), ensure_ascii=False)


@given(subject=st.sampled_from(SUBJECTS), cue=st.sampled_from(sorted(CUES)), value=st.integers(1, 99),
       unit=st.sampled_from(["%", " phút", " hồ sơ"]))
def test_target_clause_reads_as_its_meaning(subject: str, cue: str, value: int, unit: str) -> None:
    text = f"{subject} {cue} {value}{unit}"
    found = _paragraph_targets(text)
    assert [(t.value, t.unit, t.comparator) for t in found] == [(value, unit.strip(), CUES[cue])], text
    assert found[0].text == text


# ---------------------------------------------------------------- agencies

AGENCIES = ["Sở Nội vụ", "Sở Tài chính", "Sở Tư pháp", "Sở Y tế", "Sở Kế hoạch và Đầu tư", "Công an tỉnh",
            "Văn phòng UBND tỉnh", "Sở Thông tin và Truyền thông", "Ban Dân tộc", "Sở Giáo dục và Đào tạo"]


@given(lead=st.text(max_size=150), coordinating=st.text(max_size=150))
def test_agencies_any_cells_give_distinct_non_empty_names(lead: str, coordinating: str) -> None:
    leads, coords = split_agencies(lead, coordinating)
    for names in (leads, coords, split_agency_cell(lead)):
        assert all(isinstance(n, str) and n.strip() for n in names)
        folded = [fold(n).casefold() for n in names]
        assert len(folded) == len(set(folded))
        assert all(isinstance(looks_like_agency(n), bool) for n in names)


@given(names=st.lists(st.sampled_from(AGENCIES), min_size=1, max_size=5, unique=True),
       sep=st.sampled_from([", ", "; ", "\n", "\n- "]))
def test_agency_list_splits_into_its_agencies(names: list[str], sep: str) -> None:
    cell = ("- " if sep == "\n- " else "") + sep.join(names)
    assert split_agency_cell(cell) == names, cell
    assert split_agencies(cell, "") == (names, [])
    assert split_agency_cell(cell + sep + names[0].upper()) == names  # named twice: once


# ---------------------------------------------------------------- text keys


@given(text=st.text(max_size=100))
def test_fold_and_key_are_idempotent_and_normalised(text: str) -> None:
    folded = fold(text)
    assert fold(folded) == folded and folded == folded.strip() and "  " not in folded
    assert unicodedata.is_normalized("NFC", folded)
    k = key(text)
    assert key(k) == k and key(folded) == k
    assert len(akey(text)) == len(text)
    capped = cap_combining(text)
    assert cap_combining(capped) == capped


@given(text=st.text(alphabet=VIET + " -–", max_size=60))
def test_key_ignores_case_and_diacritics_of_vietnamese(text: str) -> None:
    k = key(text)
    assert key(text.upper()) == k == key(text.lower()) == key(strip_accents(text))
    assert akey(text) == akey(text.upper()).lower() or not text.isascii()
    assert not any(unicodedata.combining(c) for c in k)


# ---------------------------------------------------------------- the table stage

HEADERS = {
    "number": ["TT", "STT", "Số TT"],
    "content": ["Nội dung", "Nhiệm vụ", "NỘI DUNG CÔNG VIỆC", "Nội dung nhiệm vụ", "Noi dung"],
    "output": ["Sản phẩm", "Kết quả", "Hình thức văn bản"],
    "lead": ["Cơ quan chủ trì", "Đơn vị chủ trì", "Chủ trì", "Cơ quan thực hiện"],
    "coordinating": ["Cơ quan phối hợp", "Đơn vị phối hợp", "Phối hợp"],
    "deadline": ["Thời gian hoàn thành", "Thời hạn", "Tiến độ", "Thời gian thực hiện"],
    "funding": ["Kinh phí", "Nguồn kinh phí"],
    "note": ["Ghi chú"],
}
SECTIONS = [("I", "CẢI CÁCH THỂ CHẾ"), ("II", "CẢI CÁCH THỦ TỤC HÀNH CHÍNH"), ("III", "CẢI CÁCH TỔ CHỨC BỘ MÁY"),
            ("IV", "CẢI CÁCH CHẾ ĐỘ CÔNG VỤ"), ("V", "XÂY DỰNG CHÍNH QUYỀN SỐ")]
VERBS = ["Rà soát", "Xây dựng", "Triển khai", "Kiểm tra", "Tổ chức", "Cập nhật", "Đánh giá", "Tuyên truyền"]


@st.composite
def task_table(draw: st.DrawFn) -> tuple[list[str], list[list[str]], list[dict[str, str]]]:
    """(fields, rows, tasks): a header, section rows and task rows with number, content, lead and
    deadline filled (so that no task row is shaped like a heading)."""
    optional = draw(st.lists(st.sampled_from(["output", "coordinating", "funding", "note"]), unique=True))
    fields = ["number", "content", "lead", "deadline", *optional]
    order = ["number"] + draw(st.permutations(fields[1:]))
    rows = [[draw(st.sampled_from(HEADERS[f])) for f in order]]
    if draw(st.booleans()):
        rows.append([f"({i + 1})" for i in range(len(order))])
    tasks = []
    for s in draw(st.lists(st.sampled_from(SECTIONS), min_size=1, max_size=3, unique=True)):
        if draw(st.booleans()):
            rows.append([f"{s[0]}. {s[1]}"] + [""] * (len(order) - 1))  # merged across: spans_all
        else:  # the numeral in the TT column, the title in the content column
            row = [""] * len(order)
            row[0], row[order.index("content")] = s
            rows.append(row)
        for n in range(1, draw(st.integers(1, 4)) + 1):
            task = {"number": str(n), "section": s[0],
                    "content": f"{draw(st.sampled_from(VERBS))} {' '.join(draw(st.lists(viet_words, max_size=8)))}",
                    "lead": draw(st.sampled_from(AGENCIES)), "deadline": draw(deadline_atom())[0],
                    "output": draw(st.sampled_from(["", "Kế hoạch", "Báo cáo", "Quyết định"])),
                    "coordinating": draw(st.sampled_from(["", "Các sở, ban, ngành", "UBND các huyện"])),
                    "funding": draw(st.sampled_from(["", "Ngân sách tỉnh"])), "note": ""}
            tasks.append(task)
            rows.append([task[f] for f in order])
    return order, rows, tasks


def _grid(rows: list[list[str]], body: list[str] | None = None) -> Grid:
    width = max(len(r) for r in rows)
    table_rows = []
    for i, cells in enumerate(rows, start=1):
        merged = len(cells) > 1 and bool(cells[0]) and not any(cells[1:]) and cells[0][:3].rstrip(". ").isupper()
        table_rows.append(Row(cells=cells + [""] * (width - len(cells)), line=i, spans_all=merged))
    return Grid(body=list(body or []), tables=[Table(rows=table_rows, before=list(body or [])[-4:])])


@given(table=task_table())
def test_table_stage_reads_every_task_row_of_a_generated_table(table: Any) -> None:
    order, rows, tasks = table
    assert header_fields(rows[0]) is not None
    plan = plan_from_grid(_grid(rows, ["KẾ HOẠCH", f"Cải cách hành chính năm {PLAN_YEAR}"]), "gen")
    check_plan(plan)
    assert [(t.section_number, t.number, t.content, t.lead, t.deadline) for t in plan.tasks] == [
        (x["section"], x["number"], fold(x["content"]), x["lead"], fold(x["deadline"])) for x in tasks]
    assert all(t.lead_agencies == [x["lead"]] for t, x in zip(plan.tasks, tasks, strict=True))
    for t in plan.tasks:
        assert t.schedule.to_dict() == parse_schedule(t.deadline, plan.document.plan_year).to_dict()


cell_text = st.one_of(st.text(max_size=30), st.sampled_from([h for hs in HEADERS.values() for h in hs]),
                      st.sampled_from(AGENCIES), deadline_atom().map(lambda a: a[0]),
                      st.sampled_from([f"{n}. {t}" for n, t in SECTIONS] + ["a) Một cửa", "1.", "(1)", "", "I"]))


@given(rows=st.lists(st.lists(cell_text, min_size=1, max_size=8), min_size=1, max_size=12),
       body=st.lists(viet_text, max_size=6))
def test_table_stage_on_any_table_gives_a_plan_or_no_tasks(rows: list[list[str]], body: list[str]) -> None:
    try:
        plan = plan_from_grid(_grid(rows, body), "gen")
    except PlanImportError as exc:
        assert exc.code == "no_tasks"
        check_error(exc)
        return
    check_plan(plan)
    assert len(plan.tasks) <= len(rows)


# ---------------------------------------------------------------- whole documents

HEAD = ["ỦY BAN NHÂN DÂN | CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "TỈNH SƠN LA | Độc lập - Tự do - Hạnh phúc",
        "Số: 12/KH-UBND | Sơn La, ngày 28 tháng 12 năm 2023", "KẾ HOẠCH",
        f"Cải cách hành chính năm {PLAN_YEAR}"]


def _pipe_document(rows: list[list[str]]) -> str:
    return "\n".join(HEAD + [" | ".join(c.replace("\n", " ") for c in r) + " |" for r in rows]) + "\n"


def _html_document(rows: list[list[str]], charset: str = "utf-8") -> str:
    cells = "".join("<tr>" + "".join(f"<td>{c}</td>" for c in r) + "</tr>" for r in rows)
    head = "".join(f"<p>{line.replace(' | ', '</p><p>')}</p>" for line in HEAD)
    return (f'<html><head><meta charset="{charset}"></head><body>{head}<table border=1>{cells}</table>'
            "<p>Nơi nhận:</p></body></html>")


@DOCUMENTS
@given(table=task_table(), form=st.sampled_from(["txt", "csv", "html", "htm"]))
def test_generated_plan_document_reads_back_its_tasks(table: Any, form: str) -> None:
    _, rows, tasks = table
    rows = [r for r in rows if not r[0].startswith("(")]  # the "(1) (2)" row is a table's, not a text's
    if form == "txt":
        data, name = _pipe_document(rows).encode("utf-8"), "ke-hoach.txt"
    elif form == "csv":  # Windows-1258, as old Vietnamese editors save text
        data, name = _cp1258(_pipe_document(rows)), "ke-hoach.csv"
    elif form == "html":
        data, name = _html_document(rows).encode("utf-8"), "ke-hoach.html"
    else:
        data, name = _cp1258(_html_document(rows, "windows-1258")), "ke-hoach.htm"
    plan = read_or_error(data, name)
    assert plan is not None
    assert [(t.section_number, t.number, t.content, t.lead) for t in plan.tasks] == [
        (x["section"], x["number"], fold(x["content"]), x["lead"]) for x in tasks]
    assert plan.document.number == "12/KH-UBND" and plan.document.plan_year == PLAN_YEAR


FRAGMENTS = HEAD + [
    "TT | Nội dung | Cơ quan chủ trì | Thời gian hoàn thành |", "I | CẢI CÁCH THỂ CHẾ |",
    "1 | Rà soát văn bản | Sở Tư pháp | Quý I/2024 |", "| tiếp theo | | |", "a) Một cửa", "- Tỷ lệ đạt 95%;",
    "Nơi nhận:", "KT. CHỦ TỊCH", "|", "TT", "Nội dung", " ", "\u00a0", "<table><tr><td>", "</td><td colspan=3>",
    "<td rowspan=99999>", "</tr></table>", "<p>", "<br>", "&nbsp;", "&#xD800;", "<!--", "<![CDATA[", "\x00", "\ufeff",
]


@DOCUMENTS
@given(parts=st.lists(st.one_of(st.sampled_from(FRAGMENTS), st.text(max_size=40)), max_size=40),
       sep=st.sampled_from(["\n", "", " ", "\r\n"]), name=st.sampled_from(["a.txt", "a.csv", "a.html", "a.mht", "a"]),
       encoding=st.sampled_from(["utf-8", "utf-16", "cp1258", "utf-8-sig"]))
def test_any_document_of_plan_fragments_gives_a_plan_or_a_vietnamese_error(parts: list[str], sep: str, name: str,
                                                                          encoding: str) -> None:
    text = sep.join(parts)
    try:
        data = text.encode(encoding)
    except UnicodeEncodeError:
        data = text.encode("utf-8", "surrogatepass")
    read_or_error(data, name)


@DOCUMENTS
@given(data=st.binary(max_size=2000), name=st.sampled_from(["a.txt", "a.html", "a.csv", "a.mht", None]))
def test_any_bytes_give_a_plan_or_a_vietnamese_error(data: bytes, name: str | None) -> None:
    read_or_error(data, name or "tai-len")


def test_profile_is_loaded() -> None:
    """The conftest's profile is in force (the "ci" one unless DONDOC_HYPOTHESIS_PROFILE says otherwise)."""
    assert settings.default.deadline is None
    if EXAMPLES < 100:
        pytest.fail(f"a Hypothesis profile with {EXAMPLES} examples: too few for these properties")
