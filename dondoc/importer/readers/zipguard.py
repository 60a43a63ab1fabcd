"""Check an Office/ODF zip container before any library inflates it.

DOCX, XLSX and ODT are zip files; a hostile one can hold a few hundred kB that
inflate to gigabytes. The sizes in the central directory are an upper bound on
what `zipfile` will ever hand out (it stops reading at the declared size), so
checking them up front is enough.
"""

from __future__ import annotations

import io
import zipfile

from ..errors import PlanImportError

MAX_TOTAL_UNCOMPRESSED = 200 * 1024 * 1024
MAX_MEMBERS = 10_000
MAX_RATIO = 100
RATIO_MIN_SIZE = 10 * 1024 * 1024  # small XML parts legitimately compress very well


def open_zip(data: bytes, label: str) -> zipfile.ZipFile:
    """The zip, checked; a corrupt or bomb-like one becomes a PlanImportError."""
    try:
        zf = zipfile.ZipFile(io.BytesIO(data))
        infos = zf.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError) as exc:
        raise PlanImportError(f"Tệp {label} bị hỏng hoặc không đúng định dạng: {exc}", "corrupt") from exc
    check(infos, label)
    return zf


def check(infos: list[zipfile.ZipInfo], label: str) -> None:
    if len(infos) > MAX_MEMBERS:
        raise _bomb(label, f"có {len(infos)} thành phần")
    total = 0
    for info in infos:
        total += info.file_size
        if total > MAX_TOTAL_UNCOMPRESSED:
            raise _bomb(label, f"dung lượng giải nén vượt {MAX_TOTAL_UNCOMPRESSED // (1024 * 1024)} MB")
        if info.file_size > RATIO_MIN_SIZE and info.file_size > MAX_RATIO * max(info.compress_size, 1):
            raise _bomb(label, f"thành phần {info.filename!r} có tỉ lệ nén bất thường")


def _bomb(label: str, why: str) -> PlanImportError:
    return PlanImportError(
        f"Tệp {label} có cấu trúc nén bất thường ({why}), có thể là tệp độc hại (zip bomb); không thể nhập.",
        "zip_bomb",
    )
