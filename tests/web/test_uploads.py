"""Uploads: one gate (dondoc.web.uploads) at every entry point — plan import, one-stop-shop exports, evidence of
progress, PAR-Index evidence, the bulk progress workbook. The real type is read from the bytes; a renamed program, a
file of another type or an oversized one is refused with a Vietnamese message naming the file and the types allowed,
and nothing is written (no row, no file)."""

from __future__ import annotations

import codecs
import io
import zipfile
from pathlib import Path
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from dondoc.indicators.models import DossierImport
from dondoc.plans.models import ImportDraft, Status
from dondoc.scoring import services as scoring_services
from dondoc.scoring.models import Score, ScoreFile
from dondoc.tracking import bulk
from dondoc.tracking.models import BulkUpload, Evidence, ProgressUpdate
from dondoc.web import uploads

from .test_permissions import SMALL_PLAN_TXT, World, _leaf, _workbook

EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 48 + b"This program cannot be run"
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00\x00\x00\rIHDR" + b"\x00" * 20
JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + b"\x00" * 20


def zipped(members: dict[str, bytes | str]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in members.items():
            archive.writestr(name, content)
    return out.getvalue()


DOCX = zipped({"[Content_Types].xml": "<Types/>", "word/document.xml": "<w:document/>"})
XLSX = zipped({"[Content_Types].xml": "<Types/>", "xl/workbook.xml": "<workbook/>"})
ODT = zipped({"mimetype": "application/vnd.oasis.opendocument.text", "content.xml": "<office:document-content/>"})
PLAIN_ZIP = zipped({"anh.png": PNG})
BOMB = zipped({"word/document.xml": b"\x00" * (11 * 1024 * 1024)})  # 11 MB of zeros in ~11 kB


def check(name: str, data: bytes, kinds: tuple[str, ...], **options: Any) -> uploads.CheckedUpload:
    return uploads.check_upload(SimpleUploadedFile(name, data), kinds=kinds, max_bytes=options.pop("max_bytes", 10**7),
                                **options)


def stored_files(root: Path) -> list[Path]:
    return [p for p in root.rglob("*") if p.is_file()] if root.exists() else []


# --- the gate itself ----------------------------------------------------------------------------------------------

@pytest.mark.parametrize(("name", "data", "kind"), [
    ("bao-cao.pdf", PDF, "pdf"),
    ("ket-qua.docx", DOCX, "docx"),
    ("so-lieu.XLSX", XLSX, "xlsx"),
    ("van-ban.odt", ODT, "odt"),
    ("cu.doc", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100, "doc"),
    ("anh.png", PNG, "png"),
    ("anh.jpeg", JPEG, "jpg"),
    ("ho-so.csv", "Mã hồ sơ,Cơ quan\nHS1,Sở Tư pháp\n".encode(), "csv"),
    ("ho-so.csv", codecs.BOM_UTF16_LE + "Mã hồ sơ\tCơ quan\n".encode("utf-16-le"), "csv"),
    ("ho-so.tsv", b"M\xe3 h\xf4 s\xf5\tC\xf5 quan\n", "csv"),  # Windows-1258: "Mă hô sơ", "Cơ quan"
    ("ke-hoach.txt", SMALL_PLAN_TXT.encode(), "txt"),
    ("trang.html", b"<!DOCTYPE html><html><body><table><tr><td>1</td></tr></table></body></html>", "html"),
])
def test_each_kind_is_recognised_by_its_bytes(name: str, data: bytes, kind: str) -> None:
    checked = check(name, data, tuple(uploads.KINDS), digest=True)
    assert checked.kind == kind and checked.size == len(data) and len(checked.sha256) == 64


@pytest.mark.parametrize(("name", "data", "message"), [
    ("virus.exe", EXE, "định dạng “.exe” chưa được hỗ trợ, chỉ nhận tệp PDF (.pdf), văn bản Word (.docx)"),
    ("bao-cao.pdf", EXE, "Tệp “bao-cao.pdf” không đúng định dạng PDF: nội dung là dữ liệu nhị phân không nhận ra được"),
    ("ket-qua.docx", EXE, "không đúng định dạng DOCX"),
    ("bao-cao.pdf", PNG, "nội dung là ảnh PNG, không phải tệp PDF (.pdf)"),
    ("ket-qua.docx", XLSX, "nội dung là bảng tính Excel, không phải văn bản Word (.docx)"),
    ("ket-qua.docx", PLAIN_ZIP, "nội dung là tệp nén ZIP"),
    ("ket-qua.docx", b"PK\x03\x04 vo ruot", "bị hỏng, không đọc được"),
    ("ket-qua.docx", BOMB, "giải nén ra quá lớn"),
    ("bao-cao.pdf", b"", "rỗng"),
    ("anh.png", b"%PDF-1.7 khong phai anh", "nội dung là tệp PDF"),
])
def test_wrong_content_is_refused_in_vietnamese(name: str, data: bytes, message: str) -> None:
    with pytest.raises(ValidationError) as refused:
        check(name, data, ("pdf", "docx", "xlsx", "png", "jpg"))
    text = " ".join(refused.value.messages)
    assert message in text
    assert f"“{name}”" in text


@pytest.mark.parametrize(("name", "data"), [
    ("ho-so.csv", PDF), ("ho-so.csv", EXE), ("ho-so.csv", PNG), ("ho-so.csv", b"GIF89a\x01\x00\x01\x00"),
    ("ho-so.csv", b"\x1f\x8b\x08\x00" + b"\x00" * 20), ("ho-so.csv", XLSX), ("ho-so.txt", bytes(range(256)) * 4),
])
def test_text_kinds_refuse_binary_content(name: str, data: bytes) -> None:
    with pytest.raises(ValidationError, match="không đúng định dạng"):
        check(name, data, ("csv", "txt", "xlsx"))


def test_size_bound_and_zip_bound() -> None:
    with pytest.raises(ValidationError, match="lớn hơn giới hạn 1 KB"):
        check("bao-cao.pdf", PDF + b"0" * 2048, ("pdf",), max_bytes=1024)
    with pytest.raises(ValidationError, match="lớn hơn giới hạn 5 MB"):
        check("bao-cao.pdf", PDF + b"0" * (5 * 1024 * 1024), ("pdf",), max_bytes=5 * 1024 * 1024)
    big = zipped({"xl/workbook.xml": "<workbook/>", "xl/sheet.xml": "<row/>" * 5000})
    assert check("so-lieu.xlsx", big, ("xlsx",)).kind == "xlsx"
    with pytest.raises(ValidationError, match="giải nén ra quá lớn"):
        check("so-lieu.xlsx", big, ("xlsx",), max_unpacked=1000)
    assert uploads.size_text(4096 * 1024 * 1024) == "4096 MB" and uploads.size_text(512 * 1024) == "0,5 MB"


def test_plan_documents_are_read_by_content() -> None:
    """Legal sites serve web pages as .doc and Word documents as .doc: any plan kind will do, nothing else."""
    assert check("ke-hoach.doc", "<html><body><p>KẾ HOẠCH</p></body></html>".encode(), ("docx", "doc", "html", "txt"),
                 by_content=True).kind == "html"
    assert check("ke-hoach.doc", DOCX, ("docx", "doc", "html"), by_content=True).kind == "docx"
    with pytest.raises(ValidationError, match="không đúng định dạng DOC"):
        check("ke-hoach.doc", PNG, ("docx", "doc", "html", "txt"), by_content=True)


def test_the_upload_is_left_at_its_start() -> None:
    upload = SimpleUploadedFile("bao-cao.pdf", PDF)
    upload.read(5)
    uploads.check_upload(upload, kinds=("pdf",), max_bytes=10**6, digest=True)
    assert upload.read() == PDF


# --- every entry point ----------------------------------------------------------------------------------------------

@pytest.fixture
def world(users: dict[str, Any], agencies: dict[str, Any], django_capture_on_commit_callbacks: Any) -> World:
    return World(users, agencies, django_capture_on_commit_callbacks)


def signed_in(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_plan_import(world: World, settings: Any, django_capture_on_commit_callbacks: Any) -> None:
    client = signed_in(world.users["standing"])
    url = reverse("import_start")
    for name, data, message in [
        ("ke-hoach.docx", EXE, "Tệp “ke-hoach.docx” không đúng định dạng DOCX"),
        ("ke-hoach.pdf", PNG, "nội dung là ảnh PNG"),
        ("ke-hoach.exe", EXE, "định dạng “.exe” chưa được hỗ trợ"),
    ]:
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(url, {"file": SimpleUploadedFile(name, data)})
        assert response.status_code == 200 and message in response.content.decode(), name
        assert "văn bản Word (.docx)" in response.content.decode()  # the kinds allowed are named
    settings.DONDOC_IMPORT_MAX_MB = 0.001
    response = client.post(url, {"file": SimpleUploadedFile("ke-hoach.txt", SMALL_PLAN_TXT.encode() * 3)})
    assert "Tệp “ke-hoach.txt” lớn hơn giới hạn 1 KB." in response.content.decode()
    assert not ImportDraft.objects.exists()
    assert stored_files(Path(settings.MEDIA_ROOT)) == []


def test_dossier_export(world: World, settings: Any, django_capture_on_commit_callbacks: Any) -> None:
    client = signed_in(world.users["standing"])
    url = reverse("dossiers_home")
    for name, data, message in [
        ("ho-so.csv", EXE, "Tệp “ho-so.csv” không đúng định dạng CSV"),
        ("ho-so.xlsx", DOCX, "nội dung là văn bản Word, không phải bảng tính Excel (.xlsx)"),
        ("ho-so.xlsx", BOMB, "giải nén ra quá lớn"),
    ]:
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(url, {"new_source": "Hệ thống một cửa", "file": SimpleUploadedFile(name, data)},
                                   follow=True)
        assert message in response.content.decode(), name
    settings.DONDOC_DOSSIER_MAX_MB = 0.0001
    response = client.post(url, {"new_source": "Hệ thống một cửa",
                                 "file": SimpleUploadedFile("ho-so.csv", b"Ma ho so\n" + b"HS1\n" * 200)}, follow=True)
    assert "Tệp “ho-so.csv” lớn hơn giới hạn" in response.content.decode()
    assert not DossierImport.objects.exists()
    assert stored_files(Path(settings.MEDIA_ROOT)) == [] and stored_files(Path(settings.DONDOC_DOSSIER_DIR)) == []


def test_evidence_of_progress(world: World, settings: Any) -> None:
    task = world.task
    client = signed_in(world.users["focal"])
    url = reverse("task_progress", args=[task.pk])

    def post(name: str, data: bytes) -> str:
        form = {"status": Status.IN_PROGRESS, "progress": 40, "text": "Kèm tệp", "version": task.version,
                "evidence_number": "1/BC", "evidence_file": SimpleUploadedFile(name, data)}
        return client.post(url, form, follow=True).content.decode()

    assert "Tệp “bao-cao.pdf” không đúng định dạng PDF" in post("bao-cao.pdf", EXE)
    assert "nội dung là tệp PDF, không phải văn bản Word (.docx)" in post("ket-qua.docx", PDF)
    assert "chưa được hỗ trợ, chỉ nhận tệp PDF (.pdf), văn bản Word (.docx), bảng tính Excel (.xlsx), ảnh PNG" in post(
        "chay.bat", b"@echo off\n")
    settings.DONDOC_EVIDENCE_MAX_MB = 0.001
    assert "Tệp “bao-cao.pdf” lớn hơn giới hạn 1 KB." in post("bao-cao.pdf", PDF + b"0" * 2048)
    assert not ProgressUpdate.objects.exists() and not Evidence.objects.exists()
    assert not stored_files(Path(settings.MEDIA_ROOT) / "evidence")


def test_par_index_evidence(world: World, settings: Any) -> None:
    kwargs = _leaf(world)
    client = signed_in(world.users["focal"])
    url = reverse("score_file_upload", kwargs=kwargs)
    page = client.post(url, {"file": SimpleUploadedFile("bien-ban.pdf", EXE)}, follow=True).content.decode()
    assert "Tệp “bien-ban.pdf” không đúng định dạng PDF" in page
    page = client.post(url, {"file": SimpleUploadedFile("bien-ban.jpg", PNG)}, follow=True).content.decode()
    assert "nội dung là ảnh PNG, không phải ảnh JPEG (.jpg, .jpeg)" in page
    settings.DONDOC_EVIDENCE_MAX_MB = 0.001
    page = client.post(url, {"file": SimpleUploadedFile("bien-ban.pdf", PDF * 100)}, follow=True).content.decode()
    assert "lớn hơn giới hạn 1 KB" in page
    assert not ScoreFile.objects.exists()
    assert not stored_files(Path(settings.MEDIA_ROOT) / "scoring")
    # the service refuses the same way, whoever calls it
    score = Score.objects.get(pk=kwargs["score_pk"])
    with pytest.raises(ValidationError, match="không đúng định dạng PDF"):
        scoring_services.attach_file(score, SimpleUploadedFile("x.pdf", EXE), actor=world.users["focal"])


def test_bulk_workbook(world: World, settings: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    assert world.plan.pk
    client = signed_in(world.users["focal"])
    url = reverse("bulk_home")
    for name, data, message in [
        ("cap-nhat.xlsx", EXE, "Tệp “cap-nhat.xlsx” không đúng định dạng XLSX"),
        ("cap-nhat.xlsx", DOCX, "nội dung là văn bản Word, không phải bảng tính Excel (.xlsx)"),
        ("cap-nhat.xlsx", BOMB, "giải nén ra quá lớn"),
        ("cap-nhat.csv", b"a,b\n", "chỉ nhận bảng tính Excel (.xlsx)"),
    ]:
        response = client.post(url, {"file": SimpleUploadedFile(name, data)})
        assert response.status_code == 200 and message in response.content.decode(), name
    monkeypatch.setattr(bulk, "MAX_BYTES", 1024)
    response = client.post(url, {"file": _workbook(world)})
    assert "Tệp “cap-nhat-tien-do.xlsx” lớn hơn giới hạn 1 KB." in response.content.decode()
    assert not BulkUpload.objects.exists()
    assert not stored_files(Path(settings.MEDIA_ROOT) / "bulk")
