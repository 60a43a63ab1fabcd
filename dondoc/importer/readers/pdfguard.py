"""Bounds on what a hostile PDF can make pdfminer and pdfplumber do (zipguard.py's twin).

pdfminer and pdfplumber trust the file; each of these was found by fuzzing with a
PDF of a few kB:

- a reference to a reference that leads back to itself ("2 0 obj 3 0 R endobj",
  "3 0 obj 2 0 R endobj") sends pdfminer's `resolve1` round the cycle forever;
- stream filters inflate without limit: 1.5 MB of Flate data became 1.5 GB of
  memory (RunLength, LZW and ASCII85 inflate too, and filters can be chained);
- pdfplumber finds the cells of ruled tables in time quadratic in the crossings
  of the rules: a page drawing a 200 x 200 grid took a minute, 300 x 300 ten;
- a page's layout costs some 2.5 kB and 100 µs per character or drawn object:
  a few hundred kB of content stream take gigabytes; and drawing a Form XObject
  costs 150 µs however little it holds: "/X Do" 200,000 times took half a minute.

So, while `reading()` is active (read_pdf wraps the whole read in it):
- a reference cycle resolves to nothing, as a dangling reference does;
- every stream is decoded incrementally, and all the decoded bytes of one
  document are counted against MAX_DECODED_BYTES (then "zip_bomb");
- `layout(page)` lays a page out with a count of its characters and drawn
  objects (MAX_PAGE_OBJECTS) and of the content it interprets, Form XObjects
  included, each counting for FORM_COST_BYTES at least (MAX_PAGE_CONTENT_BYTES):
  past either the page is PageTooComplex;
- `find_tables(page)` gives up on a page whose rules cross more than
  MAX_INTERSECTIONS times (TooManyRules).

The pdfminer hooks are installed once, at import, on pdfminer's own module and
class (its parser builds the objects, so there is no other way in); outside
`reading()` they hand straight over to pdfminer's code, so nothing else in the
process sees a difference.
"""

from __future__ import annotations

import io
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

import pdfminer.pdftypes as pdftypes
from pdfminer.lzw import LZWDecoder
from pdfminer.pdfinterp import PDFPageInterpreter
from pdfminer.pdftypes import PDFObjRef, PDFStream
from pdfplumber.page import PDFPageAggregatorWithMarkedContent
from pdfplumber.table import (
    Table,
    TableFinder,
    TableSettings,
    cells_to_tables,
    edges_to_intersections,
    intersections_to_cells,
)

from ..errors import PlanImportError

MAX_DECODED_BYTES = 100 * 1024 * 1024  # all streams of one document, decoded (a real plan: a few MB)
MAX_PAGE_OBJECTS = 100_000  # characters, lines, curves, images of one page (a dense real page: ~10,000)
MAX_PAGE_CONTENT_BYTES = 4 * 1024 * 1024  # content one page interprets, forms included (real: ~100 kB)
FORM_COST_BYTES = 1024  # what drawing a Form XObject counts for at least (its set-up costs some 150 µs)
MAX_INTERSECTIONS = 3_000  # rule crossings a page's table finder works on (a 12 x 60 table: ~800)
MAX_EDGE_PAIRS = 1_000_000  # vertical x horizontal rules it compares to find those crossings
_CHUNK = 1 << 20


class PageTooComplex(Exception):
    """The page holds more than the layout bounds allow; its text is skipped."""


class TooManyRules(Exception):
    """The page's rules cross too often to look for ruled tables on it."""


class _Budget:
    def __init__(self, limit: int) -> None:
        self.limit = limit
        self.decoded = 0
        self.exceeded = False

    def spend(self, n: int) -> None:
        self.decoded += n
        if self.decoded > self.limit:
            self.exceeded = True
            raise self.error()

    def error(self) -> PlanImportError:
        return PlanImportError(
            "Tệp PDF có luồng dữ liệu nén bất thường (giải nén vượt "
            f"{self.limit // (1024 * 1024)} MB), có thể là tệp độc hại; không thể nhập.",
            "zip_bomb",
        )


_BUDGET: ContextVar[_Budget | None] = ContextVar("dondoc_pdf_budget", default=None)


@contextmanager
def reading(limit: int = MAX_DECODED_BYTES) -> Iterator[_Budget]:
    """Bounds on for the PDF read inside the block (this thread / context only)."""
    budget = _Budget(limit)
    token = _BUDGET.set(budget)
    try:
        yield budget
    finally:
        _BUDGET.reset(token)


# ---------------------------------------------------------------- reference cycles

_original_resolve = PDFObjRef.resolve


def _resolve(self: PDFObjRef, default: object = None) -> Any:
    if _BUDGET.get() is None:
        return _original_resolve(self, default)
    # Follow a reference to a reference here, remembering where we have been: pdfminer's
    # resolve1 loops on whatever this returns while it is a reference.
    seen = {self.objid}
    obj = _original_resolve(self, default)
    while isinstance(obj, PDFObjRef):
        if obj.objid in seen or obj.doc is None:
            return default
        seen.add(obj.objid)
        obj = _original_resolve(obj, default)
    return obj


# ---------------------------------------------------------------- stream filters


def _inflate(data: bytes, budget: _Budget) -> tuple[bytes, bool]:
    """Flate data decoded a piece at a time: (bytes, complete). A zlib error mid-stream raises."""
    d = zlib.decompressobj()
    out: list[bytes] = []
    pending = data
    while pending and not d.eof:
        piece = d.decompress(pending, _CHUNK)
        budget.spend(len(piece))
        out.append(piece)
        pending = d.unconsumed_tail
    if not d.eof:
        piece = d.flush()
        budget.spend(len(piece))
        out.append(piece)
    return b"".join(out), d.eof


class _Zlib:
    """Stands in for the zlib module inside pdfminer.pdftypes (decode() calls zlib.decompress)."""

    error = zlib.error
    decompressobj = staticmethod(zlib.decompressobj)

    @staticmethod
    def decompress(data: bytes) -> bytes:
        budget = _BUDGET.get()
        if budget is None:
            return zlib.decompress(data)
        out, complete = _inflate(data, budget)
        if not complete:
            # As zlib.decompress does; pdfminer then falls back to decompress_corrupted.
            raise zlib.error("Error -5 while decompressing data: incomplete or truncated stream")
        return out


_original_corrupted = pdftypes.decompress_corrupted


def _decompress_corrupted(data: bytes) -> bytes:
    """pdfminer's fallback for a damaged Flate stream (what decodes before the damage, if the
    damage is in the last bytes only, the checksum), bounded and in linear time."""
    budget = _BUDGET.get()
    if budget is None:
        return _original_corrupted(data)
    try:
        return _inflate(data, budget)[0]
    except zlib.error:
        if len(data) <= 3:
            raise
    # The damage may be the checksum alone: what the data before it gives.
    return _inflate(data[:-3], budget)[0]


def _bounded(name: str) -> Any:
    original = getattr(pdftypes, name)

    def decode(data: bytes, *args: Any) -> bytes:
        budget = _BUDGET.get()
        if budget is None:
            return original(data, *args)
        if name == "lzwdecode":  # LZW can multiply its input some 1,000 times: piece by piece
            out = []
            for piece in LZWDecoder(io.BytesIO(data)).run():
                budget.spend(len(piece))
                out.append(piece)
            return b"".join(out)
        if name == "rldecode":  # RunLength: up to 64 times its input
            return _rldecode(data, budget)
        if name == "ccittfaxdecode":
            # Fax-coded images: their pixels are never needed for the text, and the declared
            # width alone can ask for gigabytes.
            return b""
        out = original(data, *args)  # ASCII85 and hex: at most 4 times their input
        budget.spend(len(out))
        return out

    decode.__name__ = name
    return decode


def _rldecode(data: bytes, budget: _Budget) -> bytes:
    out = bytearray()
    i, n = 0, len(data)
    while i < n:
        length = data[i]
        if length == 128:
            break
        if length < 128:
            chunk = data[i + 1:i + 2 + length]
            i += 2 + length
        else:
            chunk = data[i + 1:i + 2] * (257 - length)
            i += 2
        budget.spend(len(chunk))
        out += chunk
    return bytes(out)


_BOUNDED_FILTERS = ("lzwdecode", "rldecode", "ccittfaxdecode", "ascii85decode", "asciihexdecode")


def _install() -> None:
    if getattr(PDFObjRef.resolve, "_dondoc_guard", False):
        return
    _resolve._dondoc_guard = True  # type: ignore[attr-defined]
    PDFObjRef.resolve = _resolve  # type: ignore[method-assign]
    pdftypes.zlib = _Zlib  # type: ignore[assignment]
    pdftypes.decompress_corrupted = _decompress_corrupted
    for name in _BOUNDED_FILTERS:
        setattr(pdftypes, name, _bounded(name))


_install()


# ---------------------------------------------------------------- page layout


class _Limits:
    def __init__(self) -> None:
        self.objects = 0
        self.content = 0

    def object(self) -> None:
        self.objects += 1
        if self.objects > MAX_PAGE_OBJECTS:
            raise PageTooComplex(f"hơn {MAX_PAGE_OBJECTS:,} ký tự và nét vẽ".replace(",", "."))

    def stream(self, size: int) -> None:
        self.content += size
        if self.content > MAX_PAGE_CONTENT_BYTES:
            raise PageTooComplex(f"nội dung trang vượt {MAX_PAGE_CONTENT_BYTES // (1024 * 1024)} MB")


class _Device(PDFPageAggregatorWithMarkedContent):
    """pdfplumber's layout device, counting what it lays out."""

    limits: _Limits

    def render_char(self, *args: Any, **kwargs: Any) -> float:
        self.limits.object()
        return super().render_char(*args, **kwargs)

    def render_image(self, *args: Any, **kwargs: Any) -> None:
        self.limits.object()
        super().render_image(*args, **kwargs)

    def paint_path(self, *args: Any, **kwargs: Any) -> None:
        self.limits.object()
        super().paint_path(*args, **kwargs)


class _Interpreter(PDFPageInterpreter):
    """pdfminer's interpreter, counting the content it runs (a Form XObject drawn 10,000 times
    runs its content 10,000 times)."""

    device: _Device

    def render_contents(self, resources: dict[object, object], streams: Any, *args: Any, **kwargs: Any) -> None:
        size = 0
        for obj in streams if isinstance(streams, list | tuple) else [streams]:
            stream = pdftypes.resolve1(obj)
            if isinstance(stream, PDFStream):
                size += len(stream.get_data() or b"")
        self.device.limits.stream(max(size, FORM_COST_BYTES))
        super().render_contents(resources, streams, *args, **kwargs)


def layout(page: Any) -> None:
    """Lay the pdfplumber page out as `page.layout` would, within MAX_PAGE_OBJECTS and
    MAX_PAGE_CONTENT_BYTES; raises PageTooComplex past them. Later calls of page.chars,
    page.lines, ... use this layout (pdfplumber keeps it in `page._layout`)."""
    if hasattr(page, "_layout"):
        return
    device = _Device(page.pdf.rsrcmgr, pageno=page.page_number, laparams=page.pdf.laparams)
    device.limits = _Limits()
    interpreter = _Interpreter(page.pdf.rsrcmgr, device)
    interpreter.process_page(page.page_obj)
    page._layout = device.get_result()


# ---------------------------------------------------------------- ruled tables


class _TableFinder(TableFinder):
    """pdfplumber's TableFinder with a bound before its quadratic step."""

    def __init__(self, page: Any, settings: Any = None) -> None:
        self.page = page
        self.settings = TableSettings.resolve(settings)
        self.edges = self.get_edges()
        vertical = sum(1 for e in self.edges if e["orientation"] == "v")
        if vertical * (len(self.edges) - vertical) > MAX_EDGE_PAIRS:
            raise TooManyRules(f"{vertical} đường dọc, {len(self.edges) - vertical} đường ngang")
        self.intersections = edges_to_intersections(
            self.edges, self.settings.intersection_x_tolerance, self.settings.intersection_y_tolerance
        )
        if len(self.intersections) > MAX_INTERSECTIONS:
            raise TooManyRules(f"{len(self.intersections)} giao điểm")
        self.cells = intersections_to_cells(self.intersections)
        self.tables = [Table(self.page, group) for group in cells_to_tables(self.cells)]


def find_tables(page: Any, settings: Any = None) -> list[Any]:
    """page.find_tables(settings), or TooManyRules on a page whose rules cross too often."""
    return _TableFinder(page, settings).tables
