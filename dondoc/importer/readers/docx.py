"""DOCX to a Grid, reading the body XML in order (paragraphs and tables interleaved).

python-docx opens the package (and parses its XML without resolving entities);
the walk itself is over the raw WordprocessingML because python-docx's object
model loses the interleaving of paragraphs and tables and knows nothing of
vertical merges.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Iterator

import docx
from docx.document import Document as DocxDocument
from lxml import etree

from ..grid import Grid, Row
from .common import CellCount, GridBuilder, SpanCell, clamp_span, clean_lines, expand
from .zipguard import open_zip

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
MC = "http://schemas.openxmlformats.org/markup-compatibility/2006"


def _w(name: str) -> str:
    return f"{{{W}}}{name}"


P, TBL, TR, TC, T = _w("p"), _w("tbl"), _w("tr"), _w("tc"), _w("t")
SDT, SDT_CONTENT, CUSTOM_XML = _w("sdt"), _w("sdtContent"), _w("customXml")
PPR, NUMPR, NUMID, ILVL, PSTYLE = _w("pPr"), _w("numPr"), _w("numId"), _w("ilvl"), _w("pStyle")
TCPR, TRPR, GRID_SPAN, VMERGE, HMERGE = _w("tcPr"), _w("trPr"), _w("gridSpan"), _w("vMerge"), _w("hMerge")
GRID_BEFORE, GRID_AFTER, VAL = _w("gridBefore"), _w("gridAfter"), _w("val")
BLOCK_TAGS, ROW_TAGS, CELL_TAGS = frozenset({P, TBL}), frozenset({TR}), frozenset({TC})
TAB, BR, CR, NB_HYPHEN, TXBX = _w("tab"), _w("br"), _w("cr"), _w("noBreakHyphen"), _w("txbxContent")
# Subtrees whose text is not on the page: deleted or moved-away revisions, field
# codes, the duplicate fallback copy of text boxes, footnote marks.
SKIP = {_w("del"), _w("moveFrom"), _w("instrText"), _w("delText"), f"{{{MC}}}Fallback", _w("rPr"), _w("pPr")}
DASHES = {"-", "\u2013", "\u2014", "\u2212", "\uf02d"}


WML_MAIN = "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"
# Macro-enabled documents and templates: the same WordprocessingML, which python-docx refuses by content type.
OTHER_MAINS = (
    "application/vnd.ms-word.document.macroEnabled.main+xml",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.template.main+xml",
    "application/vnd.ms-word.template.macroEnabledTemplate.main+xml",
)


def read_docx(data: bytes) -> Grid:
    with open_zip(data, "DOCX") as zf:
        types = zf.read("[Content_Types].xml") if "[Content_Types].xml" in zf.namelist() else b""
        if any(t.encode() in types for t in OTHER_MAINS):
            data = _as_plain_docx(zf, types)
    document = docx.Document(io.BytesIO(data))
    body = document.element.body
    numbering = _Numbering(document)
    out = GridBuilder()
    for item in _blocks(body):
        if item.tag == P:
            out.line(numbering.label(item) + _para_text(item))
        elif _is_wrapper(item):
            # A one-cell (or few-cell) frame around the real content: read through it.
            for tr in _rows(item):
                for tc in _cells(tr):
                    for inner in _blocks(tc):
                        if inner.tag == P:
                            out.line(numbering.label(inner) + _para_text(inner))
                        else:
                            out.table(_table_rows(inner, numbering, CellCount(out)))
        else:
            out.table(_table_rows(item, numbering, CellCount(out)))
    return out.grid



def _as_plain_docx(zf: zipfile.ZipFile, types: bytes) -> bytes:
    """The package rewritten with the ordinary document content type (macros are never run or read)."""
    for other in OTHER_MAINS:
        types = types.replace(other.encode(), WML_MAIN.encode())
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in zf.infolist():
            payload = types if info.filename == "[Content_Types].xml" else zf.read(info)
            dst.writestr(info.filename, payload)
    return out.getvalue()


def _through(parent: etree._Element, tags: frozenset[str]) -> Iterator[etree._Element]:
    """Children of `parent` whose tag is one of `tags`, in order, looking through
    content controls (w:sdt) and custom XML, which may wrap paragraphs, rows or cells."""
    for child in parent:
        tag = child.tag
        if tag in tags:
            yield child
        elif tag == SDT:
            content = child.find(SDT_CONTENT)
            if content is not None:
                yield from _through(content, tags)
        elif tag == CUSTOM_XML:
            yield from _through(child, tags)


def _blocks(parent: etree._Element) -> Iterator[etree._Element]:
    """w:p and w:tbl children in order."""
    return _through(parent, BLOCK_TAGS)


def _rows(tbl: etree._Element) -> Iterator[etree._Element]:
    return _through(tbl, ROW_TAGS)


def _cells(tr: etree._Element) -> Iterator[etree._Element]:
    return _through(tr, CELL_TAGS)


def _is_wrapper(tbl: etree._Element) -> bool:
    for inner in tbl.iter(TBL):
        if inner is not tbl and sum(1 for tr in _rows(inner) if sum(1 for _ in _cells(tr)) >= 3) >= 2:
            return True
    return False


def _para_text(p: etree._Element) -> str:
    parts: list[str] = []
    _run_text(p, parts)
    return "".join(parts)


def _run_text(el: etree._Element, parts: list[str]) -> None:
    for child in el:
        tag = child.tag
        if not isinstance(tag, str) or tag in SKIP:
            continue
        if tag == T:
            parts.append(child.text or "")
        elif tag == TAB:
            parts.append("\t")
        elif tag in (BR, CR):
            parts.append("\n")
        elif tag == NB_HYPHEN:
            parts.append("-")
        elif tag == TXBX:
            # A text box anchored in the paragraph: its paragraphs as lines of their own.
            lines = [_para_text(p) for p in child.iter(P)]
            parts.append("\n" + "\n".join(lines) + "\n")
        else:
            _run_text(child, parts)


def _cell_lines(tc: etree._Element, numbering: _Numbering, cells: CellCount) -> list[str]:
    lines: list[str] = []
    for item in _blocks(tc):
        if item.tag == P:
            lines.extend((numbering.label(item) + _para_text(item)).split("\n"))
        else:  # a nested table: flattened, cell by cell
            for tr in _rows(item):
                for inner in _cells(tr):
                    cells.add(1)
                    lines.extend(_cell_lines(inner, numbering, cells))
    return clean_lines(lines)


def _int_val(el: etree._Element | None, default: int = 0) -> int:
    return default if el is None else clamp_span(el.get(VAL, default))


def _table_rows(tbl: etree._Element, numbering: _Numbering, count: CellCount) -> list[Row]:
    rows: list[list[SpanCell]] = []
    for tr in _rows(tbl):
        trpr = tr.find(TRPR)
        before = _int_val(trpr.find(GRID_BEFORE)) if trpr is not None else 0
        after = _int_val(trpr.find(GRID_AFTER)) if trpr is not None else 0
        count.add(before + after)
        cells: list[SpanCell] = [SpanCell("", before)] if before else []
        for tc in _cells(tr):
            tcpr = tc.find(TCPR)
            span = _int_val(tcpr.find(GRID_SPAN), 1) if tcpr is not None else 1
            count.add(span)
            vmerge = tcpr.find(VMERGE) if tcpr is not None else None
            hmerge = tcpr.find(HMERGE) if tcpr is not None else None
            if hmerge is not None and hmerge.get(VAL) != "restart" and cells:
                cells[-1].colspan += span  # legacy horizontal merge: widen the cell on the left
                continue
            # A vertically merged continuation shows nothing of its own; the text
            # stays with the first cell of the merge (not repeated down the rows).
            continued = vmerge is not None and vmerge.get(VAL, "continue") == "continue"
            text = "" if continued else "\n".join(_cell_lines(tc, numbering, count))
            cells.append(SpanCell(text, span))
        if after:
            cells.append(SpanCell("", after))
        rows.append(cells)
    return expand(rows)


class _Numbering:
    """Enough of Word's list numbering to print "1.", "a)", "-" before a numbered paragraph."""

    def __init__(self, document: DocxDocument) -> None:
        self.levels: dict[str, dict[int, tuple[str, str, int]]] = {}
        self.num_to_abstract: dict[str, str] = {}
        self.style_num: dict[str, tuple[str, int]] = {}
        self.counters: dict[str, dict[int, int]] = {}
        try:
            root = document.part.numbering_part.element
        except (KeyError, NotImplementedError, AttributeError, ValueError):
            root = None
        if root is not None:
            for abstract in root.iter(_w("abstractNum")):
                levels: dict[int, tuple[str, str, int]] = {}
                for lvl in abstract.iter(_w("lvl")):
                    fmt = lvl.find(_w("numFmt"))
                    text = lvl.find(_w("lvlText"))
                    start = lvl.find(_w("start"))
                    levels[_int(lvl.get(_w("ilvl")))] = (
                        fmt.get(VAL, "decimal") if fmt is not None else "decimal",
                        text.get(VAL, "") if text is not None else "",
                        _int(start.get(VAL)) if start is not None else 1,
                    )
                self.levels[abstract.get(_w("abstractNumId"), "")] = levels
            for num in root.iter(_w("num")):
                ref = num.find(_w("abstractNumId"))
                if ref is not None:
                    self.num_to_abstract[num.get(_w("numId"), "")] = ref.get(VAL, "")
        try:
            styles = document.styles.element
        except (KeyError, NotImplementedError, AttributeError, ValueError):
            styles = None
        if styles is not None:
            for style in styles.iter(_w("style")):
                numpr = style.find(f"{PPR}/{NUMPR}")
                if numpr is not None:
                    num_id = numpr.find(NUMID)
                    ilvl = numpr.find(ILVL)
                    if num_id is not None:
                        self.style_num[style.get(_w("styleId"), "")] = (
                            num_id.get(VAL, ""),
                            _int(ilvl.get(VAL)) if ilvl is not None else 0,
                        )

    def label(self, p: etree._Element) -> str:
        if not self.levels:
            return ""
        ppr = p.find(PPR)
        if ppr is None:
            return ""
        numpr = ppr.find(NUMPR)
        num_id, ilvl = "", 0
        if numpr is not None:
            el = numpr.find(NUMID)
            num_id = el.get(VAL, "") if el is not None else ""
            el = numpr.find(ILVL)
            ilvl = _int(el.get(VAL)) if el is not None else 0
        else:
            style = ppr.find(PSTYLE)
            if style is not None and style.get(VAL) in self.style_num:
                num_id, ilvl = self.style_num[style.get(VAL, "")]
        if not num_id or num_id == "0":
            return ""
        levels = self.levels.get(self.num_to_abstract.get(num_id, ""), {})
        if ilvl not in levels:
            return ""
        fmt, pattern, start = levels[ilvl]
        counters = self.counters.setdefault(num_id, {})
        counters[ilvl] = counters.get(ilvl, start - 1) + 1
        for deeper in [k for k in counters if k > ilvl]:
            del counters[deeper]
        if fmt == "none":
            return ""
        if fmt == "bullet":
            return "- " if pattern.strip() in DASHES else "\u2022 "
        text = pattern
        for level in range(8, -1, -1):
            if f"%{level + 1}" in text:
                lfmt = levels.get(level, (fmt, "", 1))[0]
                value = counters.get(level, levels.get(level, ("", "", 1))[2])
                text = text.replace(f"%{level + 1}", _format(value, lfmt))
        return text + " " if text else ""


def _int(value: object) -> int:
    try:
        return int(str(value))
    except (TypeError, ValueError):
        return 0


def _roman(n: int) -> str:
    out = ""
    for value, sym in ((1000, "M"), (900, "CM"), (500, "D"), (400, "CD"), (100, "C"), (90, "XC"),
                       (50, "L"), (40, "XL"), (10, "X"), (9, "IX"), (5, "V"), (4, "IV"), (1, "I")):
        while n >= value:
            out += sym
            n -= value
    return out


def _letters(n: int) -> str:
    # Word's letter numbering: a..z, then aa, bb, ...
    n = max(n, 1)
    return chr(ord("a") + (n - 1) % 26) * ((n - 1) // 26 + 1)


def _format(n: int, fmt: str) -> str:
    if n <= 0 or n > 100_000:
        return str(n)
    if fmt == "upperRoman":
        return _roman(n)
    if fmt == "lowerRoman":
        return _roman(n).lower()
    if fmt == "upperLetter":
        return _letters(n).upper()
    if fmt == "lowerLetter":
        return _letters(n)
    if fmt == "decimalZero":
        return f"{n:02d}"
    return str(n)
