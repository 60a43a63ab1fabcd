"""Corrupt and hostile plan documents, generated (nothing binary is committed).

`build(secret_dir)` gives the corpus: a real plan (a gold plan, cut to its first
tasks, rendered by fixtures_render.py as DOCX, XLSX, ODT, PDF and HTML; the seed
text of the same plan for the text paths) broken every way an upload can be:

- truncated at many offsets, bit flips, a member of the ZIP package mutated and
  re-zipped (so its checksum is right and the XML reader sees the damage);
- ZIP structure: each member missing in turn, a member that is empty, binary or
  half an XML document, duplicated names, unsupported compression, an
  "encrypted" flag, no central directory;
- wrong content types: the main part's content type swapped, a DOCX named
  .xlsx, a PowerPoint package, an ODT with a spreadsheet's mimetype;
- XML attacks in every main part: entity expansion (billion laughs, quadratic
  blow-up), external entities and external DTDs naming files under `secret_dir`
  (XXE: the secret must never come back), 100,000 levels of nesting;
- bombs: a member inflating 1,000 times, 210 MB in 21 members, a central
  directory declaring 4 GB, 1,000 entries sharing one member's data, 10,001
  members, a size that lies (more data than declared); a PDF stream inflating
  to 150 MB (Flate, Flate twice, RunLength);
- declared sizes: an XLSX merging A1:XFD1048576, a hyperlink over a million
  cells, a million empty cells, a cell at XFD1048576; a DOCX table of 10^6
  empty cells, spans of 200 over 5,000 rows; an ODT repeating a cell 10^6 x 10^6
  times; HTML spans of 200 x 10,000;
- PDF: encrypted (with and without a password to open), broken xref tables,
  /Prev loops, page trees looping through /Kids and /Parent or 5,000 levels
  deep, references that resolve to each other, a Form XObject drawing itself,
  a ruled 200 x 200 grid, a page of 150,000 characters, 501 pages;
- text: NUL bytes, non-UTF-8 encodings, UTF-16 and UTF-32, control characters,
  a 2 MB line, 100,000 cells on one row, combining-mark storms;
- sniffing: a ZIP, PDF, OLE2 (encrypted Office, old .doc), RTF, image or MHT
  header in front of the wrong body.

Everything is deterministic: no clock, seeded random numbers, ZIP entries dated
1980-01-01, reportlab in its invariant mode. Each Item says which error codes
are acceptable (`expect`, None for any), whether a Plan is acceptable, and what
text must never appear in the result (`forbid`).
"""

from __future__ import annotations

import base64
import codecs
import io
import json
import random
import re
import struct
import unicodedata
import warnings
import zipfile
import zlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

try:
    from .conftest import GOLD, SEEDS
    from .fixtures_render import RENDERERS, render_html
except ImportError:  # imported from its own directory (the worker is run as a script)
    from conftest import GOLD, SEEDS  # type: ignore[no-redef]
    from fixtures_render import RENDERERS, render_html  # type: ignore[no-redef]

GOLD_NAME = "002_3056cad089dd4c0e"
TASKS = 12  # the first tasks of the gold plan: a real document, quick to read in every format
SECRET = "DONDOC-XXE-SECRET-7f3a9c"  # written under secret_dir; no result may ever contain it
LAUGH = "lollollollollollollol"  # what an expanded billion-laughs entity would leave in a result
ZIP_DATE = (1980, 1, 1, 0, 0, 0)
BOMB_CODES = frozenset({"zip_bomb", "too_large"})
SIZE_CODES = frozenset({"too_large"})


@dataclass(frozen=True)
class Item:
    name: str  # family/variant, unique
    filename: str  # the upload's name
    data: bytes
    expect: frozenset[str] | None = None  # acceptable PlanImportError codes; None: any
    plan: bool = True  # a Plan is an acceptable result
    forbid: tuple[str, ...] = ()  # text no result (plan JSON or message) may contain

    @property
    def family(self) -> str:
        return self.name.split("/", 1)[0]


# ---------------------------------------------------------------- the real documents


def base_plan() -> dict[str, Any]:
    plan = json.loads((GOLD / f"{GOLD_NAME}.json").read_text(encoding="utf-8"))
    plan["tasks"] = plan["tasks"][:TASKS]
    return plan


@cache
def bases() -> dict[str, bytes]:
    """The real plan in every format the corpus breaks: docx, xlsx, odt, pdf, html, html1258, txt."""
    from reportlab import rl_config

    plan = base_plan()
    out = {fmt: canonical_zip(RENDERERS[fmt](plan)) for fmt in ("docx", "xlsx", "odt")}
    invariant = rl_config.invariant
    rl_config.invariant = 1  # no creation date, no random document id
    try:
        out["pdf"] = RENDERERS["pdf"](plan)
    finally:
        rl_config.invariant = invariant
    out["html"] = render_html(plan)
    out["html1258"] = render_html(plan, charset="windows-1258")
    out["txt"] = (SEEDS / f"{GOLD_NAME}.txt").read_bytes()
    return out


_TIMESTAMP = re.compile(rb"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d+)?Z?")


def canonical_zip(data: bytes) -> bytes:
    """The package with fixed entry dates and document-property timestamps: byte-for-byte reproducible."""
    members = []
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        for info in zf.infolist():
            body = zf.read(info)
            if info.filename in ("docProps/core.xml", "meta.xml"):
                body = _TIMESTAMP.sub(b"2024-01-01T00:00:00Z", body)
            members.append((info.filename, body, info.compress_type))
    return write_zip(members)


def write_zip(members: Iterable[tuple[str, bytes, int]]) -> bytes:
    out = io.BytesIO()
    with warnings.catch_warnings(), zipfile.ZipFile(out, "w") as zf:
        warnings.simplefilter("ignore")  # "Duplicate name": one item has them on purpose
        for name, body, method in members:
            info = zipfile.ZipInfo(name, ZIP_DATE)
            info.compress_type = method
            info.external_attr = 0o644 << 16
            zf.writestr(info, body)
    return out.getvalue()


def zip_members(data: bytes) -> list[tuple[str, bytes, int]]:
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        return [(i.filename, zf.read(i), i.compress_type) for i in zf.infolist()]


def rezip(data: bytes, change: dict[str, Callable[[bytes], bytes | None]]) -> bytes:
    """The package with some members changed (a function of the old bytes; None drops the member)."""
    members = []
    for name, body, method in zip_members(data):
        if name in change:
            new = change[name](body)
            if new is None:
                continue
            body = new
        members.append((name, body, method))
    return write_zip(members)


MAIN_PART = {"docx": "word/document.xml", "xlsx": "xl/worksheets/sheet1.xml", "odt": "content.xml"}
EXT = {"html1258": "htm"}


def _fname(fmt: str) -> str:
    return f"ke-hoach.{EXT.get(fmt, fmt)}"


# ---------------------------------------------------------------- byte-level damage


def truncations(fmt: str, data: bytes) -> list[Item]:
    n = len(data)
    cuts = sorted({1, 2, 4, 8, 16, 64, 256, 1024, n - 1, n - 22, n - 100}
                  | {int(n * f) for f in (0.05, 0.1, 0.25, 0.33, 0.5, 0.66, 0.75, 0.9, 0.95, 0.99)})
    return [Item(f"truncated/{fmt}-{c}", _fname(fmt), data[:c]) for c in cuts if 0 < c < n]


def bit_flips(fmt: str, data: bytes, count: int = 12) -> list[Item]:
    rng = random.Random(f"flip-{fmt}")
    items = []
    for k in range(count):
        out = bytearray(data)
        for _ in range(rng.choice((1, 2, 4, 16, 64))):
            pos = rng.randrange(len(out))
            out[pos] ^= 1 << rng.randrange(8)
        items.append(Item(f"bitflip/{fmt}-{k}", _fname(fmt), bytes(out)))
    return items


def member_damage(fmt: str, data: bytes) -> list[Item]:
    """The main XML part damaged inside a well-formed ZIP (right checksums: the XML reader sees it)."""
    part = MAIN_PART[fmt]
    rng = random.Random(f"member-{fmt}")

    def flipped(body: bytes, k: int) -> bytes:
        out = bytearray(body)
        for _ in range(k):
            out[rng.randrange(len(out))] = rng.randrange(256)
        return bytes(out)

    variants: dict[str, Callable[[bytes], bytes | None]] = {
        "empty": lambda b: b"",
        "half": lambda b: b[: len(b) // 2],
        "binary": lambda b: random.Random(f"bin-{fmt}").randbytes(4096),
        "nul-bytes": lambda b: b.replace(b">", b">\x00", 50),
        "utf16": lambda b: b.decode("utf-8").encode("utf-16"),
        "latin1-declared": lambda b: b.replace(b'encoding="UTF-8"', b'encoding="ISO-8859-1"', 1),
        "bad-encoding-declared": lambda b: b.replace(b"?>", b' encoding="x-no-such"?>', 1)
        if b.startswith(b"<?xml") else b'<?xml version="1.0" encoding="x-no-such"?>' + b,
        "unclosed": lambda b: b[: b.rfind(b"</")],
        "no-namespace": lambda b: re.sub(rb'xmlns(:\w+)?="[^"]*"', b"", b),
        "flip-1": lambda b: flipped(b, 1),
        "flip-8": lambda b: flipped(b, 8),
        "flip-64": lambda b: flipped(b, 64),
    }
    return [Item(f"member/{fmt}-{name}", _fname(fmt), rezip(data, {part: fn})) for name, fn in variants.items()]


# ---------------------------------------------------------------- ZIP structure and content types


def zip_structure(fmt: str, data: bytes) -> list[Item]:
    members = zip_members(data)
    items = [Item(f"zip-missing/{fmt}-{name}", _fname(fmt), rezip(data, {name: lambda b: None}))
             for name, _, _ in members]
    part = MAIN_PART[fmt]
    main = dict((n, b) for n, b, _ in members)[part]
    items.append(Item(f"zip/{fmt}-duplicate-main", _fname(fmt),
                      write_zip([*members, (part, b"<broken", zipfile.ZIP_DEFLATED)])))
    items.append(Item(f"zip/{fmt}-stored", _fname(fmt), write_zip((n, b, zipfile.ZIP_STORED) for n, b, _ in members)))
    items.append(Item(f"zip/{fmt}-only-main", _fname(fmt), write_zip([(part, main, zipfile.ZIP_DEFLATED)])))
    items.append(Item(f"zip/{fmt}-unsupported-method", _fname(fmt), _set_method(data, part, 99)))
    items.append(Item(f"zip/{fmt}-encrypted-flag", _fname(fmt), _set_flag(data, part, 0x1)))
    items.append(Item(f"zip/{fmt}-no-central-directory", _fname(fmt), data[: data.rfind(b"PK\x01\x02")]))
    items.append(Item(f"zip/{fmt}-eocd-only", _fname(fmt), data[data.rfind(b"PK\x05\x06"):]))
    items.append(Item(f"zip/{fmt}-bad-cd-offset", _fname(fmt), _patch_eocd(data, cd_offset=0x7FFFFFF0)))
    items.append(Item(f"zip/{fmt}-huge-comment", _fname(fmt), _with_comment(data, b"\xff" * 65535)))
    return items


def _central_entries(data: bytes) -> Iterable[tuple[int, str]]:
    """(offset, name) of every central-directory header."""
    pos = data.find(b"PK\x01\x02")
    while pos != -1:
        name_len = struct.unpack_from("<H", data, pos + 28)[0]
        yield pos, data[pos + 46: pos + 46 + name_len].decode("utf-8", "replace")
        pos = data.find(b"PK\x01\x02", pos + 46 + name_len)


def _local_offset(data: bytes, cd: int) -> int:
    return struct.unpack_from("<I", data, cd + 42)[0]


def _set_method(data: bytes, name: str, method: int) -> bytes:
    out = bytearray(data)
    for cd, member in _central_entries(data):
        if member == name:
            struct.pack_into("<H", out, cd + 10, method)
            struct.pack_into("<H", out, _local_offset(data, cd) + 8, method)
    return bytes(out)


def _set_flag(data: bytes, name: str, flag: int) -> bytes:
    out = bytearray(data)
    for cd, member in _central_entries(data):
        if member == name:
            struct.pack_into("<H", out, cd + 8, struct.unpack_from("<H", data, cd + 8)[0] | flag)
            local = _local_offset(data, cd)
            struct.pack_into("<H", out, local + 6, struct.unpack_from("<H", data, local + 6)[0] | flag)
    return bytes(out)


def _set_sizes(data: bytes, name: str, *, declared: int | None = None, both: bool = True) -> bytes:
    """The member's uncompressed size rewritten in the central directory (and local header)."""
    out = bytearray(data)
    for cd, member in _central_entries(data):
        if member == name and declared is not None:
            struct.pack_into("<I", out, cd + 24, declared)
            if both:
                struct.pack_into("<I", out, _local_offset(data, cd) + 22, declared)
    return bytes(out)


def _patch_eocd(data: bytes, *, cd_offset: int) -> bytes:
    out = bytearray(data)
    struct.pack_into("<I", out, data.rfind(b"PK\x05\x06") + 16, cd_offset)
    return bytes(out)


def _with_comment(data: bytes, comment: bytes) -> bytes:
    eocd = data.rfind(b"PK\x05\x06")
    out = bytearray(data[: eocd + 22])
    struct.pack_into("<H", out, eocd + 20, len(comment))
    return bytes(out) + comment


def content_types(b: dict[str, bytes]) -> list[Item]:
    docx, xlsx, odt = b["docx"], b["xlsx"], b["odt"]
    main = b"application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"
    sheet = b"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"
    ct = "[Content_Types].xml"
    return [
        Item("content-type/docx-as-sheet", "ke-hoach.docx", rezip(docx, {ct: lambda x: x.replace(main, sheet)})),
        Item("content-type/docx-macro", "ke-hoach.docm", rezip(docx, {ct: lambda x: x.replace(
            main, b"application/vnd.ms-word.document.macroEnabled.main+xml")})),
        Item("content-type/docx-types-garbage", "ke-hoach.docx", rezip(docx, {ct: lambda x: b"<Types><Default"})),
        Item("content-type/docx-named-xlsx", "ke-hoach.xlsx", docx),
        Item("content-type/xlsx-named-docx", "ke-hoach.docx", xlsx),
        Item("content-type/odt-named-pdf", "ke-hoach.pdf", odt),
        Item("content-type/odt-spreadsheet-mimetype", "ke-hoach.odt", rezip(odt, {"mimetype": lambda x: x.replace(
            b"opendocument.text", b"opendocument.spreadsheet")})),
        Item("content-type/odt-no-mimetype", "ke-hoach.odt", rezip(odt, {"mimetype": lambda x: None})),
        Item("content-type/odt-unknown-mimetype", "ke-hoach.odt", rezip(odt, {"mimetype": lambda x: b"text/plain"})),
        Item("content-type/pptx", "ke-hoach.pptx", write_zip([("ppt/presentation.xml", b"<p/>", zipfile.ZIP_DEFLATED)]),
             expect=frozenset({"unsupported"}), plan=False),
        Item("content-type/plain-zip", "ke-hoach.zip", write_zip([("ke-hoach.txt", b["txt"], zipfile.ZIP_DEFLATED)]),
             expect=frozenset({"unsupported"}), plan=False),
        Item("content-type/docx-in-zip", "ke-hoach.zip", write_zip([("ke-hoach.docx", docx, zipfile.ZIP_STORED)]),
             expect=frozenset({"unsupported"}), plan=False),
    ]


# ---------------------------------------------------------------- XML attacks


def _laughs(levels: int = 10) -> bytes:
    decl = [b'<!ENTITY l0 "lol">']
    decl += [b'<!ENTITY l%d "%s">' % (i, b"&l%d;" % (i - 1) * 10) for i in range(1, levels)]
    return b"<!DOCTYPE d [" + b"".join(decl) + b"]>"


def _quadratic() -> bytes:
    return b'<!DOCTYPE d [<!ENTITY q "' + b"lol" * 20_000 + b'">]>'


def xml_attacks(b: dict[str, bytes], secret_dir: Path) -> list[Item]:
    secret = (secret_dir / "secret.txt").as_uri().encode()
    dtd = (secret_dir / "secret.dtd").as_uri().encode()
    payloads: dict[str, tuple[bytes, bytes, tuple[str, ...]]] = {
        # name: (doctype, reference put into the first text node, forbidden text)
        "billion-laughs": (_laughs(), b"&l9;", (LAUGH,)),
        "quadratic-blowup": (_quadratic(), b"&q;" * 2000, (LAUGH,)),
        "xxe-file": (b'<!DOCTYPE d [<!ENTITY xxe SYSTEM "' + secret + b'">]>', b"&xxe;", (SECRET,)),
        "xxe-parameter": (b'<!DOCTYPE d [<!ENTITY % p SYSTEM "' + dtd + b'"> %p;]>', b"&leak;", (SECRET,)),
        "xxe-external-dtd": (b'<!DOCTYPE d SYSTEM "' + dtd + b'">', b"&leak;", (SECRET,)),
    }
    parts = {
        "docx": ["word/document.xml", "[Content_Types].xml", "word/_rels/document.xml.rels", "word/styles.xml",
                 "word/numbering.xml", "_rels/.rels"],
        "xlsx": ["xl/worksheets/sheet1.xml", "xl/workbook.xml", "[Content_Types].xml", "xl/styles.xml",
                 "xl/_rels/workbook.xml.rels"],
        "odt": ["content.xml", "META-INF/manifest.xml"],
    }
    items: list[Item] = []
    for fmt, names in parts.items():
        for part in names:
            label = part.rsplit("/", 1)[-1].replace(".xml", "").replace(".rels", "-rels").strip("[]_")
            for attack, (doctype, ref, forbid) in payloads.items():
                data = rezip(b[fmt], {part: lambda x, d=doctype, r=ref: _inject(x, d, r)})
                items.append(Item(f"xml-{attack}/{fmt}-{label}", _fname(fmt), data, forbid=forbid))
            deep = rezip(b[fmt], {part: _nest})
            items.append(Item(f"xml-deep/{fmt}-{label}", _fname(fmt), deep))
    for fmt in ("html", "html1258"):
        for attack, (doctype, ref, forbid) in payloads.items():
            page = b[fmt].replace(b"<html", doctype + b"<html", 1).replace(b"<td valign=top>", b"<td>" + ref, 1)
            items.append(Item(f"xml-{attack}/{fmt}", _fname(fmt), page, forbid=forbid))
        items.append(Item(f"xml-deep/{fmt}-div", _fname(fmt), b[fmt].replace(
            b"<body lang=VI>", b"<body lang=VI>" + b"<div>" * 100_000 + b"x" + b"</div>" * 100_000, 1)))
        items.append(Item(f"xml-deep/{fmt}-table", _fname(fmt), b[fmt].replace(
            b"<body lang=VI>", b"<body lang=VI>" + b"<table><tr><td>" * 20_000, 1)))
    return items


_XML_DECL = re.compile(rb"^\s*<\?xml[^>]*\?>")
_TEXT_NODE = re.compile(rb"<(?:w:t|t|text:p)(?:\s[^>]*)?>")


def _inject(body: bytes, doctype: bytes, ref: bytes) -> bytes:
    m = _XML_DECL.match(body)
    at = m.end() if m else 0
    body = body[:at] + doctype + body[at:]
    t = _TEXT_NODE.search(body, at + len(doctype))
    return body[: t.end()] + ref + body[t.end():] if t else body


def _nest(body: bytes) -> bytes:
    """100,000 nested elements just inside the root element."""
    m = re.search(rb"<(?!\?|!)[^>]*>", body)
    assert m is not None
    return body[: m.end()] + b"<x>" * 100_000 + b"</x>" * 100_000 + body[m.end():]


# ---------------------------------------------------------------- bombs and declared sizes


def _zeros(size: int) -> Iterable[bytes]:
    chunk = bytes(1 << 20)
    for _ in range(size >> 20):
        yield chunk


def _streamed_zip(members: list[tuple[str, bytes | int]]) -> bytes:
    """A ZIP whose int-sized members are that many zero bytes, deflated as they are written."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as zf:
        for name, body in members:
            info = zipfile.ZipInfo(name, ZIP_DATE)
            info.compress_type = zipfile.ZIP_DEFLATED
            if isinstance(body, bytes):
                zf.writestr(info, body)
            else:
                with zf.open(info, "w", force_zip64=body > 0x7FFFFFFF) as fh:
                    for chunk in _zeros(body):
                        fh.write(chunk)
    return out.getvalue()


def zip_bombs(b: dict[str, bytes]) -> list[Item]:
    docx = b["docx"]
    head = [(n, body) for n, body, _ in zip_members(docx) if n != "word/document.xml"]
    doc = next(body for n, body, _ in zip_members(docx) if n == "word/document.xml")
    ratio = _streamed_zip([*head, ("word/document.xml", doc), ("word/media/zeros.bin", 11 << 20)])
    total = _streamed_zip([*head, ("word/document.xml", doc), *((f"word/media/z{i}.bin", 10 << 20) for i in range(21))])
    many = write_zip([(n, body, zipfile.ZIP_DEFLATED) for n, body in head]
                     + [("word/document.xml", doc, zipfile.ZIP_DEFLATED)]
                     + [(f"customXml/bomb{i}.xml", b"<a/>", zipfile.ZIP_STORED) for i in range(10_001)])
    lying = _set_sizes(_streamed_zip([*head, ("word/document.xml", doc + b" " * (4 << 20))]),
                       "word/document.xml", declared=len(doc))
    declared = _set_sizes(docx, "word/document.xml", declared=0xFFFFFFF0)
    return [
        Item("zip-bomb/ratio-11MB", "bom.docx", ratio, expect=BOMB_CODES, plan=False),
        Item("zip-bomb/total-210MB", "bom.docx", total, expect=BOMB_CODES, plan=False),
        Item("zip-bomb/10001-members", "bom.docx", many, expect=BOMB_CODES, plan=False),
        Item("zip-bomb/declared-4GB", "bom.docx", declared, expect=BOMB_CODES, plan=False),
        Item("zip-bomb/overlapping-entries", "bom.docx", _overlapping(docx, "word/document.xml", 1000, 1 << 20),
             expect=BOMB_CODES | {"corrupt"}, plan=False),
        # More data than the header declares: zipfile stops at the declared size and the CRC fails.
        Item("zip-bomb/lying-size", "bom.docx", lying, expect=frozenset({"corrupt"}), plan=False),
        Item("zip-bomb/xlsx-ratio", "bom.xlsx", _streamed_zip(
            [(n, body) for n, body, _ in zip_members(b["xlsx"])] + [("xl/media/zeros.bin", 11 << 20)]),
             expect=BOMB_CODES, plan=False),
        Item("zip-bomb/odt-ratio", "bom.odt", _streamed_zip(
            [(n, body) for n, body, _ in zip_members(b["odt"])] + [("Pictures/zeros.bin", 11 << 20)]),
             expect=BOMB_CODES, plan=False),
    ]


def _overlapping(data: bytes, name: str, copies: int, declared: int) -> bytes:
    """`copies` central-directory entries all pointing at one member's local header (each declaring
    `declared` bytes): Fifield's overlapping-file zip bomb."""
    entries = list(_central_entries(data))
    cd_start = entries[0][0]
    eocd = data.rfind(b"PK\x05\x06")
    target = next(cd for cd, n in entries if n == name)
    name_len, extra_len, comment_len = struct.unpack_from("<HHH", data, target + 28)
    record = bytearray(data[target: target + 46 + name_len + extra_len + comment_len])
    struct.pack_into("<I", record, 24, declared)
    central = data[cd_start:eocd] + bytes(record) * copies
    count = len(entries) + copies
    end = struct.pack("<4sHHHHIIH", b"PK\x05\x06", 0, 0, count & 0xFFFF, count & 0xFFFF, len(central), cd_start, 0)
    return data[:cd_start] + central + end


def declared_sizes(b: dict[str, bytes]) -> list[Item]:
    from openpyxl.utils import get_column_letter

    sheet = MAIN_PART["xlsx"]
    xlsx, docx, odt = b["xlsx"], b["docx"], b["odt"]

    def merge(ref: bytes) -> Callable[[bytes], bytes]:
        return lambda x: x.replace(b"<mergeCells", b'<mergeCells><mergeCell ref="' + ref + b'"/></mergeCells><x', 1)

    def add_rows(rows: bytes) -> Callable[[bytes], bytes]:
        return lambda x: x.replace(b"</sheetData>", rows + b"</sheetData>", 1)

    empties = b"".join(b'<row r="%d">' % r + b"".join(b'<c r="%s%d" s="0"/>' % (get_column_letter(c).encode(), r)
                                                     for c in range(1, 101)) + b"</row>" for r in range(20, 10_020))

    def docx_body(inner: bytes) -> Callable[[bytes], bytes]:
        return lambda x: x.replace(b"<w:body>", b"<w:body>" + inner, 1)

    odt_cell = b'<table:table-cell table:number-columns-repeated="1000000"><text:p>x</text:p></table:table-cell>'
    odt_rows = b'<table:table><table:table-row table:number-rows-repeated="1000000">' + odt_cell
    odt_rows += b"</table:table-row></table:table>"
    html = b"<html><body><table>" + b"<tr><td colspan=200>x</td><td colspan=200>y</td></tr>" * 5000 + b"</table>"
    rowspan = b"<html><body><table><tr>" + b"<td rowspan=10000>x</td>" * 200 + b"</tr>"
    rowspan += b"<tr><td>y</td></tr>" * 9999 + b"</table>"
    return [
        Item("size/xlsx-merge-whole-sheet", "ke-hoach.xlsx", rezip(xlsx, {sheet: merge(b"A20:XFD1048576")}),
             expect=SIZE_CODES, plan=False),
        Item("size/xlsx-merge-1000x1000", "ke-hoach.xlsx", rezip(xlsx, {sheet: merge(b"A20:ALL1019")}),
             expect=SIZE_CODES, plan=False),
        Item("size/xlsx-merge-whole-column", "ke-hoach.xlsx", rezip(xlsx, {sheet: merge(b"H:H")}),
             expect=SIZE_CODES, plan=False),
        Item("size/xlsx-merge-full-row", "ke-hoach.xlsx", rezip(xlsx, {sheet: merge(b"A30:XFD30")})),
        Item("size/xlsx-hyperlink-range", "ke-hoach.xlsx", rezip(xlsx, {sheet: lambda x: x.replace(
            b"</mergeCells>", b'</mergeCells><hyperlinks><hyperlink ref="A20:ALL1019" location="A1"/></hyperlinks>',
            1)}), expect=SIZE_CODES, plan=False),
        Item("size/xlsx-million-empty-cells", "ke-hoach.xlsx", rezip(xlsx, {sheet: add_rows(empties)}),
             expect=SIZE_CODES, plan=False),
        Item("size/xlsx-dimension", "ke-hoach.xlsx", rezip(xlsx, {sheet: lambda x: re.sub(
            rb'<dimension ref="[^"]*"/>', b'<dimension ref="A1:XFD1048576"/>', x)})),
        Item("size/xlsx-far-cell", "ke-hoach.xlsx", rezip(xlsx, {sheet: add_rows(
            b'<row r="1048576"><c r="XFD1048576" t="inlineStr"><is><t>x</t></is></c></row>')})),
        Item("size/xlsx-row-beyond-limit", "ke-hoach.xlsx", rezip(xlsx, {sheet: add_rows(
            b'<row r="99999999"><c r="ZZZZ99999999" t="inlineStr"><is><t>x</t></is></c></row>')})),
        Item("size/xlsx-row-spans", "ke-hoach.xlsx", rezip(xlsx, {sheet: lambda x: x.replace(
            b'<row r="1"', b'<row r="1" spans="1:16384" ht="1e308" customHeight="1"', 1)})),
        Item("size/docx-million-empty-cells", "ke-hoach.docx", rezip(docx, {MAIN_PART["docx"]: docx_body(
            b"<w:tbl>" + (b"<w:tr>" + b"<w:tc/>" * 1000 + b"</w:tr>") * 1000 + b"</w:tbl>")}),
             expect=SIZE_CODES, plan=False),
        Item("size/docx-gridspan-200x5000", "ke-hoach.docx", rezip(docx, {MAIN_PART["docx"]: docx_body(
            b"<w:tbl>" + b'<w:tr><w:tc><w:tcPr><w:gridSpan w:val="200"/></w:tcPr><w:p/></w:tc>'
            b'<w:tc><w:tcPr><w:gridSpan w:val="999999999999"/></w:tcPr><w:p/></w:tc></w:tr>' * 5000
            + b"</w:tbl>")}), expect=SIZE_CODES, plan=False),
        Item("size/docx-gridbefore", "ke-hoach.docx", rezip(docx, {MAIN_PART["docx"]: docx_body(
            b"<w:tbl>" + b'<w:tr><w:trPr><w:gridBefore w:val="200"/><w:gridAfter w:val="200"/></w:trPr>'
            b"<w:tc><w:p><w:r><w:t>x</w:t></w:r></w:p></w:tc></w:tr>" * 5000 + b"</w:tbl>")}),
             expect=SIZE_CODES, plan=False),
        Item("size/docx-numbering-start", "ke-hoach.docx", rezip(docx, {"word/numbering.xml": lambda x: re.sub(
            rb'<w:start w:val="\d+"/>', b'<w:start w:val="99999999999999999999"/>', x)})),
        Item("size/odt-repeat-million-squared", "ke-hoach.odt", rezip(odt, {"content.xml": lambda x: x.replace(
            b"<office:text>", b"<office:text>" + odt_rows, 1)}), expect=SIZE_CODES, plan=False),
        Item("size/odt-space-count", "ke-hoach.odt", rezip(odt, {"content.xml": lambda x: x.replace(
            b"<text:p>", b'<text:p><text:s text:c="1000000000"/>', 5)})),
        Item("size/html-colspan-200x10000", "ke-hoach.html", html, expect=SIZE_CODES, plan=False),
        Item("size/html-rowspan-10000x200", "ke-hoach.html", rowspan, expect=SIZE_CODES, plan=False),
        Item("size/html-colspan-garbage", "ke-hoach.html", b["html"].replace(
            b"<th valign=top>", b'<th valign=top colspan="99999999999999999999" rowspan="-5">', 3)),
    ]


# ---------------------------------------------------------------- PDF


def _pdf(objects: list[tuple[int, bytes]], root: int = 1, xref: bool = True, trailer: bytes = b"") -> bytes:
    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = {}
    for num, body in sorted(objects):
        offsets[num] = len(out)
        out += b"%d 0 obj\n" % num + body + b"\nendobj\n"
    start = len(out)
    size = max(offsets) + 1
    if xref:
        out += b"xref\n0 %d\n0000000000 65535 f \n" % size
        for i in range(1, size):
            out += (b"%010d 00000 n \n" % offsets[i]) if i in offsets else b"0000000000 65535 f \n"
    out += b"trailer\n<< /Size %d /Root %d 0 R %s>>\nstartxref\n%d\n%%%%EOF\n" % (size, root, trailer, start)
    return bytes(out)


def _stream(data: bytes, extra: bytes = b"", flate: bool = True) -> bytes:
    if flate:
        data, extra = zlib.compress(data, 9), extra + b" /Filter /FlateDecode"
    return b"<< /Length %d%s >>\nstream\n" % (len(data), extra) + data + b"\nendstream"


_FONT = b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>"
_RESOURCES = b"/Resources << /Font << /F1 5 0 R >> >>"
_PAGE = b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 842 595] /Contents 4 0 R " + _RESOURCES + b" >>"
_PAGES = b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>"
_CATALOG = b"<< /Type /Catalog /Pages 2 0 R >>"


def _plan_text() -> bytes:
    """The plan's opening lines and tasks as a Helvetica text page (accents dropped: WinAnsi has no Vietnamese)."""
    plan = base_plan()
    lines = [plan["document"].get("title") or "Ke hoach"] + [
        f"{t['number']}. {t['content'][:90]} | {t['lead'][:30]} | {t['deadline'][:20]}" for t in plan["tasks"]]
    ops = [b"BT /F1 9 Tf 40 560 Td 12 TL"]
    for line in lines:
        ascii_line = unicodedata.normalize("NFD", line.replace("đ", "d").replace("Đ", "D"))
        text = "".join(c for c in ascii_line if not unicodedata.combining(c)).encode("latin-1", "replace")
        ops.append(b"(" + text.replace(b"\\", b"").replace(b"(", b"").replace(b")", b"") + b") Tj T*")
    ops.append(b"ET")
    return b"\n".join(ops)


def _page_pdf(content: bytes = b"", *, pages: bytes = _PAGES, page: bytes = _PAGE, stream: bytes | None = None,
              extra: Iterable[tuple[int, bytes]] = (), catalog: bytes = _CATALOG) -> bytes:
    """One page (object 3) under one page-tree node (2), its content (4; `stream` as is, else `content`
    deflated), Helvetica (5), and `extra` objects."""
    return _pdf([(1, catalog), (2, pages), (3, page), (4, stream or _stream(content)), (5, _FONT), *extra])


def pdf_items(b: dict[str, bytes]) -> list[Item]:
    from reportlab.lib import pdfencrypt
    from reportlab.pdfgen import canvas

    pdf = b["pdf"]
    text = _plan_text()

    def encrypted(user: str) -> bytes:
        out = io.BytesIO()
        c = canvas.Canvas(out, invariant=1, encrypt=pdfencrypt.StandardEncryption(user, ownerPassword="chu-so-huu"))
        y = 800
        for line in base_plan()["tasks"]:
            c.drawString(40, y, line["content"][:80].encode("ascii", "ignore").decode())
            y -= 14
        c.showPage()
        c.save()
        return out.getvalue()

    xref_at = pdf.rfind(b"\nxref") + 1
    startxref = re.search(rb"startxref\s+(\d+)", pdf[xref_at:])
    assert startxref is not None
    tail = pdf[pdf.index(b"trailer", xref_at):]
    grid = b"".join(b"%.2f 0 m %.2f 595 l S\n" % (x * 842 / 200, x * 842 / 200) for x in range(201))
    grid += b"".join(b"0 %.2f m 842 %.2f l S\n" % (y * 595 / 200, y * 595 / 200) for y in range(201))
    chars = b"BT /F1 4 Tf " + b"".join(b"1 0 0 1 %d %d Tm (xxxxxxxxxx) Tj\n" % (i % 800, (i // 800) * 4 % 590)
                                       for i in range(15_000)) + b"ET"
    zeros = zlib.compressobj(1)
    flate_bomb = zeros.compress(text + b"\n") + b"".join(zeros.compress(c) for c in _zeros(150 << 20)) + zeros.flush()
    twice = zlib.compress(flate_bomb, 9)
    runlength = b"\x81\x00" * (1 << 20) + b"\x80"  # 2 MB of runs of 128 zeros: 128 MB
    kids = b" ".join(b"%d 0 R" % (10 + i) for i in range(501))
    many_pages = [(1, _CATALOG), (2, b"<< /Type /Pages /Kids [%s] /Count 501 >>" % kids), (4, _stream(text)),
                  (5, _FONT)]
    many_pages += [(10 + i, _PAGE) for i in range(501)]
    deep = [(1, b"<< /Type /Catalog /Pages 10 0 R >>"), (4, _stream(text)), (5, _FONT)]
    deep += [(10 + i, b"<< /Type /Pages /Kids [%d 0 R] /Count 1 >>" % (11 + i)) for i in range(5000)]
    deep.append((5010, _PAGE.replace(b"/Parent 2 0 R ", b"")))
    form = b" /Type /XObject /Subtype /Form /BBox [0 0 842 595] /Resources << /Font << /F1 5 0 R >> "
    form += b"/XObject << /X1 6 0 R >> >>"
    page_with_form = _PAGE.replace(b"/Font << /F1 5 0 R >>", b"/Font << /F1 5 0 R >> /XObject << /X1 6 0 R >>")
    many_forms = b"BT /F1 9 Tf ET " + b"/X2 Do " * 200_000
    page_with_forms = page_with_form.replace(b"/X1", b"/X2")
    def filtered(data: bytes, filters: bytes) -> bytes:
        return _stream(data, b" /Filter " + filters, flate=False)

    at_xref = pdf[:xref_at]
    return [
        Item("pdf/encrypted", "ke-hoach.pdf", encrypted("mat-khau"), expect=frozenset({"encrypted"}), plan=False),
        Item("pdf/encrypted-owner-only", "ke-hoach.pdf", encrypted("")),
        Item("pdf/xref-garbage", "ke-hoach.pdf", at_xref + b"xref\n0 9\n" + b"9999999999 00000 n \n" * 9 + tail),
        Item("pdf/xref-missing", "ke-hoach.pdf", at_xref + tail),
        Item("pdf/xref-huge-count", "ke-hoach.pdf", at_xref + b"xref\n0 999999999\n" + tail),
        Item("pdf/startxref-beyond-eof", "ke-hoach.pdf",
             at_xref + pdf[xref_at:].replace(startxref.group(0), b"startxref\n99999999", 1)),
        Item("pdf/startxref-negative", "ke-hoach.pdf",
             at_xref + pdf[xref_at:].replace(startxref.group(0), b"startxref\n-5", 1)),
        Item("pdf/trailer-size-huge", "ke-hoach.pdf", re.sub(rb"/Size \d+", b"/Size 99999999999", pdf)),
        Item("pdf/prev-loop", "ke-hoach.pdf", re.sub(rb"trailer\s*<<", b"trailer << /Prev %d" % xref_at, pdf, count=1)),
        Item("pdf/incremental-garbage", "ke-hoach.pdf", pdf + b"\n1 0 obj << /Type /Catalog /Pages 99 0 R >> endobj\n"
             b"xref\n0 1\nxxxx\ntrailer << /Root 1 0 R /Prev 0 >>\nstartxref\n0\n%%EOF\n"),
        Item("pdf/header-only", "ke-hoach.pdf", b"%PDF-1.7\n%%EOF\n", plan=False),
        Item("pdf/page-tree-kids-self", "ke-hoach.pdf",
             _page_pdf(text, pages=b"<< /Type /Pages /Kids [2 0 R 3 0 R] /Count 1 >>")),
        Item("pdf/page-tree-parent-loop", "ke-hoach.pdf",
             _page_pdf(text, pages=b"<< /Type /Pages /Kids [3 0 R] /Count 1 /Parent 2 0 R >>")),
        Item("pdf/page-tree-two-node-cycle", "ke-hoach.pdf", _page_pdf(
            text, pages=b"<< /Type /Pages /Kids [7 0 R] /Count 1 >>",
            extra=[(7, b"<< /Type /Pages /Kids [2 0 R 3 0 R] /Count 1 /Parent 2 0 R >>")])),
        Item("pdf/page-tree-5000-deep", "ke-hoach.pdf", _pdf(deep)),
        Item("pdf/page-tree-count-lies", "ke-hoach.pdf",
             _page_pdf(text, pages=b"<< /Type /Pages /Kids [3 0 R] /Count 999999999 >>")),
        Item("pdf/ref-cycle-pages", "ke-hoach.pdf", _page_pdf(text, pages=b"6 0 R", extra=[(6, b"2 0 R")])),
        Item("pdf/ref-cycle-root", "ke-hoach.pdf", _page_pdf(text, catalog=b"7 0 R", extra=[(7, b"1 0 R")])),
        Item("pdf/ref-cycle-mediabox", "ke-hoach.pdf", _page_pdf(
            text, page=_PAGE.replace(b"/MediaBox [0 0 842 595]", b"/MediaBox 7 0 R"),
            extra=[(7, b"8 0 R"), (8, b"7 0 R")])),
        Item("pdf/ref-cycle-length", "ke-hoach.pdf", _page_pdf(
            stream=b"<< /Length 9 0 R >>\nstream\n" + text + b"\nendstream", extra=[(9, b"10 0 R"), (10, b"9 0 R")])),
        Item("pdf/ref-self", "ke-hoach.pdf", _page_pdf(text, pages=b"2 0 R")),
        Item("pdf/form-draws-itself", "ke-hoach.pdf", _page_pdf(
            text + b" /X1 Do", page=page_with_form, extra=[(6, _stream(text + b" /X1 Do", form))])),
        Item("pdf/form-drawn-200000-times", "ke-hoach.pdf", _page_pdf(
            many_forms, page=page_with_forms, extra=[(6, _stream(text + b" q Q" * 20, form))])),
        Item("pdf/ruled-grid-200x200", "ke-hoach.pdf", _page_pdf(text + b"\n" + grid)),
        Item("pdf/page-150000-chars", "ke-hoach.pdf", _page_pdf(chars), expect=SIZE_CODES, plan=False),
        Item("pdf/501-pages", "ke-hoach.pdf", _pdf(many_pages), expect=SIZE_CODES, plan=False),
        Item("pdf/flate-bomb-150MB", "ke-hoach.pdf", _page_pdf(stream=filtered(flate_bomb, b"/FlateDecode")),
             expect=BOMB_CODES, plan=False),
        Item("pdf/flate-twice-bomb", "ke-hoach.pdf",
             _page_pdf(stream=filtered(twice, b"[/FlateDecode /FlateDecode]")), expect=BOMB_CODES, plan=False),
        Item("pdf/runlength-bomb", "ke-hoach.pdf", _page_pdf(stream=filtered(runlength, b"/RunLengthDecode")),
             expect=BOMB_CODES, plan=False),
        Item("pdf/ccitt-content", "ke-hoach.pdf", _page_pdf(stream=filtered(
            b"\x00" * 1000, b"/CCITTFaxDecode /DecodeParms << /Columns 1000000000 /K -1 >>"))),
        Item("pdf/unknown-filter", "ke-hoach.pdf", _page_pdf(stream=filtered(text, b"/NoSuchDecode"))),
        Item("pdf/text-named-pdf", "ke-hoach.pdf", b["txt"]),
        Item("pdf/pdf-header-in-html", "ke-hoach.html", b"%PDF-1.4\n" + b["html"]),
    ]


# ---------------------------------------------------------------- text and sniffing


def text_items(b: dict[str, bytes]) -> list[Item]:
    txt = b["txt"]
    text = txt.decode("utf-8")
    rng = random.Random("text")
    with_nuls = bytearray(txt)
    for _ in range(50):
        with_nuls.insert(rng.randrange(len(with_nuls)), 0)
    header = "TT | Nội dung | Sản phẩm | Cơ quan chủ trì | Cơ quan phối hợp | Thời gian hoàn thành |\n"
    storm = "a" + "\u0301\u0323\u0309" * 30_000
    return [
        Item("text/nul-bytes-scattered", "ke-hoach.txt", bytes(with_nuls)),
        Item("text/nul-every-other-byte", "ke-hoach.txt", b"\x00".join(txt[i:i + 1] for i in range(len(txt)))),
        Item("text/all-nul", "ke-hoach.txt", bytes(4096), plan=False),
        Item("text/cp1258", "ke-hoach.txt", codecs.encode(unicodedata.normalize("NFD", text), "cp1258", "replace")),
        Item("text/latin1-mojibake", "ke-hoach.txt", text.encode("utf-8").decode("latin-1").encode("latin-1")),
        Item("text/shift-jis", "ke-hoach.txt", "計画 第1条 担当機関 期限 2024年".encode("shift_jis") * 200),
        Item("text/utf16-bom", "ke-hoach.txt", text.encode("utf-16")),
        Item("text/utf16-no-bom", "ke-hoach.txt", text.encode("utf-16-le")),
        Item("text/utf16-be-no-bom", "ke-hoach.csv", text.encode("utf-16-be")),
        Item("text/utf32", "ke-hoach.txt", text.encode("utf-32")),
        Item("text/utf8-invalid-sequences", "ke-hoach.txt", txt.replace(b"\xe1\xbb", b"\xe1\xff", 200)),
        Item("text/bom-only", "ke-hoach.txt", codecs.BOM_UTF8, plan=False),
        Item("text/control-characters", "ke-hoach.txt", bytes(rng.choice([1, 2, 7, 8, 27, 127]) for _ in range(5000))),
        Item("text/cr-only-lines", "ke-hoach.txt", txt.replace(b"\n", b"\r")),
        Item("text/form-feeds", "ke-hoach.txt", txt.replace(b"\n", b"\f\n", 300)),
        Item("text/one-2MB-line", "ke-hoach.txt", ("Nội dung công việc " * 110_000).encode()),
        Item("text/100000-cells", "ke-hoach.txt", (header + "1 |" + " x |" * 100_000 + "\n").encode()),
        Item("text/combining-storm", "ke-hoach.txt",
             (header + f"1 | {storm} | b | Sở Nội vụ | c | Quý I/2024 |\n").encode()),
        Item("text/bidi-overrides", "ke-hoach.txt", text.replace("Sở", "\u202eSở\u202c").encode()),
        Item("text/surrogates-escaped", "ke-hoach.txt", txt.replace(b"|", b"\xed\xa0\x80|", 100)),
        Item("text/long-deadline-cell", "ke-hoach.txt", (header + "1 | a | b | Sở Nội vụ | c | "
                                                         + "Quý I, II, III, IV/2024 và tháng 1, 2, 3 " * 5000
                                                         + "|\n").encode()),
        Item("text/long-agency-cell", "ke-hoach.txt", (header + "1 | a | b | " + "Sở Nội vụ, UBND các huyện; " * 5000
                                                       + "| c | Quý I/2024 |\n").encode()),
        Item("text/html-with-nuls", "ke-hoach.html", b["html"].replace(b"<td", b"\x00<td", 20)),
        Item("text/html-bad-charset", "ke-hoach.html", b["html"].replace(b"charset=utf-8", b"charset=x-no-such", 1)),
        Item("text/html-utf7-charset", "ke-hoach.html", b["html"].replace(b"charset=utf-8", b"charset=utf-7", 1)),
        Item("text/html-utf16-charset-lies", "ke-hoach.html",
             b["html"].replace(b"charset=utf-8", b"charset=utf-16", 1)),
        Item("text/html1258-as-utf8", "ke-hoach.html", b["html1258"].replace(b"windows-1258", b"utf-8", 1)),
        Item("text/html-no-body", "ke-hoach.html", b"<html><head><title>x</title></head></html>", plan=False),
    ]


def sniff_items(b: dict[str, bytes]) -> list[Item]:
    ole = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(504)
    html = b["html"]
    mime = b"MIME-Version: 1.0\nContent-Type: multipart/related; boundary=\"b\"\n\n--b\nContent-Type: text/html; "
    return [
        Item("sniff/zip-magic-garbage", "ke-hoach.docx", b"PK\x03\x04" + random.Random("zip").randbytes(4000),
             plan=False),
        Item("sniff/empty-zip", "ke-hoach.xlsx", b"PK\x05\x06" + bytes(18), plan=False),
        Item("sniff/ole-encrypted-office", "ke-hoach.docx", ole + "EncryptedPackage".encode("utf-16-le"),
             expect=frozenset({"encrypted"}), plan=False),
        Item("sniff/ole-word", "ke-hoach.doc", ole + "WordDocument".encode("utf-16-le"), plan=False),
        Item("sniff/ole-unknown", "ke-hoach.bin", ole, plan=False),
        Item("sniff/rtf", "ke-hoach.rtf", b"{\\rtf1\\ansi " + b["txt"][:2000] + b"}", plan=False),
        Item("sniff/png", "ke-hoach.pdf", b"\x89PNG\r\n\x1a\n" + bytes(100), expect=frozenset({"needs_ocr"}),
             plan=False),
        Item("sniff/mht-base64", "ke-hoach.mht", mime + b"charset=utf-8\nContent-Transfer-Encoding: base64\n\n"
             + base64.encodebytes(html) + b"\n--b--\n"),
        Item("sniff/mht-bad-base64", "ke-hoach.mht", mime + b"charset=utf-8\nContent-Transfer-Encoding: base64\n\n"
             + base64.encodebytes(html)[:-50] + b"!!!***\n--b--\n"),
        Item("sniff/mht-unknown-charset", "ke-hoach.mht", mime + b"charset=x-no-such\n\n" + html + b"\n--b--\n"),
        Item("sniff/mht-no-html", "ke-hoach.mht", b"MIME-Version: 1.0\nContent-Type: text/plain\n\nhello", plan=False),
        Item("sniff/mht-quoted-printable", "ke-hoach.mht", mime + b"charset=utf-8\nContent-Transfer-Encoding: "
             b"quoted-printable\n\n" + html.replace(b"=", b"=3D").replace(b"<td", b"=\n<td") + b"\n--b--\n"),
    ]


# ---------------------------------------------------------------- the corpus


def write_secrets(secret_dir: Path) -> None:
    """The files the XXE items point at: a secret, and a DTD declaring an entity that would leak it."""
    secret_dir.mkdir(parents=True, exist_ok=True)
    (secret_dir / "secret.txt").write_text(SECRET, encoding="utf-8")
    (secret_dir / "secret.dtd").write_text(f'<!ENTITY leak "{SECRET}">', encoding="utf-8")


def build(secret_dir: Path) -> list[Item]:
    """Every item, in a fixed order. The XXE items point at files under `secret_dir` (see write_secrets)."""
    b = bases()
    items: list[Item] = []
    for fmt in ("docx", "xlsx", "odt", "pdf", "html", "txt"):
        items += truncations(fmt, b[fmt])
        items += bit_flips(fmt, b[fmt])
    for fmt in ("docx", "xlsx", "odt"):
        items += member_damage(fmt, b[fmt])
        items += zip_structure(fmt, b[fmt])
    items += content_types(b)
    items += xml_attacks(b, secret_dir)
    items += zip_bombs(b)
    items += declared_sizes(b)
    items += pdf_items(b)
    items += text_items(b)
    items += sniff_items(b)
    names = [i.name for i in items]
    assert len(names) == len(set(names)), "corpus item names are unique"
    return items
