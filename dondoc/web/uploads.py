"""Every uploaded file passes here before anything of it is written: a size bound, then its real type from its bytes.

One table of the kinds of file dondoc accepts, each with its file-name endings and how its content is recognised:
magic numbers (PDF, PNG, JPEG, the OLE2 container of Word 97–2003), the ZIP's table of contents for Office Open XML
and OpenDocument (word/document.xml, xl/workbook.xml, the ODF mimetype member) — with the same zip-bomb bounds as the
import engine — and text for CSV/TXT/HTML (decodes as the import engine decodes text: BOM, UTF-8, UTF-16,
Windows-1258; no NULs, hardly any control characters; HTML also has markup). A renamed program, a PDF called .xlsx
or an image called .csv is refused with a Vietnamese message that names the file and the types allowed.

Entry points: plan import (plans.imports.start_import), one-stop-shop exports (indicators.services.start_import),
evidence of progress (tracking.services.check_evidence_file, also used by scoring.services.attach_file), the bulk
progress workbook (tracking.bulk.check_upload).

Our own table rather than a library: `filetype` (MIT) or `puremagic` know the magic numbers but not what matters
here — which Office document a ZIP holds (they guess from the first bytes only), zip bombs, whether bytes are text
in a Vietnamese encoding — and python-magic needs the C libmagic. The table is a dozen lines; the checks that need
care (ZIP, text) we would have to write anyway.
"""

from __future__ import annotations

import hashlib
import re
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import IO

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from dondoc.importer.errors import PlanImportError
from dondoc.importer.readers import decode_text

SNIFF_BYTES = 64 * 1024
# Zip bombs: the central directory's sizes bound what will ever be inflated (as dondoc/importer/readers/zipguard.py).
MAX_MEMBERS = 10_000
MAX_UNPACKED = 200 * 1024 * 1024
MAX_RATIO = 100
RATIO_MIN_SIZE = 10 * 1024 * 1024  # small XML parts legitimately compress very well

ODF_TEXT = b"application/vnd.oasis.opendocument.text"
OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
# Binary formats whose first bytes could, by chance, decode as text.
_BINARY_SIGNATURES = (b"GIF87a", b"GIF89a", b"\x7fELF", b"Rar!\x1a\x07", b"7z\xbc\xaf\x27\x1c", b"\x1f\x8b\x08",
                      b"II*\x00", b"MM\x00*", b"OggS", b"\x1a\x45\xdf\xa3")
_HTML = re.compile(r"<(?:!doctype\s+html|html|head|body|table|div|p|meta)\b", re.I)


@dataclass(frozen=True)
class Kind:
    code: str
    suffixes: tuple[str, ...]
    label: Promise  # what the allowed list and the messages call it


KINDS: dict[str, Kind] = {k.code: k for k in (
    Kind("pdf", (".pdf",), gettext_lazy("tệp PDF (.pdf)")),
    Kind("docx", (".docx",), gettext_lazy("văn bản Word (.docx)")),
    Kind("xlsx", (".xlsx",), gettext_lazy("bảng tính Excel (.xlsx)")),
    Kind("odt", (".odt",), gettext_lazy("văn bản OpenDocument (.odt)")),
    Kind("doc", (".doc",), gettext_lazy("văn bản Word 97–2003 (.doc)")),
    Kind("png", (".png",), gettext_lazy("ảnh PNG (.png)")),
    Kind("jpg", (".jpg", ".jpeg"), gettext_lazy("ảnh JPEG (.jpg, .jpeg)")),
    Kind("csv", (".csv", ".tsv"), gettext_lazy("bảng CSV (.csv, .tsv)")),
    Kind("txt", (".txt",), gettext_lazy("văn bản thuần (.txt)")),
    Kind("html", (".html", ".htm"), gettext_lazy("trang HTML (.html, .htm)")),
)}
TEXT_KINDS = frozenset({"csv", "txt"})

# What the content turned out to be, for the messages.
_FOUND: dict[str, Promise] = {
    "pdf": gettext_lazy("là tệp PDF"), "docx": gettext_lazy("là văn bản Word"),
    "xlsx": gettext_lazy("là bảng tính Excel"), "odt": gettext_lazy("là văn bản OpenDocument"),
    "doc": gettext_lazy("là tệp Office 97–2003"), "png": gettext_lazy("là ảnh PNG"),
    "jpg": gettext_lazy("là ảnh JPEG"), "zip": gettext_lazy("là tệp nén ZIP"), "text": gettext_lazy("là văn bản"),
}


@dataclass(frozen=True)
class CheckedUpload:
    name: str  # the file's own name, without any folder the browser sent
    suffix: str  # ".pdf"
    kind: str  # the kind its content is (a code of KINDS)
    size: int
    sha256: str  # "" unless asked for


def allowed_text(kinds: Sequence[str]) -> str:
    return ", ".join(str(KINDS[k].label) for k in kinds)


def size_text(n: int) -> str:
    """A size limit as officers read it: "5 MB", "4096 MB", "0,5 MB", "100 KB"."""
    mb = n / (1024 * 1024)
    if mb >= 0.1:
        return f"{round(mb, 1):g} MB".replace(".", ",")
    return f"{max(1, round(n / 1024))} KB"


def check_upload(upload: UploadedFile, *, kinds: Sequence[str], max_bytes: int, by_content: bool = False,
                 max_unpacked: int = MAX_UNPACKED, digest: bool = False) -> CheckedUpload:
    """Accept the upload as one of `kinds`, or raise ValidationError (Vietnamese, naming the file and the kinds).

    The name must end as one of the kinds does; the content must be what that ending says — or, with `by_content`
    (plan documents, which the import engine reads by content: legal sites serve HTML pages as .doc), any of the
    kinds. Size is bounded by `max_bytes`, a ZIP's inflated size by `max_unpacked`. The upload is left at its start.
    """
    name = Path(upload.name or "").name
    suffix = Path(name).suffix.lower()
    by_suffix = next((k for k in kinds if suffix in KINDS[k].suffixes), None)
    if by_suffix is None:
        raise ValidationError(_("Tệp “%(name)s”: định dạng “%(suffix)s” chưa được hỗ trợ, chỉ nhận %(allowed)s.") % {
            "name": name, "suffix": suffix or name, "allowed": allowed_text(kinds)}, code="unsupported")
    size = upload.size or 0
    if size <= 0:
        raise ValidationError(_("Tệp “%(name)s” rỗng.") % {"name": name}, code="empty")
    if size > max_bytes:
        raise ValidationError(_("Tệp “%(name)s” lớn hơn giới hạn %(limit)s.") % {
            "name": name, "limit": size_text(max_bytes)}, code="too_large")
    fh: IO[bytes] = upload.file
    try:
        upload.seek(0)
        head = upload.read(SNIFF_BYTES)
        found = _content(head, fh, name, size, max_unpacked)
        wanted = set(kinds) if by_content else {by_suffix}
        if not found & wanted:
            what = _describe(found)
            raise ValidationError(
                _("Tệp “%(name)s” không đúng định dạng %(format)s: nội dung %(found)s, không phải %(label)s. "
                  "Chỉ nhận %(allowed)s.") % {
                    "name": name, "format": suffix.lstrip(".").upper(), "found": what,
                    "label": KINDS[by_suffix].label, "allowed": allowed_text(kinds)}, code="wrong_type")
        kind = by_suffix if by_suffix in found else sorted(found & wanted)[0]
        sha = _sha256(upload) if digest else ""
    finally:
        upload.seek(0)
    return CheckedUpload(name=name, suffix=suffix, kind=kind, size=size, sha256=sha)


def _sha256(upload: UploadedFile) -> str:
    upload.seek(0)
    h = hashlib.sha256()
    for chunk in upload.chunks():
        h.update(chunk)
    return h.hexdigest()


def _describe(found: set[str]) -> str:
    for code in ("pdf", "docx", "xlsx", "odt", "doc", "png", "jpg", "zip"):
        if code in found:
            return str(_FOUND[code])
    if found & (TEXT_KINDS | {"html"}):
        return str(_FOUND["text"])
    return _("là dữ liệu nhị phân không nhận ra được")


def _content(head: bytes, fh: IO[bytes], name: str, size: int, max_unpacked: int) -> set[str]:
    """The kinds the bytes are (a text file is both csv and txt, and html when it has markup); empty when none."""
    if head.startswith((b"PK\x03\x04", b"PK\x05\x06")):
        return {_zip_kind(fh, name, size, max_unpacked)}
    if b"%PDF-" in head[:1024]:
        return {"pdf"}
    if head.startswith(OLE2):
        return {"doc"}
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return {"png"}
    if head.startswith(b"\xff\xd8\xff"):
        return {"jpg"}
    if head.startswith(_BINARY_SIGNATURES):
        return set()
    try:
        text = decode_text(head, partial=len(head) < size)
    except PlanImportError:  # NULs or mostly control characters: binary
        return set()
    if not text.strip():
        return set()
    return set(TEXT_KINDS) | ({"html"} if _HTML.search(text) else set())


def _zip_kind(fh: IO[bytes], name: str, size: int, max_unpacked: int) -> str:
    """docx, xlsx, odt — or zip for any other archive. A corrupt or bomb-like ZIP is refused here."""
    try:
        fh.seek(0)
        with zipfile.ZipFile(fh) as archive:
            infos = archive.infolist()
            _check_bomb(infos, name, max_unpacked)
            names = {i.filename for i in infos}
            if "word/document.xml" in names:
                return "docx"
            if "xl/workbook.xml" in names:
                return "xlsx"
            mimetype = next((i for i in infos if i.filename == "mimetype"), None)
            if mimetype is not None and mimetype.file_size <= 200 and archive.read(mimetype).strip() == ODF_TEXT:
                return "odt"
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError, NotImplementedError) as exc:
        raise ValidationError(_("Tệp “%(name)s” bị hỏng, không đọc được.") % {"name": name},
                              code="corrupt") from exc
    return "zip"


def _check_bomb(infos: list[zipfile.ZipInfo], name: str, max_unpacked: int) -> None:
    total = 0
    suspicious = len(infos) > MAX_MEMBERS
    for info in infos:
        total += info.file_size
        if info.file_size > RATIO_MIN_SIZE and info.file_size > MAX_RATIO * max(info.compress_size, 1):
            suspicious = True
    if suspicious or total > max_unpacked:
        raise ValidationError(_("Tệp “%(name)s” giải nén ra quá lớn hoặc có cấu trúc nén bất thường (có thể là tệp "
                                "độc hại), không đọc.") % {"name": name}, code="zip_bomb")

