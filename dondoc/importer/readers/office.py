"""Old binary Office files (.doc, .xls) and RTF, through a LibreOffice conversion.

LibreOffice is optional (it is an external program, not a Python dependency):
when it is missing the user is told to save the file as .docx/.xlsx. ODT/ODS are
read directly by odt.py and never come here.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import tempfile
from pathlib import Path

from ..errors import PlanImportError
from ..grid import Grid

TIMEOUT_SECONDS = 120
LABELS = {"doc": "Word 97-2003 (.doc)", "xls": "Excel 97-2003 (.xls)", "rtf": "RTF (.rtf)"}
TARGETS = {"doc": "docx", "rtf": "docx", "xls": "xlsx"}


def find_soffice() -> str | None:
    return shutil.which("soffice") or shutil.which("libreoffice")


def read_legacy(data: bytes, kind: str) -> Grid:
    """kind is "doc", "rtf" or "xls"."""
    if kind == "xls":
        try:
            from .xlsx import read_xls_calamine

            return read_xls_calamine(data)
        except ImportError:
            pass  # python-calamine not installed: try LibreOffice
    exe = find_soffice()
    if exe is None:
        if kind == "xls":
            raise PlanImportError(
                "Chưa đọc được tệp Excel 97-2003 (.xls). Vui lòng mở tệp bằng Excel và lưu lại dưới dạng "
                ".xlsx rồi nhập lại.",
                "unsupported",
            )
        raise PlanImportError(
            f"Tệp {LABELS.get(kind, kind)} cần LibreOffice để chuyển đổi nhưng máy chủ chưa cài LibreOffice. "
            "Vui lòng mở tệp bằng Word và lưu lại dưới dạng .docx rồi nhập lại.",
            "needs_libreoffice",
        )
    converted = convert(data, kind, TARGETS[kind], exe)
    if TARGETS[kind] == "xlsx":
        from .xlsx import read_xlsx

        return read_xlsx(converted)
    from .docx import read_docx

    return read_docx(converted)


def convert(data: bytes, kind: str, target: str, exe: str, timeout: float = TIMEOUT_SECONDS) -> bytes:
    """`data` converted by LibreOffice (headless, throw-away profile) to `target`."""
    label = LABELS.get(kind, kind)
    with tempfile.TemporaryDirectory(prefix="dondoc-") as tmp:
        src = Path(tmp, f"input.{kind}")
        src.write_bytes(data)
        outdir = Path(tmp, "out")
        outdir.mkdir()
        cmd = [
            exe, "--headless", "--norestore", "--nologo", "--nolockcheck", "--nodefault",
            # A private profile: concurrent conversions must not share (and lock) one.
            f"-env:UserInstallation={Path(tmp, 'profile').as_uri()}",
            "--convert-to", target, "--outdir", str(outdir), str(src),
        ]  # fmt: skip
        try:
            proc = subprocess.Popen(
                cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, stdin=subprocess.DEVNULL,
                start_new_session=True,  # its own process group, so a timeout kills soffice.bin too
            )  # fmt: skip
        except OSError as exc:
            message = f"Không chạy được LibreOffice để chuyển đổi tệp {label}: {exc}"
            raise PlanImportError(message, "conversion_failed") from exc
        try:
            proc.communicate(timeout=timeout)
        except subprocess.TimeoutExpired as exc:
            _kill_group(proc)
            raise PlanImportError(
                f"Chuyển đổi tệp {label} bằng LibreOffice quá {int(timeout)} giây; "
                f"hãy lưu tệp dưới dạng .{target} rồi nhập lại.",
                "conversion_failed",
            ) from exc
        result = outdir / f"input.{target}"
        if not result.is_file():
            raise PlanImportError(
                f"LibreOffice không chuyển đổi được tệp {label}; tệp có thể bị hỏng.", "conversion_failed"
            )
        return result.read_bytes()


def _kill_group(proc: subprocess.Popen[bytes]) -> None:
    try:
        os.killpg(proc.pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        proc.kill()
    proc.communicate()
