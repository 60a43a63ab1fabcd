"""The administrative document format of Nghị định 30/2020/NĐ-CP (phụ lục I), with python-docx: page set-up,
Times New Roman runs and paragraphs, the two-column header (issuing body and national motto, number and place
and date), the signature block beside "Nơi nhận", tables whose header row repeats on every page.

Plain Python: no models. What a document says about its issuer comes in a `Heading` (see
dondoc.reports.letterhead.heading_for for the one read from the directory and the agency's letterhead)."""

from __future__ import annotations

import io
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from docx import Document
from docx.enum.section import WD_ORIENT, WD_SECTION
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.section import Section
from docx.shared import Length, Mm, Pt
from docx.table import Table
from docx.text.paragraph import Paragraph

FONT = "Times New Roman"
MOTTO = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
SLOGAN = "Độc lập - Tự do - Hạnh phúc"
BLANK_NUMBER = "\u00a0" * 6  # "Số:      /SNV-CCHC" when the number is given by the clerk at registration
BLANK_PLACE = "\u2026\u2026"  # "……, ngày …" when no place name is known

# Page set-up (phụ lục I): A4; top and bottom 20-25 mm, left 30-35 mm, right 15-20 mm.
PAGE_WIDTH, PAGE_HEIGHT = Mm(210), Mm(297)
MARGINS = {"top": Mm(20), "bottom": Mm(20), "left": Mm(30), "right": Mm(15)}
TEXT_WIDTH = 210 - 30 - 15  # mm, portrait
LANDSCAPE_TEXT_WIDTH = 297 - 30 - 15  # mm, a landscape section keeps the same margins
HEADER_LEFT = 68.0  # mm: the issuing body's column of the header
FOOTER_LEFT = 85.0  # mm: the "Nơi nhận" column beside the signature
BODY_INDENT = Mm(12.7)  # first-line indent of the body text

LEFT, CENTER, RIGHT, JUSTIFY = (WD_ALIGN_PARAGRAPH.LEFT, WD_ALIGN_PARAGRAPH.CENTER, WD_ALIGN_PARAGRAPH.RIGHT,
                                WD_ALIGN_PARAGRAPH.JUSTIFY)


@dataclass
class Heading:
    """Who issues and signs a document, and where it goes."""

    governing_body: str  # "UBND TỈNH …" above the issuer; empty for a body with none
    issuer_name: str
    symbol: str  # after the "/" of the number: "BC-SNV", "SNV-CCHC"
    place: str
    sign_authority: str  # "KT. GIÁM ĐỐC", "TM. ỦY BAN NHÂN DÂN"; empty when the head signs in his own name
    sign_title: str
    signer_name: str = ""
    recipients: list[str] = field(default_factory=list)


def number_line(number: str, symbol: str) -> str:
    """"Số: 15/BC-SNV"; a blank number leaves room to write it by hand; a number already carrying its symbol
    ("15/BC-SNV") is printed as it is."""
    number, symbol = number.strip(), symbol.strip()
    if "/" in number:
        return f"Số: {number}"
    return f"Số: {number or BLANK_NUMBER}/{symbol}".rstrip("/")


def vietnamese_date(day: date) -> str:
    """"ngày 05 tháng 01 năm 2025": a day below 10 and the months 1 and 2 take a leading zero (ND 30/2020)."""
    month = f"{day.month:02d}" if day.month < 3 else str(day.month)
    return f"ngày {day.day:02d} tháng {month} năm {day.year}"


def place_date(place: str, day: date) -> str:
    return f"{place.strip() or BLANK_PLACE}, {vietnamese_date(day)}"


# --- runs, paragraphs, rules ---------------------------------------------------------------------------------

def _font_names(r_pr: Any) -> None:
    # every script slot: Word picks the east-Asian or complex-script font for some Vietnamese characters otherwise
    fonts = r_pr.get_or_add_rFonts()
    for attr in ("w:ascii", "w:hAnsi", "w:cs", "w:eastAsia"):
        fonts.set(qn(attr), FONT)


def font(run: Any, size: float, *, bold: bool = False, italic: bool = False, underline: bool = False) -> None:
    run.font.name = FONT
    run.font.size = Pt(size)
    run.font.bold, run.font.italic, run.font.underline = bold, italic, underline
    _font_names(run._element.get_or_add_rPr())


def _add_paragraph(container: Any) -> Paragraph:
    """A new last paragraph. In a document's body python-docx looks for the closing w:sectPr from the first
    child on every call, which makes a long report quadratic; the sectPr is the body's last child, so the
    paragraph goes right before it."""
    body = getattr(getattr(container, "element", None), "body", None)
    if body is None or not len(body) or body[-1].tag != qn("w:sectPr"):
        return container.add_paragraph()
    p = OxmlElement("w:p")
    body[-1].addprevious(p)
    return Paragraph(p, container._body)


def para(container: Any, text: str = "", size: float = 14, *, bold: bool = False, italic: bool = False,
         align: int = CENTER, before: float = 0, after: float = 0, indent: Length | None = None,
         first: bool = False) -> Paragraph:
    """A paragraph in a cell or the body; `first` reuses the empty paragraph a new cell starts with."""
    paragraph = container.paragraphs[0] if first else _add_paragraph(container)
    paragraph.alignment = align
    fmt = paragraph.paragraph_format
    fmt.space_before, fmt.space_after, fmt.line_spacing = Pt(before), Pt(after), 1.0
    if indent is not None:
        fmt.first_line_indent = indent
    if text:
        font(paragraph.add_run(text), size, bold=bold, italic=italic)
    return paragraph


def body_text(container: Any, text: str, size: float = 14, *, empty: str = "Không có.") -> list[Paragraph]:
    """A free text as body paragraphs, one per line (justified, first-line indent); `empty` in italics when blank."""
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    if not lines:
        return [para(container, empty, size, italic=True, align=JUSTIFY, after=6, indent=BODY_INDENT)]
    return [para(container, line, size, align=JUSTIFY, after=6, indent=BODY_INDENT) for line in lines]


# w:pPr's children in schema order after w:pBdr (Word refuses a file whose pPr children are out of order)
_AFTER_PBDR = ("w:shd", "w:tabs", "w:suppressAutoHyphens", "w:kinsoku", "w:wordWrap", "w:overflowPunct",
               "w:topLinePunct", "w:autoSpaceDE", "w:autoSpaceDN", "w:bidi", "w:adjustRightInd", "w:snapToGrid",
               "w:spacing", "w:ind", "w:contextualSpacing", "w:mirrorIndents", "w:suppressOverlap", "w:jc",
               "w:textDirection", "w:textAlignment", "w:textboxTightWrap", "w:outlineLvl", "w:divId", "w:cnfStyle",
               "w:rPr", "w:sectPr", "w:pPrChange")


def rule(container: Any, width_mm: float, line_mm: float) -> Paragraph:
    """The short solid line under the issuing body's name, the motto or a document's title: a top border on an
    empty, tiny paragraph indented so the line is `line_mm` long and centred in the `width_mm` it sits in."""
    paragraph = para(container, "", 2)
    paragraph.paragraph_format.line_spacing = Pt(4)  # exactly: the line sits just under the text above
    side = Mm(max((width_mm - line_mm) / 2, 0))
    paragraph.paragraph_format.left_indent = side
    paragraph.paragraph_format.right_indent = side
    borders = OxmlElement("w:pBdr")
    top = OxmlElement("w:top")
    for attr, value in (("w:val", "single"), ("w:sz", "6"), ("w:space", "1"), ("w:color", "000000")):
        top.set(qn(attr), value)
    borders.append(top)
    paragraph._p.get_or_add_pPr().insert_element_before(borders, *_AFTER_PBDR)
    return paragraph


def page_break(document: Any) -> None:
    para(document).add_run().add_break(WD_BREAK.PAGE)


# --- the document and its sections ---------------------------------------------------------------------------

def new_document(title: str) -> Any:
    """An empty A4 document in the ND 30/2020 set-up: margins, Times New Roman 14 pt, Vietnamese."""
    document = Document()
    section = document.sections[0]
    section.page_width, section.page_height = PAGE_WIDTH, PAGE_HEIGHT
    _margins(section)
    normal = document.styles["Normal"]
    normal.font.name, normal.font.size = FONT, Pt(14)
    _font_names(normal.element.get_or_add_rPr())
    document.core_properties.title = title
    document.core_properties.language = "vi-VN"
    return document


def _margins(section: Section) -> None:
    for side, value in MARGINS.items():
        setattr(section, f"{side}_margin", value)


def landscape_section(document: Any) -> Section:
    """A new landscape section on a new page (wide appendix tables), same margins."""
    section = document.add_section(WD_SECTION.NEW_PAGE)
    section.orientation = WD_ORIENT.LANDSCAPE
    section.page_width, section.page_height = PAGE_HEIGHT, PAGE_WIDTH
    _margins(section)
    return section


def to_bytes(document: Any) -> bytes:
    content = [child for child in document.element.body if child.tag != qn("w:sectPr")]
    if content and content[-1].tag == qn("w:tbl"):  # a document does not end on a table (Word adds a paragraph)
        para(document, "", 14)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


# --- tables ----------------------------------------------------------------------------------------------------

def set_widths(table: Table, widths_mm: Sequence[float]) -> None:
    table.autofit = False
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    for row in table.rows:
        for cell, width in zip(row.cells, widths_mm, strict=True):
            cell.width = Mm(width)


def repeat_header(table: Table) -> None:
    """The first row repeats on every page the table runs to."""
    repeat = OxmlElement("w:tblHeader")
    repeat.set(qn("w:val"), "true")
    table.rows[0]._tr.get_or_add_trPr().append(repeat)


def fill_row(cells: Sequence[Any], values: Sequence[str], size: float = 12, *, bold: bool = False,
             left: Iterable[int] = (1,)) -> None:
    """Cell texts, one paragraph per line; the columns in `left` aligned left, the others centred."""
    left = set(left)
    for col, (cell, value) in enumerate(zip(cells, values, strict=True)):
        lines = str(value).split("\n")
        for i, line in enumerate(lines):
            para(cell, line, size, bold=bold, align=LEFT if col in left else CENTER, first=i == 0)


def data_table(document: Any, headers: Sequence[str], rows: Iterable[Sequence[str]], widths_mm: Sequence[float],
               *, size: float = 12, left: Iterable[int] = (1,), bold_rows: Iterable[int] = ()) -> Table:
    """A grid table: a bold header row that repeats on every page, then the rows (those whose index is in
    `bold_rows` in bold, e.g. a total)."""
    left, bold_rows = tuple(left), set(bold_rows)
    table = document.add_table(rows=1, cols=len(headers))
    table.style = document.styles["Table Grid"]
    fill_row(table.rows[0].cells, headers, size, bold=True, left=())
    repeat_header(table)
    for index, values in enumerate(rows):
        fill_row(table.add_row().cells, values, size, bold=index in bold_rows, left=left)
    set_widths(table, widths_mm)  # after the rows: python-docx sets a width per cell
    return table


# --- header and signature ------------------------------------------------------------------------------------

def header(document: Any, heading: Heading, *, number: str, day: date, subject: str = "") -> Table:
    """The header table: issuing body (left) and national motto (right); under them the number (and the subject,
    "V/v …", of a letter) left, and the place and date right."""
    left_mm, right_mm = HEADER_LEFT, TEXT_WIDTH - HEADER_LEFT
    table = document.add_table(rows=2, cols=2)
    set_widths(table, (left_mm, right_mm))
    left, right = table.rows[0].cells
    number_cell, date_cell = table.rows[1].cells
    name = " ".join(heading.issuer_name.split()).upper()
    governing = " ".join(heading.governing_body.split()).upper()
    if governing:
        para(left, governing, 13, first=True)
        para(left, name, 13, bold=True)
    else:
        para(left, name, 13, bold=True, first=True)
    rule(left, left_mm, min(max(len(name) * 2.9 * 0.5, 18.0), left_mm * 0.6))
    para(right, MOTTO, 13, bold=True, first=True)
    para(right, SLOGAN, 14, bold=True)
    rule(right, right_mm, 62.0)
    para(number_cell, number_line(number, heading.symbol), 13, before=6, first=True)
    if subject:
        para(number_cell, subject, 12, before=2)
    para(date_cell, place_date(heading.place, day), 14, italic=True, before=6, first=True)
    return table


def signature(document: Any, heading: Heading) -> Table:
    """"Nơi nhận" (left) beside the signature block (right): authority, title, room to sign, the signer's name."""
    table = document.add_table(rows=1, cols=2)
    set_widths(table, (FOOTER_LEFT, TEXT_WIDTH - FOOTER_LEFT))
    recipients, block = table.rows[0].cells
    para(recipients, "Nơi nhận:", 12, bold=True, italic=True, align=LEFT, first=True)
    for line in heading.recipients:
        para(recipients, line, 11, align=LEFT)
    lines = [text for text in (heading.sign_authority.strip(), heading.sign_title.strip()) if text]
    for i, text in enumerate(lines):
        para(block, text, 14, bold=True, first=i == 0)
    for i in range(4):
        para(block, "", 14, first=not lines and i == 0)
    para(block, heading.signer_name.strip(), 14, bold=True)
    return table
