"""Render a gold Plan JSON (../shared/benchmark/gold) as a realistic plan document.

Each renderer lays the same document out the way offices do: a borderless
two-column header (issuer | national motto, "Số: ..." | place and date), "KẾ
HOẠCH" and the title, body paragraphs with the targets and report periods, a
signature block, then "PHỤ LỤC" and the task table. Task cells are the gold raw
texts; a cell listing items ("- A; - B") is written as one paragraph (or line)
per item. A task with no number under a numbered one gets its TT cell merged
with the one above (the merge leaves it empty, as the gold says).

section_style:
  "split"  - section row: numeral in the TT cell, title merged over the other columns;
  "merged" - section row: one cell across the whole table, "I. TITLE".
A plan whose gold has no section numerals (one table per area) gets one table
per area with the title as a bold paragraph just above it.
"""

from __future__ import annotations

import io
import re
import unicodedata
import zipfile
from dataclasses import dataclass, field
from datetime import date
from html import escape
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape as xml_escape

COLUMNS = (
    ("content", "Nội dung"),
    ("output", "Sản phẩm"),
    ("lead", "Cơ quan chủ trì"),
    ("coordinating", "Cơ quan phối hợp"),
    ("deadline", "Thời gian hoàn thành"),
    ("funding", "Nguồn kinh phí thực hiện"),
    ("note", "Ghi chú"),
)
MOTTO = ("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc")
FONT_DIR = Path("/usr/share/fonts/truetype/dejavu")


class FontNotFound(RuntimeError):
    """DejaVu fonts (Vietnamese glyphs for the PDF) are not installed."""


# ---------------------------------------------------------------- the document model


@dataclass
class TRow:
    kind: str  # header | section | subsection | task
    cells: list[list[str]]  # per column, its paragraphs
    merge_up: bool = False  # TT cell continues the one above (vertical merge)


@dataclass
class TaskTable:
    title: str | None  # per-area table: the bold paragraph above it
    rows: list[TRow] = field(default_factory=list)


@dataclass
class Doc:
    header: list[list[list[str]]]  # layout table: rows of [left lines, right lines]
    paras: list[tuple[str, str]]  # (style, text); style: center-bold, bold, normal
    signature: list[list[list[str]]]
    appendix: list[tuple[str, str]]
    tables: list[TaskTable]
    width: int


def split_items(text: str) -> list[str]:
    """'- A; - B' -> ['- A;', '- B']: a listed cell as one paragraph per item."""
    if not text.startswith("- "):
        return [text] if text else []
    return [p for p in re.split(r"\s+(?=- )", text) if p]


def _d(iso: str) -> str:
    d = date.fromisoformat(iso)
    return f"{d.day}/{d.month}/{d.year}"


def build(plan: dict[str, Any]) -> Doc:
    meta = plan["document"]
    tasks = plan["tasks"]
    fields = [f for f, _ in COLUMNS if any(t[f] for t in tasks)]
    header_cells = [["TT"]] + [[label] for f, label in COLUMNS if f in fields]
    width = len(header_cells)
    year = meta.get("plan_year") or ""
    number = meta.get("number")
    if meta.get("issued_date"):
        d = date.fromisoformat(meta["issued_date"])
        dated = f"{meta.get('place') or 'Sơn La'}, ngày {d.day} tháng {d.month} năm {d.year}"
    else:
        dated = f"{meta.get('place') or 'Sơn La'}, ngày      tháng      năm {year}"
    header = [
        [[(meta.get("issuer") or "").upper()], list(MOTTO)],
        [[f"Số: {number}" if number else "Số:       /KH"], [dated]],
    ]
    title = meta.get("title") or ""
    if title.lower().startswith("kế hoạch "):
        title = title[len("kế hoạch "):]
        title = title[:1].upper() + title[1:]
    paras: list[tuple[str, str]] = [("center-bold", "KẾ HOẠCH"), ("center-bold", title)]
    paras.append(("bold", "I. MỤC ĐÍCH, YÊU CẦU"))
    paras.append(("normal", f"Triển khai đồng bộ, hiệu quả các nhiệm vụ cải cách hành chính năm {year}."))
    seen: set[str] = set()
    targets = [t["text"] for t in plan["targets"] if not (t["text"] in seen or seen.add(t["text"]))]
    if targets:
        paras.append(("bold", "II. CHỈ TIÊU"))
        paras += [("normal", f"- {t}" + ("" if t.endswith(".") else ";")) for t in targets]
    if plan["report_periods"]:
        paras.append(("bold", "III. CHẾ ĐỘ BÁO CÁO"))
        submit_day = date.fromisoformat(plan["report_periods"][0]["submit_by"]).day + 1
        paras.append(
            (
                "normal",
                "Các cơ quan, đơn vị gửi báo cáo hàng quý, 6 tháng và năm về Sở Nội vụ trước ngày "
                f"{submit_day} của tháng cuối kỳ báo cáo. Thời điểm chốt số liệu của từng loại báo cáo như sau:",
            )
        )
        for p in plan["report_periods"]:
            paras.append(
                (
                    "normal",
                    f"- Báo cáo {p['name']}: Thời gian chốt số liệu tính từ ngày {_d(p['data_from'])} "
                    f"đến ngày {_d(p['data_to'])}.",
                )
            )
    signer = ["KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH", meta.get("signer") or ""]
    signature = [[["Nơi nhận:", "- Như trên;", "- Lưu: VT."], signer]]
    appendix = [
        ("center-bold", "PHỤ LỤC"),
        ("center-bold", f"DANH MỤC NHIỆM VỤ CẢI CÁCH HÀNH CHÍNH NĂM {year}"),
        ("center", f"(Kèm theo Kế hoạch số {number or '...'})"),
    ]
    per_area = all(t["section_number"] == "" for t in tasks)
    tables: list[TaskTable] = []
    section = subsection = None
    current: TaskTable | None = None
    for t in tasks:
        key = (t["section_number"], t["section_title"])
        if per_area and key != section:
            current = TaskTable(title=t["section_title"], rows=[TRow("header", header_cells)])
            tables.append(current)
        elif current is None:
            current = TaskTable(title=None, rows=[TRow("header", header_cells)])
            tables.append(current)
        if key != section and not per_area:
            current.rows.append(TRow("section", [[t["section_number"]], [t["section_title"]]]))
        if key != section:
            subsection = None
        section = key
        if t["subsection"] and t["subsection"] != subsection:
            current.rows.append(TRow("subsection", [[""], [t["subsection"]]]))
        subsection = t["subsection"]
        cells = [[t["number"]] if t["number"] else []] + [split_items(t[f]) for f in fields]
        prev = current.rows[-1]
        merge_up = not t["number"] and prev.kind == "task"
        current.rows.append(TRow("task", cells, merge_up=merge_up))
    return Doc(header, paras, signature, appendix, tables, width)


# ---------------------------------------------------------------- DOCX


def render_docx(plan: dict[str, Any], section_style: str = "split") -> bytes:
    import docx
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Pt

    doc = build(plan)
    document = docx.Document()
    document.styles["Normal"].font.name = "Times New Roman"
    document.styles["Normal"].font.size = Pt(13)

    def layout(rows: list[list[list[str]]]) -> None:
        table = document.add_table(rows=len(rows), cols=2)  # no style: borderless
        for r, row in enumerate(rows):
            for c, lines in enumerate(row):
                cell = table.rows[r].cells[c]
                _fill_docx_cell(cell, lines)

    def para(style: str, text: str) -> None:
        p = document.add_paragraph()
        run = p.add_run(text)
        run.bold = "bold" in style
        if style.startswith("center"):
            p.alignment = WD_ALIGN_PARAGRAPH.CENTER

    layout(doc.header)
    for style, text in doc.paras:
        para(style, text)
    layout(doc.signature)
    document.add_page_break()
    for style, text in doc.appendix:
        para(style, text)
    for tt in doc.tables:
        if tt.title:
            para("bold", tt.title)
        table = document.add_table(rows=len(tt.rows), cols=doc.width)
        table.style = "Table Grid"
        grid_rows = list(table.rows)
        for r, spec in enumerate(tt.rows):
            cells = grid_rows[r].cells
            if spec.kind in ("section", "subsection"):
                number, title = spec.cells[0][0], spec.cells[1][0]
                if section_style == "merged":
                    merged = cells[0].merge(cells[-1])
                    _fill_docx_cell(merged, [f"{number}. {title}" if number else title], bold=True)
                else:
                    _fill_docx_cell(cells[0], [number] if number else [], bold=True)
                    merged = cells[1].merge(cells[-1])
                    _fill_docx_cell(merged, [title], bold=True)
                continue
            for c, lines in enumerate(spec.cells):
                if c == 0 and spec.merge_up:
                    continue
                _fill_docx_cell(cells[c], lines, bold=spec.kind == "header")
            if spec.merge_up:
                # The TT cell of the last numbered row runs down over this one.
                top = r - 1
                while tt.rows[top].merge_up:
                    top -= 1
                grid_rows[top].cells[0].merge(cells[0])
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def _fill_docx_cell(cell: Any, lines: list[str], bold: bool = False) -> None:
    paragraphs = cell.paragraphs
    for p in paragraphs[1:]:
        p._element.getparent().remove(p._element)
    first = paragraphs[0]
    for run in list(first.runs):
        run._element.getparent().remove(run._element)
    for i, line in enumerate(lines):
        p = first if i == 0 else cell.add_paragraph()
        p.add_run(line).bold = bold


# ---------------------------------------------------------------- HTML (Word "Save as Web Page" flavour)


def render_html(plan: dict[str, Any], section_style: str = "split", charset: str = "utf-8") -> bytes:
    doc = build(plan)
    e = escape
    out: list[str] = [
        '<html xmlns:o="urn:schemas-microsoft-com:office:office" xmlns:w="urn:schemas-microsoft-com:office:word">',
        "<head>",
        f'<meta http-equiv=Content-Type content="text/html; charset={charset}">',
        '<meta name=Generator content="Microsoft Word 15 (filtered)">',
        "<title>Kế hoạch</title>",
        "<style>p.MsoNormal {margin:0cm; font-family:'Times New Roman'}</style>",
        "<!--[if gte mso 9]><xml><w:WordDocument><w:View>Print</w:View></w:WordDocument></xml><![endif]-->",
        "<script>var tracking = 'KHÔNG ĐƯỢC ĐỌC';</script>",
        "</head>",
        "<body lang=VI>",
        "<nav><a href='/'>Trang chủ</a> | <a href='/vb'>Văn bản</a></nav>",
        "<div class=WordSection1>",
    ]

    def p(text: str, style: str = "normal") -> str:
        inner = e(text)
        if "bold" in style:
            inner = f"<b>{inner}</b>"
        align = " align=center" if style.startswith("center") else ""
        return f"<p class=MsoNormal{align}>{inner}<o:p></o:p></p>"

    def layout(rows: list[list[list[str]]]) -> None:
        out.append("<table class=MsoNormalTable border=0 cellspacing=0 cellpadding=0>")
        for row in rows:
            out.append("<tr>")
            for lines in row:
                out.append("<td valign=top>" + "".join(p(x, "center") for x in lines) + "</td>")
            out.append("</tr>")
        out.append("</table>")

    layout(doc.header)
    out += [p(text, style) for style, text in doc.paras]
    layout(doc.signature)
    out.append("<br clear=all style='page-break-before:always'>")
    out += [p(text, style) for style, text in doc.appendix]
    fields_with_br = {2}  # the output column uses <br> between items, the others <p>
    for tt in doc.tables:
        if tt.title:
            out.append(p(tt.title, "bold"))
        out.append("<table class=MsoTableGrid border=1 cellspacing=0 cellpadding=0>")
        spans = _rowspans(tt)
        for r, spec in enumerate(tt.rows):
            out.append("<tr>")
            if spec.kind in ("section", "subsection"):
                number, title = spec.cells[0][0], spec.cells[1][0]
                if section_style == "merged":
                    text = f"{number}. {title}" if number else title
                    out.append(f"<td colspan={doc.width}>{p(text, 'bold')}</td>")
                else:
                    out.append(f"<td>{p(number, 'bold') if number else ''}</td>")
                    out.append(f"<td colspan={doc.width - 1}>{p(title, 'bold')}</td>")
            else:
                tag = "th" if spec.kind == "header" else "td"
                for c, lines in enumerate(spec.cells):
                    if c == 0 and spec.merge_up:
                        continue
                    rowspan = f" rowspan={spans[r]}" if c == 0 and spans.get(r, 1) > 1 else ""
                    if c in fields_with_br and lines:
                        inner = "<p class=MsoNormal>" + "<br>\n".join(e(x) for x in lines) + "</p>"
                    else:
                        inner = "".join(p(x) for x in lines) or "<p class=MsoNormal>&nbsp;<o:p></o:p></p>"
                    out.append(f"<{tag} valign=top{rowspan}>{inner}</{tag}>")
            out.append("</tr>")
        out.append("</table>")
    out += ["</div>", "<footer>Bản quyền thuộc về cổng thông tin</footer>", "</body></html>"]
    text = "\n".join(out)
    if charset.lower() in ("windows-1258", "cp1258"):
        return _cp1258(text)
    return text.encode(charset)


def _rowspans(tt: TaskTable) -> dict[int, int]:
    spans: dict[int, int] = {}
    top = None
    for r, spec in enumerate(tt.rows):
        if spec.merge_up and top is not None:
            spans[top] = spans.get(top, 1) + 1
        else:
            top = r
    return spans


def _cp1258(text: str) -> bytes:
    """Windows-1258 the way Word writes it: base letters with circumflex/breve/horn
    precomposed, tone marks as combining characters; anything else as a character reference."""
    out: list[str] = []
    for ch in unicodedata.normalize("NFC", text):
        try:
            ch.encode("cp1258")
            out.append(ch)
            continue
        except UnicodeEncodeError:
            pass
        decomposed = unicodedata.normalize("NFD", ch)
        base = decomposed[0]
        marks = decomposed[1:]
        keep = "".join(m for m in marks if m in "\u0302\u0306\u031b")  # circumflex, breve, horn
        tones = "".join(m for m in marks if m not in keep)
        candidate = unicodedata.normalize("NFC", base + keep) + tones
        try:
            candidate.encode("cp1258")
            out.append(candidate)
        except UnicodeEncodeError:
            out.append(f"&#{ord(ch)};")
    return "".join(out).encode("cp1258")


# ---------------------------------------------------------------- XLSX


def render_xlsx(plan: dict[str, Any], section_style: str = "split") -> bytes:
    import openpyxl
    from openpyxl.styles import Alignment, Font

    doc = build(plan)
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Kế hoạch"
    last = doc.width
    wrap = Alignment(wrap_text=True, vertical="top")
    bold = Font(bold=True)
    row = 1
    for left, right in doc.header:
        ws.cell(row, 1, "\n".join(left))
        ws.merge_cells(start_row=row, start_column=1, end_row=row, end_column=3)
        ws.cell(row, 4, "\n".join(right))
        ws.merge_cells(start_row=row, start_column=4, end_row=row, end_column=last)
        row += 1
    for style, text in doc.paras + [("normal", "")] + [
        ("normal", "\n".join(doc.signature[0][1])),
    ]:
        if text:
            cell = ws.cell(row, 1, text)
            cell.alignment = wrap
            if "bold" in style:
                cell.font = bold
            ws.merge_cells(start_row=row, start_column=1, end_row=row, end_column=last)
        row += 1
    for n, tt in enumerate(doc.tables, start=1):
        sheet = wb.create_sheet(f"Phụ lục {n}")
        r = 1
        for _style, text in doc.appendix[:2]:
            sheet.cell(r, 1, text).font = bold
            sheet.merge_cells(start_row=r, start_column=1, end_row=r, end_column=last)
            r += 1
        if tt.title:
            sheet.cell(r, 1, tt.title).font = bold
            sheet.merge_cells(start_row=r, start_column=1, end_row=r, end_column=last)
            r += 1
        top_of_merge = None
        for spec in tt.rows:
            if spec.kind in ("section", "subsection"):
                number, title = spec.cells[0][0], spec.cells[1][0]
                if section_style == "merged":
                    sheet.cell(r, 1, f"{number}. {title}" if number else title).font = bold
                    sheet.merge_cells(start_row=r, start_column=1, end_row=r, end_column=last)
                else:
                    if number:
                        sheet.cell(r, 1, number).font = bold
                    sheet.cell(r, 2, title).font = bold
                    sheet.merge_cells(start_row=r, start_column=2, end_row=r, end_column=last)
            else:
                for c, lines in enumerate(spec.cells, start=1):
                    text = "\n".join(lines)
                    if c == 1 and text.isdigit():
                        value: Any = int(text)  # TT typed as a number, as people do
                    else:
                        value = text or None
                    if c == 1 and spec.merge_up:
                        continue
                    cell = sheet.cell(r, c, value)
                    cell.alignment = wrap
                if spec.merge_up and top_of_merge is not None:
                    sheet.merge_cells(start_row=top_of_merge, start_column=1, end_row=r, end_column=1)
                else:
                    top_of_merge = r
            r += 1
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


# ---------------------------------------------------------------- ODT


_ODT_NS = (
    'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
    'xmlns:style="urn:oasis:names:tc:opendocument:xmlns:style:1.0" '
    'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" '
    'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
    'xmlns:fo="urn:oasis:names:tc:opendocument:xmlns:xsl-fo-compatible:1.0" '
    'office:version="1.3"'
)


def render_odt(plan: dict[str, Any], section_style: str = "split") -> bytes:
    doc = build(plan)
    x = xml_escape
    body: list[str] = []

    def p(text: str, style: str = "normal") -> str:
        inner = x(text)
        if "bold" in style:
            inner = f'<text:span text:style-name="Bold">{inner}</text:span>'
        return f'<text:p text:style-name="{"Center" if style.startswith("center") else "Standard"}">{inner}</text:p>'

    def cell(lines: list[str], attrs: str = "", line_breaks: bool = False) -> str:
        if line_breaks and lines:
            inner = "<text:p>" + "<text:line-break/>".join(x(s) for s in lines) + "</text:p>"
        else:
            inner = "".join(p(s) for s in lines) or "<text:p/>"
        return f"<table:table-cell{attrs}>{inner}</table:table-cell>"

    def layout(rows: list[list[list[str]]], name: str) -> None:
        body.append(f'<table:table table:name="{name}"><table:table-column table:number-columns-repeated="2"/>')
        for row in rows:
            body.append("<table:table-row>" + "".join(cell(lines) for lines in row) + "</table:table-row>")
        body.append("</table:table>")

    layout(doc.header, "Header")
    for style, text in doc.paras:
        if text.startswith("- "):
            body.append(f"<text:list><text:list-item>{p(text)}</text:list-item></text:list>")
        else:
            body.append(p(text, style))
    layout(doc.signature, "Signature")
    body += [p(text, style) for style, text in doc.appendix]
    for n, tt in enumerate(doc.tables, start=1):
        if tt.title:
            body.append(f'<text:h text:outline-level="2">{x(tt.title)}</text:h>')
        body.append(
            f'<table:table table:name="Tasks{n}">'
            f'<table:table-column table:number-columns-repeated="{doc.width}"/>'
        )
        spans = _rowspans(tt)
        for r, spec in enumerate(tt.rows):
            row: list[str] = []
            if spec.kind in ("section", "subsection"):
                number, title = spec.cells[0][0], spec.cells[1][0]
                if section_style == "merged":
                    text = f"{number}. {title}" if number else title
                    row.append(cell([text], f' table:number-columns-spanned="{doc.width}"'))
                    row.append('<table:covered-table-cell/>' * (doc.width - 1))
                else:
                    row.append(cell([number] if number else []))
                    row.append(cell([title], f' table:number-columns-spanned="{doc.width - 1}"'))
                    row.append('<table:covered-table-cell/>' * (doc.width - 2))
            else:
                for c, lines in enumerate(spec.cells):
                    if c == 0 and spec.merge_up:
                        row.append("<table:covered-table-cell/>")
                        continue
                    attrs = f' table:number-rows-spanned="{spans[r]}"' if c == 0 and spans.get(r, 1) > 1 else ""
                    row.append(cell(lines, attrs, line_breaks=c == 2))
            body.append("<table:table-row>" + "".join(row) + "</table:table-row>")
        body.append("</table:table>")
    content = (
        f'<?xml version="1.0" encoding="UTF-8"?><office:document-content {_ODT_NS}>'
        "<office:automatic-styles>"
        '<style:style style:name="Bold" style:family="text"><style:text-properties fo:font-weight="bold"/>'
        "</style:style></office:automatic-styles>"
        "<office:body><office:text>" + "".join(body) + "</office:text></office:body></office:document-content>"
    )
    manifest = (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" '
        'manifest:version="1.3">'
        '<manifest:file-entry manifest:full-path="/" '
        'manifest:media-type="application/vnd.oasis.opendocument.text"/>'
        '<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/>'
        "</manifest:manifest>"
    )
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as zf:
        zf.writestr("mimetype", "application/vnd.oasis.opendocument.text", compress_type=zipfile.ZIP_STORED)
        zf.writestr("content.xml", content, compress_type=zipfile.ZIP_DEFLATED)
        zf.writestr("META-INF/manifest.xml", manifest, compress_type=zipfile.ZIP_DEFLATED)
    return out.getvalue()


# ---------------------------------------------------------------- PDF


def pdf_fonts() -> tuple[str, str]:
    """Register DejaVu Sans (regular, bold) with reportlab; FontNotFound when not installed."""
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont

    regular, bold = FONT_DIR / "DejaVuSans.ttf", FONT_DIR / "DejaVuSans-Bold.ttf"
    if not regular.is_file() or not bold.is_file():
        raise FontNotFound("fonts-dejavu-core chưa được cài (cần DejaVuSans.ttf để vẽ chữ tiếng Việt trong PDF)")
    if "DejaVu" not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(TTFont("DejaVu", str(regular)))
        pdfmetrics.registerFont(TTFont("DejaVu-Bold", str(bold)))
    return "DejaVu", "DejaVu-Bold"


def render_pdf(plan: dict[str, Any], section_style: str = "split") -> bytes:
    from reportlab.lib import colors
    from reportlab.lib.enums import TA_CENTER
    from reportlab.lib.pagesizes import A4, landscape
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.lib.units import mm
    from reportlab.platypus import PageBreak, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

    regular, bold = pdf_fonts()
    doc = build(plan)
    # Whole tokens only: a number like "61/2018/NĐ-CP" cut over two lines would read back with a space.
    normal = ParagraphStyle("n", fontName=regular, fontSize=11, leading=14, splitLongWords=0)
    centered = ParagraphStyle("c", parent=normal, alignment=TA_CENTER)
    heading = ParagraphStyle("b", parent=normal, fontName=bold)
    heading_c = ParagraphStyle("bc", parent=heading, alignment=TA_CENTER)
    cell_style = ParagraphStyle("cell", parent=normal, fontSize=9, leading=11)
    cell_bold = ParagraphStyle("cellb", parent=cell_style, fontName=bold)
    styles = {"normal": normal, "center": centered, "bold": heading, "center-bold": heading_c}

    def para(text: str, style: ParagraphStyle) -> Paragraph:
        return Paragraph(xml_escape(text), style)

    story: list[Any] = []
    page = landscape(A4)  # appendix tables are printed landscape
    page_width = page[0] - 30 * mm

    def layout(rows: list[list[list[str]]]) -> None:
        data = [[[para(s, heading_c) for s in lines] for lines in row] for row in rows]
        # No grid: a layout table only.
        story.append(
            Table(data, colWidths=[page_width * 0.45, page_width * 0.55], style=[("VALIGN", (0, 0), (-1, -1), "TOP")])
        )

    layout(doc.header)
    story.append(Spacer(1, 6 * mm))
    story += [para(text, styles[style]) for style, text in doc.paras]
    story.append(Spacer(1, 6 * mm))
    layout(doc.signature)
    story.append(PageBreak())
    story += [para(text, styles[style]) for style, text in doc.appendix]
    tt_width = page_width
    widths = [10 * mm] + [(tt_width - 10 * mm) / (doc.width - 1)] * (doc.width - 1)
    for tt in doc.tables:
        if tt.title:
            story.append(Spacer(1, 4 * mm))
            story.append(para(tt.title, heading))
        data: list[list[Any]] = []
        commands: list[tuple[Any, ...]] = [
            ("GRID", (0, 0), (-1, -1), 0.5, colors.black),
            ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ]
        spans = _rowspans(tt)
        for r, spec in enumerate(tt.rows):
            if spec.kind in ("section", "subsection"):
                number, title = spec.cells[0][0], spec.cells[1][0]
                row: list[Any] = [""] * doc.width
                if section_style == "merged":
                    row[0] = para(f"{number}. {title}" if number else title, cell_bold)
                    commands.append(("SPAN", (0, r), (-1, r)))
                else:
                    row[0] = para(number, cell_bold) if number else ""
                    row[1] = para(title, cell_bold)
                    commands.append(("SPAN", (1, r), (-1, r)))
                data.append(row)
                continue
            style = cell_bold if spec.kind == "header" else cell_style
            row = [[para(s, style) for s in lines] if lines else "" for lines in spec.cells]
            if spec.merge_up:
                row[0] = ""
            if spans.get(r, 1) > 1:
                commands.append(("SPAN", (0, r), (0, r + spans[r] - 1)))
            data.append(row)
        story.append(Table(data, colWidths=widths, repeatRows=1, style=TableStyle(commands)))
    out = io.BytesIO()
    SimpleDocTemplate(
        out, pagesize=page, leftMargin=15 * mm, rightMargin=15 * mm, topMargin=15 * mm, bottomMargin=15 * mm,
        title="Kế hoạch",
    ).build(story)  # fmt: skip
    return out.getvalue()


RENDERERS = {
    "docx": render_docx,
    "html": render_html,
    "xlsx": render_xlsx,
    "odt": render_odt,
    "pdf": render_pdf,
}
