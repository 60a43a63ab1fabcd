"""Any uploaded plan file to a Grid.

The real type is sniffed from the bytes (a ".docx" that is really HTML, or a
".txt" that is really a PDF, is read as what it is); the file name only breaks
ties (.doc vs .xls in an old OLE2 container) and names the format in messages.

Every failure leaves as a PlanImportError with a Vietnamese message. Codes:
  too_large, empty, unsupported, corrupt, zip_bomb, encrypted, needs_ocr,
  needs_libreoffice, conversion_failed.
"""

from __future__ import annotations

import codecs
import email
import email.policy
import re
import unicodedata
from collections.abc import Callable
from pathlib import PurePath

from ..errors import PlanImportError
from ..grid import Grid
from ..text import cap_combining

MAX_BYTES = 50 * 1024 * 1024

OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
LABELS = {
    "docx": "DOCX", "xlsx": "XLSX", "odt": "ODT", "ods": "ODS", "pdf": "PDF", "html": "HTML",
    "mht": "MHT", "doc": "DOC", "xls": "XLS", "rtf": "RTF", "text": "văn bản",
}  # fmt: skip
EXTENSION_KIND = {
    "docx": "docx", "docm": "docx", "dotx": "docx", "xlsx": "xlsx", "xlsm": "xlsx", "odt": "odt",
    "ods": "ods", "pdf": "pdf", "htm": "html", "html": "html", "xhtml": "html", "mht": "mht",
    "mhtml": "mht", "doc": "doc", "xls": "xls", "rtf": "rtf", "txt": "text", "csv": "text",
}  # fmt: skip
_HTML_HINT = re.compile(r"<(?:!doctype\s+html|html|body|table|head)\b", re.I)
_HTML_TAGS = re.compile(r"</?(?:p|div|br|tr|td|span|li|h[1-6])\b[^>]*>", re.I)
_IMAGE_MAGIC = (b"\x89PNG", b"\xff\xd8\xff", b"GIF8", b"II*\x00", b"MM\x00*", b"BM")


def read_grid(data: bytes, filename: str | None, *, max_bytes: int = MAX_BYTES) -> Grid:
    """The file's running text and tables; raises PlanImportError for anything it cannot read."""
    if len(data) > max_bytes:
        raise PlanImportError(
            f"Tệp quá lớn ({_mb(len(data))} MB); dung lượng tối đa cho phép là {_mb(max_bytes)} MB.",
            "too_large",
        )
    if not data.strip():
        raise PlanImportError("Tệp rỗng, không có nội dung để nhập.", "empty")
    kind = "?"
    try:
        kind = sniff(data, filename)
        grid = _dispatch(kind, data)
    except PlanImportError:
        raise
    except MemoryError as exc:
        raise PlanImportError("Tệp quá lớn hoặc quá phức tạp để xử lý.", "too_large") from exc
    except RecursionError as exc:
        message = f"Tệp {_label(kind, filename)} có cấu trúc lồng nhau quá sâu."
        raise PlanImportError(message, "corrupt") from exc
    except Exception as exc:  # any library error on a user's file is a bad file, not a crash
        detail = str(exc).strip()[:200] or type(exc).__name__
        raise PlanImportError(
            f"Tệp {_label(kind, filename)} bị hỏng hoặc không đúng định dạng: {detail}", "corrupt"
        ) from exc
    ext_kind = EXTENSION_KIND.get(_ext(filename))
    if ext_kind and ext_kind != kind and {ext_kind, kind} not in ({"doc", "xls"}, {"html", "mht"}):
        grid.warnings.append(
            f"Tệp có đuôi .{_ext(filename)} nhưng nội dung là {LABELS.get(kind, kind)}; "
            "đã đọc theo nội dung thực."
        )
    return _normalise(grid)


def sniff(data: bytes, filename: str | None) -> str:
    """docx, xlsx, odt, ods, pdf, doc, xls, rtf, html, mht or text (raises for what is none of these)."""
    head = data[:1024]
    if head.startswith(b"PK\x03\x04") or head.startswith(b"PK\x05\x06"):
        return _sniff_zip(data, filename)
    if b"%PDF-" in head:
        return "pdf"
    if head.startswith(OLE2):
        return _sniff_ole(data, filename)
    if head.startswith(b"{\\rtf"):
        return "rtf"
    if any(head.startswith(m) for m in _IMAGE_MAGIC):
        raise PlanImportError(
            "Tệp là ảnh, không có lớp văn bản; cần nhận dạng ký tự (OCR) hoặc dùng bản Word/PDF gốc.",
            "needs_ocr",
        )
    if head.startswith(b"PK"):
        raise PlanImportError(f"Tệp {_label('?', filename)} bị hỏng hoặc không đúng định dạng.", "corrupt")
    lowered = head.lstrip().lower()
    mime = b"multipart/related" in lowered and b"content-type" in lowered
    if lowered.startswith(b"mime-version:") or mime:
        return "mht"
    text = decode_text(data[:65536], partial=True)
    if _HTML_HINT.search(text) or len(_HTML_TAGS.findall(text)) >= 3:
        return "html"
    return "text"


def _sniff_zip(data: bytes, filename: str | None) -> str:
    from .zipguard import open_zip

    label = _label(EXTENSION_KIND.get(_ext(filename), "?"), filename)
    with open_zip(data, label) as zf:
        names = set(zf.namelist())
        if "word/document.xml" in names or any(n.startswith("word/") and n.endswith(".xml") for n in names):
            return "docx"
        if "xl/workbook.xml" in names or any(n.startswith("xl/") for n in names):
            return "xlsx"
        if "mimetype" in names:
            with zf.open("mimetype") as fh:
                mime = fh.read(200).decode("ascii", "replace").strip()
            if mime == "application/vnd.oasis.opendocument.text":
                return "odt"
            if mime == "application/vnd.oasis.opendocument.spreadsheet":
                return "ods"
        if "content.xml" in names and _ext(filename) in ("odt", "ods"):
            return _ext(filename)
        if any(n.startswith("ppt/") for n in names):
            raise PlanImportError(
                "Tệp trình chiếu (PowerPoint) không được hỗ trợ; hãy dùng tệp Word, Excel hoặc PDF.",
                "unsupported",
            )
    raise PlanImportError(
        "Tệp nén (ZIP) không chứa tài liệu Word, Excel hoặc OpenDocument; không thể nhập.", "unsupported"
    )


def _utf16(name: str) -> bytes:
    return name.encode("utf-16-le")


def _sniff_ole(data: bytes, filename: str | None) -> str:
    # The OLE2 directory names its streams in UTF-16: enough to tell the formats apart.
    if _utf16("EncryptedPackage") in data or _utf16("EncryptionInfo") in data:
        raise PlanImportError(
            "Tệp Office được bảo vệ bằng mật khẩu; hãy gỡ mật khẩu (lưu lại không đặt mật khẩu) "
            "rồi nhập lại.",
            "encrypted",
        )
    if _utf16("WordDocument") in data:
        return "doc"
    if _utf16("Workbook") in data or _utf16("Book") in data:
        return "xls"
    ext = EXTENSION_KIND.get(_ext(filename))
    if ext in ("doc", "xls"):
        return ext
    raise PlanImportError(
        "Không nhận ra định dạng tệp Office cũ này; hãy lưu lại dưới dạng .docx hoặc .xlsx rồi nhập lại.",
        "unsupported",
    )


def _dispatch(kind: str, data: bytes) -> Grid:
    if kind == "docx":
        from .docx import read_docx

        return read_docx(data)
    if kind == "xlsx":
        from .xlsx import read_xlsx

        return read_xlsx(data)
    if kind in ("odt", "ods"):
        from .odt import read_odt

        return read_odt(data, LABELS[kind])
    if kind == "pdf":
        from .pdf import read_pdf

        return read_pdf(data)
    if kind in ("doc", "xls", "rtf"):
        from .office import read_legacy

        return read_legacy(data, kind)
    if kind == "html":
        from .html import read_html

        return read_html(data)
    if kind == "mht":
        return _read_mht(data)
    return _read_text(data)


def _read_mht(data: bytes) -> Grid:
    """Word's "single file web page": the HTML part of a MIME message."""
    from .html import read_html

    message = email.message_from_bytes(data, policy=email.policy.compat32)
    for part in message.walk():
        if part.get_content_type() == "text/html":
            payload = part.get_payload(decode=True)
            if isinstance(payload, bytes) and payload.strip():
                return read_html(payload, part.get_content_charset())
    raise PlanImportError("Tệp MHT không chứa nội dung HTML.", "unsupported")


def _read_text(data: bytes) -> Grid:
    text = decode_text(data)
    if not text.strip():
        raise PlanImportError("Tệp rỗng, không có nội dung để nhập.", "empty")
    read_txt = _txt_reader()
    return read_txt(text)


def _txt_reader() -> Callable[[str], Grid]:
    try:
        from .txt import read_txt
    except ImportError as exc:
        raise PlanImportError("Chưa hỗ trợ đọc tệp văn bản thuần (.txt).", "unsupported") from exc
    return read_txt


_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)
_ALLOWED_CONTROLS = set("\t\n\r\f\v")


def decode_text(data: bytes, *, partial: bool = False) -> str:
    """Plain text from bytes: BOM, UTF-8, BOM-less UTF-16, then Windows-1258 (Vietnamese ANSI).

    Binary data (NULs, mostly control characters) raises PlanImportError "unsupported".
    `partial` is for a prefix cut at an arbitrary byte: a broken last character is not an error.
    """
    text: str | None = None
    for bom, enc in _BOMS:
        if data.startswith(bom):
            text = data[len(bom):].decode(enc, errors="replace")
            break
    if text is None:
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError as exc:
            if partial and exc.start >= len(data) - 3:
                text = data[: exc.start].decode("utf-8", errors="replace")
    if text is None:
        utf16 = _guess_utf16(data)
        if utf16:
            text = data.decode(utf16, errors="replace")
    if text is None:
        text = data.decode("cp1258", errors="replace")
    text = unicodedata.normalize("NFC", cap_combining(text))
    sample = text[:100_000]
    if "\x00" in sample:
        raise PlanImportError(_BINARY, "unsupported")
    # Fast path: text whose every non-space character is printable has nothing to count.
    bad = 0 if _SPACES.sub("", sample).isprintable() else sum(1 for ch in sample if _unprintable(ch))
    if sample and bad > 0.05 * len(sample):
        raise PlanImportError(_BINARY, "unsupported")
    return text


_BINARY = (
    "Không nhận ra định dạng tệp: nội dung là dữ liệu nhị phân, không phải văn bản. "
    "Hãy dùng tệp Word (.docx), Excel (.xlsx), PDF, HTML hoặc văn bản (.txt)."
)


_SPACES = re.compile(r"\s+")


def _unprintable(ch: str) -> bool:
    if ch in _ALLOWED_CONTROLS:
        return False
    return ch == "\ufffd" or unicodedata.category(ch) in ("Cc", "Cs", "Co", "Cn")


def _guess_utf16(data: bytes) -> str | None:
    """UTF-16 without a BOM: ASCII letters leave a NUL in every other byte."""
    sample = data[:4096]
    if len(sample) < 4:
        return None
    even, odd = sample[0::2], sample[1::2]
    if odd.count(0) > 0.3 * len(odd) and even.count(0) < 0.05 * len(even):
        return "utf-16-le"
    if even.count(0) > 0.3 * len(even) and odd.count(0) < 0.05 * len(odd):
        return "utf-16-be"
    return None


def _normalise(grid: Grid) -> Grid:
    """NFC everywhere: Windows-1258 and Word's HTML give decomposed tone marks (runs of combining
    marks capped first: see text.cap_combining)."""

    def nfc(s: str) -> str:
        return unicodedata.normalize("NFC", cap_combining(s))

    grid.body = [nfc(s) for s in grid.body]
    for table in grid.tables:
        table.before = [nfc(s) for s in table.before]
        for row in table.rows:
            row.cells = [nfc(s) for s in row.cells]
    return grid


def _ext(filename: str | None) -> str:
    return PurePath(filename).suffix.lower().lstrip(".") if filename else ""


def _label(kind: str, filename: str | None) -> str:
    if kind in LABELS:
        return LABELS[kind]
    ext = _ext(filename)
    return ext.upper() if ext else "tải lên"


def _mb(n: int) -> str:
    """A size in MB as Vietnamese writes it (decimal comma); small test limits keep their precision."""
    value = n / (1024 * 1024)
    if value >= 10 or value == int(value):
        return f"{value:.0f}"
    return f"{value:.3g}".replace(".", ",")


__all__ = ["read_grid", "sniff", "decode_text", "MAX_BYTES"]
