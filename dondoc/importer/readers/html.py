"""HTML (web pages, Word "Save as Web Page") to a Grid.

Block elements give lines; <table> elements give Tables with row/column spans
laid out on a grid. A table nested in a task cell is flattened into the cell's
text, but a table that merely wraps a page (old portals put the whole document
in one) is looked through so the task table inside it stays a table.
"""

from __future__ import annotations

import codecs
import re

import lxml.html
from lxml import etree

from ..errors import PlanImportError
from ..grid import Grid
from .common import GridBuilder, SpanCell, clamp_span, expand

BLOCK = frozenset(
    {
        "p", "div", "li", "ul", "ol", "dl", "dt", "dd", "h1", "h2", "h3", "h4", "h5", "h6", "tr", "td", "th",
        "table", "thead", "tbody", "tfoot", "caption", "section", "article", "header", "footer", "main",
        "aside", "blockquote", "pre", "address", "center", "form", "fieldset", "figure", "figcaption", "hr",
        "details", "summary", "body", "html", "title",
    }
)  # fmt: skip
SKIP = frozenset(
    {
        "head", "script", "style", "noscript", "template", "nav", "iframe", "object", "embed", "svg",
        "button", "select", "option", "textarea", "input", "map", "area", "audio", "video", "canvas",
    }
)  # fmt: skip
_HTML_WS = re.compile(r"[ \t\n\r\f\v]+")  # HTML collapses these, but not &nbsp;
_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""", re.I)
_XML_ENCODING = re.compile(rb"""^\s*<\?xml[^>]+encoding\s*=\s*["']([A-Za-z0-9_.:-]+)""", re.I)
_META_TAG = re.compile(r"<meta[^>]*charset[^>]*>", re.I)
_XML_DECL = re.compile(r"^\s*<\?xml[^>]*\?>")
MAX_ROWSPAN = 10_000
_BOMS = ((codecs.BOM_UTF8, "utf-8"), (codecs.BOM_UTF16_LE, "utf-16-le"), (codecs.BOM_UTF16_BE, "utf-16-be"))
_HIDDEN = re.compile(r"display\s*:\s*none", re.I)


def decode_html(data: bytes, charset: str | None = None) -> str:
    """The page as text: BOM, then the declared charset, then UTF-8, then Windows-1258."""
    for bom, enc in _BOMS:
        if data.startswith(bom):
            return data[len(bom):].decode(enc, errors="replace")
    declared = charset
    if not declared:
        m = _META_CHARSET.search(data[:16384]) or _XML_ENCODING.search(data[:1024])
        declared = m.group(1).decode("ascii", "replace") if m else None
    candidates = [declared] if declared else []
    candidates += ["utf-8", "cp1258"]
    for enc in candidates:
        try:
            codecs.lookup(enc)
            return data.decode(enc)
        except (LookupError, ValueError):  # unknown; a name with a NUL in it; "idna"'s UnicodeError; bad bytes
            continue
    return data.decode("cp1258", errors="replace")


def parse_html(text: str) -> etree._Element:
    # The text is already decoded: drop the charset declarations so libxml2 does
    # not re-decode it, and hand it over as UTF-8.
    text = _XML_DECL.sub("", _META_TAG.sub("", text), count=1)
    parser = lxml.html.HTMLParser(encoding="utf-8", remove_comments=True, remove_pis=True, no_network=True)
    try:
        return lxml.html.document_fromstring(text.encode("utf-8", errors="replace"), parser=parser)
    except etree.ParserError as exc:
        raise PlanImportError("Tệp HTML không có nội dung.", "empty") from exc


def read_html(data: bytes, charset: str | None = None) -> Grid:
    return read_html_text(decode_html(data, charset))


def read_html_text(text: str) -> Grid:
    root = parse_html(text)
    out = GridBuilder()
    flow = _Flow(out)
    _walk(root, flow, out)
    flow.flush()
    return out.grid


class _Flow:
    """Inline text gathered until a block boundary makes it a line."""

    def __init__(self, sink: GridBuilder | None = None) -> None:
        self.sink = sink
        self.lines: list[str] = []
        self.buf: list[str] = []

    def add(self, text: str | None) -> None:
        if text:
            self.buf.append(text)

    def flush(self) -> None:
        if not self.buf:
            return
        text = _HTML_WS.sub(" ", "".join(self.buf)).strip()
        self.buf = []
        if not text:
            return
        if self.sink is not None:
            self.sink.line(text)
        else:
            self.lines.append(text)


def _tag(el: etree._Element) -> str | None:
    tag = el.tag
    if not isinstance(tag, str):
        return None  # comment, processing instruction, entity
    return tag.lower()  # Word's <o:p> stays "o:p": inline, not a paragraph


def _walk(el: etree._Element, flow: _Flow, top: GridBuilder | None) -> None:
    """Text of `el` into `flow`; with `top` set (outside any table) tables become Tables."""
    tag = _tag(el)
    if tag is None or tag in SKIP or _HIDDEN.search(el.get("style") or ""):
        return
    if tag == "table" and top is not None and not _is_wrapper(el):
        flow.flush()
        _table(el, top)
        return
    block = tag in BLOCK
    if tag == "br" or block:
        flow.flush()
    flow.add(el.text)
    for child in el:
        _walk(child, flow, top)
        flow.add(child.tail)
    if block:
        flow.flush()


def _own_rows(table: etree._Element) -> list[etree._Element]:
    rows: list[etree._Element] = []
    for child in table:
        tag = _tag(child)
        if tag == "tr":
            rows.append(child)
        elif tag in ("thead", "tbody", "tfoot"):
            rows.extend(c for c in child if _tag(c) == "tr")
    return rows


def _own_cells(tr: etree._Element) -> list[etree._Element]:
    return [c for c in tr if _tag(c) in ("td", "th")]


def _is_wrapper(table: etree._Element) -> bool:
    """A table used to lay out a page: it holds a real table (2+ rows of 3+ cells) inside."""
    for inner in table.iterdescendants("table"):
        if sum(1 for tr in _own_rows(inner) if len(_own_cells(tr)) >= 3) >= 2:
            return True
    return False


def _cell_text(td: etree._Element) -> str:
    flow = _Flow()
    flow.add(td.text)
    for child in td:
        _walk(child, flow, None)
        flow.add(child.tail)
    flow.flush()
    return "\n".join(flow.lines)


def _table(table: etree._Element, out: GridBuilder) -> None:
    for child in table:
        if _tag(child) == "caption":
            out.line(_cell_text(child))
    spans: list[list[SpanCell]] = []
    pending = 0  # cells so far, spans included: refused past MAX_CELLS before the table is all built
    for tr in _own_rows(table):
        if _HIDDEN.search(tr.get("style") or ""):
            continue
        cells = []
        for td in _own_cells(tr):
            colspan = clamp_span(td.get("colspan", 1))
            pending += colspan
            out.check(pending)
            cells.append(SpanCell(_cell_text(td), colspan, clamp_span(td.get("rowspan", 1), MAX_ROWSPAN)))
        spans.append(cells)
    out.table(expand(spans))
