"""`dondoc backup` / `dondoc restore` (dondoc/web/backup.py): a realistic installation (plans with tasks, progress
with evidence files, extensions, a submitted report, a dossier import and its store, published and submitted
scorecards, audit trails, sessions, API tokens, sign-in throttling records) is backed up, restored into a second,
empty database, and compared row by row, field by field, for every model of every installed app, and file by file,
byte by byte. Then what must be refused is: a corrupt archive (nothing changes), a database holding data (without
--force), an archive of other migrations or a newer format; and `backup --check` notices a flipped byte.

The second database is a new SQLite file, or a second PostgreSQL database created and dropped here; the archive of
an SQLite installation is also restored into PostgreSQL (when the main run is on PostgreSQL: PostgreSQL → SQLite →
PostgreSQL). Without a PostgreSQL server that part is skipped, unless DONDOC_REQUIRE_POSTGRES=1."""

from __future__ import annotations

import contextlib
import hashlib
import io
import json
import os
import shutil
import tarfile
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import dj_database_url
import pytest
import time_machine
from django.apps import apps
from django.contrib.admin.models import ADDITION, LogEntry
from django.contrib.auth.models import Group, Permission
from django.contrib.contenttypes.models import ContentType
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connections, transaction
from django.test import Client, override_settings
from django.urls import reverse
from rest_framework.authtoken.models import Token

from dondoc.accounts.models import Role
from dondoc.agencies import services as agency_services
from dondoc.agencies.models import Agency, Level
from dondoc.indicators.demo import seed_dossiers
from dondoc.indicators.models import DossierImport
from dondoc.plans import services as plan_services
from dondoc.plans.models import Plan, Status
from dondoc.reports import services as report_services
from dondoc.reports.models import Report
from dondoc.scoring import services as scoring_services
from dondoc.scoring.frameworks import parse
from dondoc.tracking import services as tracking
from dondoc.tracking.demo import spread_progress
from dondoc.tracking.models import Evidence
from dondoc.web import backup

from .conftest import PASSWORD, make_user, sample_plan_json
from .test_scoring_flow import _publish, small_framework

REQUIRE_POSTGRES = os.environ.get("DONDOC_REQUIRE_POSTGRES", "").strip().lower() in {"1", "true", "yes", "on"}
POSTGRES_URL = os.environ.get("DONDOC_TEST_POSTGRES_URL", "postgres://postgres@127.0.0.1:5432/postgres")
# Each test runs in a transaction of the main database (rolled back); the second databases are outside it, and
# backups of the main database are taken by the module's fixture, outside any transaction.
pytestmark = pytest.mark.django_db
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


# --- a realistic installation ----------------------------------------------------------------------------------------

AREAS = [("II", "CẢI CÁCH THỦ TỤC HÀNH CHÍNH", "tthc"), ("III", "CẢI CÁCH TỔ CHỨC BỘ MÁY", "to_chuc_bo_may"),
         ("IV", "CẢI CÁCH CHẾ ĐỘ CÔNG VỤ", "cong_vu"), ("V", "CẢI CÁCH TÀI CHÍNH CÔNG", "tai_chinh_cong"),
         ("VI", "XÂY DỰNG CHÍNH QUYỀN ĐIỆN TỬ, CHÍNH QUYỀN SỐ", "chinh_quyen_so")]
LEADS = ["Sở Tư pháp", "Sở Nội vụ", "Sở Tài chính", "UBND huyện Mường Xanh"]


def _more_tasks(year: int, count: int = 30) -> list[dict[str, Any]]:
    """Tasks in Plan JSON across the reform areas, leads in turn, due dates through the year (some recurring)."""
    tasks = []
    for i in range(count):
        number, title, area = AREAS[i % len(AREAS)]
        lead = LEADS[i % len(LEADS)]
        due = date(year, 1 + (i * 5) % 12, 28)
        recurring = i % 7 == 0
        tasks.append({
            "section_number": number, "section_title": title, "area": area, "subsection": None,
            "number": str(i + 3), "content": f"Nhiệm vụ {i + 3}: triển khai nội dung cải cách “{title.lower()}” "
                                              f"tại {lead} (lần {i // len(AREAS) + 1})",
            "lead": lead, "coordinating": "Sở Nội vụ", "lead_agencies": [lead], "coordinating_agencies": ["Sở Nội vụ"],
            "deadline": "Hằng quý" if recurring else f"Tháng {due.month}/{year}", "output": "Báo cáo kết quả",
            "funding": "Ngân sách tỉnh", "note": "", "source_row": 20 + i, "warnings": [],
            "schedule": {"due_dates": [] if recurring else [due.isoformat()],
                         "recurrence": ["quarterly"] if recurring else [], "continuous": recurring,
                         "conditional": False},
        })
    return tasks


def _build_installation() -> None:
    """Through the services, as officers would: a province, its users, two plans followed up for a year."""
    province = agency_services.create_agency("Ủy ban nhân dân tỉnh Hòa Bình Xanh")
    agencies = {"province": province}
    for code, name in [("home", "Sở Nội vụ"), ("justice", "Sở Tư pháp"), ("finance", "Sở Tài chính")]:
        agencies[code] = agency_services.create_agency(name, parent=province)
    agencies["district"] = agency_services.create_agency("UBND huyện Mường Xanh", parent=province)
    group = agency_services.create_agency("Các sở, ban, ngành tỉnh", is_group=True)
    group.members.add(agencies["home"], agencies["justice"], agencies["finance"])  # a many-to-many table
    users = {
        "admin": make_user("quantri", Role.ADMIN, agencies["home"]),
        "standing": make_user("thuongtruc", Role.STANDING, agencies["home"]),
        "focal": make_user("daumoi", Role.FOCAL, agencies["justice"]),
        "leader": make_user("lanhdao", Role.LEADER, agencies["justice"]),
        "viewer": make_user("nguoixem", Role.VIEWER, agencies["finance"]),
    }
    helpers = Group.objects.create(name="Tổ giúp việc")
    helpers.permissions.add(*Permission.objects.filter(codename__startswith="view_")[:5])
    users["viewer"].groups.add(helpers)

    plans = []
    for number, year in [("12/KH-UBND", 2025), ("7/KH-UBND", 2024)]:
        spec = sample_plan_json()
        spec["document"] |= {"number": number, "plan_year": year, "issued_date": f"{year - 1}-12-20",
                             "title": f"Kế hoạch cải cách hành chính năm {year}"}
        spec["tasks"] += _more_tasks(year)
        plan = plan_services.store_plan(spec, resolve=lambda n: agency_services.ensure(n), owner=province,
                                        actor=users["admin"])
        plan.source_file.save(f"Kế hoạch {number.replace('/', '-')}.txt",
                              ContentFile(f"KẾ HOẠCH {number}\nCải cách hành chính năm {year}\n".encode()))
        plans.append(plan)
    spread_progress(plans, users["standing"])  # progress, completions, extensions, occurrences, notifications

    task = plans[0].tasks.get(number="1")
    with time_machine.travel(date(2025, 3, 5), tick=False):
        tracking.record_progress(task, actor=users["focal"], text="Đã ban hành kế hoạch rà soát", progress=40,
                                 status=Status.IN_PROGRESS, evidence=[tracking.EvidenceInput(
                                     kind="ke_hoach", number="15/KH-STP", issued_on=date(2025, 3, 1),
                                     issuer="Sở Tư pháp",
                                     file=SimpleUploadedFile("Báo cáo kết quả rà soát.pdf", PDF + os.urandom(64)))])
        period = plans[0].report_periods.get(name="Quý I/2025")
        report = report_services.open_report(period, actor=users["focal"])
        report = report_services.save_narrative(report, {"direction": "Ban hành kế hoạch triển khai."},
                                                actor=users["focal"], edit_version=report.edit_version)
        report = report_services.send_for_approval(report, actor=users["focal"])
        report_services.approve_and_submit(report, actor=users["leader"])

    other = plans[1].tasks.get(number="1")
    extension = tracking.request_extension(other, actor=users["focal"], new_due=date(2025, 9, 30),
                                           reason="Chờ hướng dẫn của Bộ Tư pháp", today=date(2025, 6, 20))
    tracking.decide_extension(extension, actor=users["standing"], approve=True, note="Đồng ý gia hạn")

    seed_dossiers(actor=users["admin"], rows_per_year=400)  # an export in MEDIA_ROOT, dossiers in the store

    framework = scoring_services.install_framework(parse(small_framework()), actor=users["standing"])
    full = {"1.1": "2", "1.2": "1", "2.1": "2", "2.2": "3"}
    _publish(framework, agencies["home"], {**full, "2.2": "1,5"}, users["admin"])
    _publish(framework, agencies["finance"], full, users["admin"], na=("1.1",))
    scoring_services.publish(framework, actor=users["admin"], decision="Quyết định số 99/QĐ-UBND")
    started = scoring_services.start_assessment(framework, agencies["justice"], actor=users["focal"],
                                                today=date(2025, 12, 20))
    leaf = started.scores.select_related("criterion").get(criterion__code="1.1")
    scoring_services.save_self_score(leaf, actor=users["focal"], points="1,5", note="Đã rà soát 120 văn bản")
    scoring_services.attach_file(leaf, SimpleUploadedFile("Tài liệu kiểm chứng 1.1.pdf", PDF), actor=users["focal"])

    Token.objects.create(user=users["viewer"])
    LogEntry.objects.create(user=users["admin"], content_type=ContentType.objects.get_for_model(Agency),
                            object_id=str(province.pk), object_repr=str(province), action_flag=ADDITION,
                            change_message='[{"added": {}}]')
    client = Client()
    client.post(reverse("login"), {"username": "daumoi", "password": "sai-mat-khau"})  # a failed sign-in
    response = client.post(reverse("login"), {"username": "lanhdao", "password": PASSWORD})  # a session row
    assert response.status_code == 302


@dataclass
class Source:
    archive: Path
    media: Path
    dossiers: Path
    output: str


@pytest.fixture(scope="module", autouse=True)
def _small_chunks() -> Iterator[None]:
    """Chunks and INSERT batches of a few rows, so that the test's tables span many of them."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(backup, "CHUNK_ROWS", 37)
        patch.setattr(backup, "INSERT_ROWS", 50)
        yield


@pytest.fixture(scope="module")
def source(django_db_setup: Any, django_db_blocker: Any, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Source]:
    """The installation in the main test database, its files in a folder of their own, and `dondoc backup` of it."""
    root = tmp_path_factory.mktemp("installation")
    media, dossiers = root / "files", root / "dossiers"
    with django_db_blocker.unblock(), override_settings(MEDIA_ROOT=media, DONDOC_DOSSIER_DIR=dossiers,
                                                        PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"]):
        try:
            with transaction.atomic():  # one commit: on PostgreSQL, hundreds of synchronous commits take seconds
                _build_installation()
            out = io.StringIO()
            archive = root / "sao-luu.tar"
            call_command("backup", str(archive), stdout=out)
            yield Source(archive, media, dossiers, out.getvalue())
        finally:
            # written outside the per-test transactions: leave the database as the migrations made it
            call_command("flush", interactive=False, verbosity=0)
            agency_services.ensure_levels()


# --- second databases -----------------------------------------------------------------------------------------------

def _postgres_base() -> dict[str, Any]:
    default = connections["default"].settings_dict
    if default["ENGINE"].endswith("postgresql"):
        return {k: default[k] for k in ("ENGINE", "USER", "PASSWORD", "HOST", "PORT", "OPTIONS")}
    return dj_database_url.parse(POSTGRES_URL)


def _postgres_admin(base: dict[str, Any]) -> Any:
    psycopg = pytest.importorskip("psycopg")
    return psycopg.connect(dbname="postgres", user=base.get("USER") or None, password=base.get("PASSWORD") or None,
                           host=base.get("HOST") or None, port=base.get("PORT") or None, autocommit=True,
                           connect_timeout=5)


def postgres_available() -> bool:
    try:
        with _postgres_admin(_postgres_base()):
            return True
    except Exception as exc:  # noqa: BLE001 - any failure to connect means "not available"
        if REQUIRE_POSTGRES:
            pytest.fail(f"DONDOC_REQUIRE_POSTGRES=1 nhưng không kết nối được PostgreSQL ({POSTGRES_URL}): {exc}")
        return False


@contextlib.contextmanager
def second_database(vendor: str, tmp_path: Path, label: str) -> Iterator[str]:
    """A new, empty database (no tables) under a connection alias of its own; dropped afterwards."""
    if vendor == "sqlite":
        # a throw-away file: no fsync (`migrate` takes a third of the time)
        spec = {"ENGINE": "django.db.backends.sqlite3", "NAME": str(tmp_path / f"{label}.sqlite3"),
                "OPTIONS": {"timeout": 20, "init_command": "PRAGMA synchronous = OFF"}}
        drop = None
    else:
        base = _postgres_base()
        default = connections["default"]
        prefix = default.settings_dict["NAME"] if default.vendor == vendor else "test_dondoc"
        name = f"{prefix}_{label}_{uuid.uuid4().hex[:6]}"[:63]
        with _postgres_admin(base) as admin:
            admin.execute(f'CREATE DATABASE "{name}"')
        # a throw-away database: commits do not wait for the disk
        spec = {**base, "NAME": name, "OPTIONS": {**(base.get("OPTIONS") or {}),
                                                  "options": "-c synchronous_commit=off"}}

        def drop() -> None:
            with _postgres_admin(base) as admin:
                admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    try:
        with backup.temporary_connection(spec, prefix=label) as alias:
            yield alias
    finally:
        if drop is not None:
            drop()


# --- comparing ------------------------------------------------------------------------------------------------------

def all_models() -> list[Any]:
    """Every table of every installed app, found here independently of the code under test."""
    return [m for m in apps.get_models(include_auto_created=True) if m._meta.managed and not m._meta.proxy]


def rows_of(model: Any, alias: str) -> dict[Any, tuple[Any, ...]]:
    names = [f.attname for f in model._meta.local_concrete_fields]
    return {row[names.index(model._meta.pk.attname)]: row
            for row in model._base_manager.using(alias).values_list(*names)}


def assert_same_rows(alias_a: str, alias_b: str) -> int:
    compared = 0
    for model in all_models():
        names = [f.attname for f in model._meta.local_concrete_fields]
        a, b = rows_of(model, alias_a), rows_of(model, alias_b)
        assert set(a) == set(b), f"{model._meta.label}: khóa chính khác nhau {sorted(set(a) ^ set(b))[:5]}"
        for pk, row in a.items():
            for name, left, right in zip(names, row, b[pk], strict=True):
                assert left == right, f"{model._meta.label} #{pk}.{name}: {left!r} ≠ {right!r}"
        compared += len(a)
    return compared


def files_of(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*"))
            if p.is_file() and p.name != ".lock"}


def assert_same_files(a: Path, b: Path) -> int:
    left, right = files_of(a), files_of(b)
    assert sorted(left) == sorted(right)
    for name, data in left.items():
        assert hashlib.sha256(data).digest() == hashlib.sha256(right[name]).digest(), name
        assert data == right[name], name
    return len(left)


def restore_into(source: Source, alias: str, root: Path, **kw: Any) -> tuple[Path, Path, str]:
    media, dossiers = root / f"{alias}-files", root / f"{alias}-dossiers"
    lines: list[str] = []
    backup.restore_backup(source.archive, using=alias, media_root=media, dossier_dir=dossiers,
                          progress=lines.append, **kw)
    return media, dossiers, "\n".join(lines)


def assert_restored(source: Source, alias: str, media: Path, dossiers: Path) -> None:
    rows = assert_same_rows("default", alias)
    assert rows > 1000
    assert assert_same_files(source.media, media) >= 5
    assert assert_same_files(source.dossiers, dossiers) >= 4  # the pointer and the generation's files
    from dondoc.indicators.dossiers.store import DossierStore  # the store reads its generation
    assert DossierStore(dossiers).count() == DossierStore(source.dossiers).count() > 0


def assert_new_rows_get_new_keys(alias: str) -> None:
    """The restored installation goes on: PostgreSQL's sequences were reset past the restored keys."""
    agency = Agency.objects.using(alias).create(name="Sở Khoa học và Công nghệ", search_key="so khoa hoc")
    assert agency.pk > Agency.objects.using("default").order_by("-pk").values_list("pk", flat=True)[0]


@dataclass
class Restored:
    alias: str
    root: Path
    media: Path
    dossiers: Path
    output: str
    held_after_migrate: list[str]
    levels_after_migrate: int


@pytest.fixture(scope="module")
def restored(source: Source, django_db_blocker: Any, tmp_path_factory: pytest.TempPathFactory
             ) -> Iterator[Restored]:
    """A second database of the main one's vendor, migrated, then restored from the archive (once: migrating takes
    seconds). Tests that change it put it back with a forced restore first."""
    root = tmp_path_factory.mktemp("restored")
    with django_db_blocker.unblock():
        vendor = connections["default"].vendor
        with second_database(vendor, root, "restored") as alias:
            call_command("migrate", database=alias, interactive=False, verbosity=0)
            held = backup.tables_with_data(alias)
            levels = Level.objects.using(alias).count()
            media, dossiers, output = restore_into(source, alias, root)
            yield Restored(alias, root, media, dossiers, output, held, levels)


def reset(source: Source, restored: Restored) -> None:
    restore_into(source, restored.alias, restored.root, force=True)


# --- the round trips -------------------------------------------------------------------------------------------------

def test_the_installation_is_realistic(source: Source) -> None:
    """Every kind of data the round trip must carry is there, in every installed app's tables."""
    counts = {m._meta.label_lower: m._base_manager.count() for m in all_models()}
    for label in ["plans.plan", "plans.task", "plans.milestone", "plans.taskagency", "tracking.progressupdate",
                  "tracking.evidence", "tracking.extension", "tracking.notification", "reports.report",
                  "indicators.dossierimport", "indicators.targetactual", "scoring.assessment", "scoring.score",
                  "scoring.scorefile", "audit.auditevent", "auditlog.logentry", "authtoken.token",
                  "sessions.session", "admin.logentry", "auth.group_permissions", "accounts.user_groups",
                  "agencies.agency_members", "contenttypes.contenttype", "auth.permission"]:
        assert counts[label] > 0, label
    if apps.is_installed("axes"):
        assert counts["axes.accessattempt"] > 0
    assert Report.objects.filter(state=Report.State.SUBMITTED).exists()
    assert DossierImport.objects.get().state == DossierImport.State.DONE
    assert Evidence.objects.exclude(file="").exists()
    assert "Đã ghi bản sao lưu" in source.output and "plans.task" in source.output


def test_round_trip_into_an_empty_database(source: Source, restored: Restored) -> None:
    assert restored.held_after_migrate == [], "a freshly migrated database must count as empty"
    assert restored.levels_after_migrate > 0  # migrate's own rows, replaced by the archive's
    assert "Đã khôi phục" in restored.output and "plans.task" in restored.output
    assert_restored(source, restored.alias, restored.media, restored.dossiers)
    assert_new_rows_get_new_keys(restored.alias)
    # a second restore needs --force, and gives the same result again
    with pytest.raises(backup.BackupError, match="đã có dữ liệu"):
        restore_into(source, restored.alias, restored.root)
    reset(source, restored)
    assert_restored(source, restored.alias, restored.media, restored.dossiers)
    assert not [p for p in restored.media.iterdir() if p.name.startswith(backup.STAGING_PREFIX)]


def test_sqlite_installation_restored_into_postgresql(source: Source, tmp_path: Path) -> None:
    if not postgres_available():
        pytest.skip(f"không có PostgreSQL ({POSTGRES_URL}): bỏ qua khôi phục SQLite → PostgreSQL "
                    "(DONDOC_REQUIRE_POSTGRES=1 để bắt buộc)")
    archive = source
    with contextlib.ExitStack() as stack:
        if connections["default"].vendor == "postgresql":
            # PostgreSQL → SQLite, then that SQLite installation's backup → PostgreSQL
            sqlite = stack.enter_context(second_database("sqlite", tmp_path, "embedded"))
            media, dossiers, _ = restore_into(source, sqlite, tmp_path)
            assert_restored(source, sqlite, media, dossiers)
            archive = Source(tmp_path / "tu-sqlite.tar", media, dossiers, "")
            backup.create_backup(archive.archive, using=sqlite, media_root=media, dossier_dir=dossiers)
        assert json.loads(_member(archive.archive, backup.MANIFEST))["database"]["vendor"] == "sqlite"
        alias = stack.enter_context(second_database("postgresql", tmp_path, "from_sqlite"))
        # as on a host moving from SQLite to PostgreSQL: the folders already hold this installation's files
        shutil.copytree(archive.media, tmp_path / f"{alias}-files")
        shutil.copytree(archive.dossiers, tmp_path / f"{alias}-dossiers")
        media, dossiers, output = restore_into(archive, alias, tmp_path)  # migrates the empty database itself
        assert "migrate" in output
        assert connections[alias].vendor == "postgresql"
        assert_restored(source, alias, media, dossiers)
        assert_new_rows_get_new_keys(alias)


# --- what must be refused ------------------------------------------------------------------------------------------

def _member(archive: Path, name: str) -> bytes:
    with tarfile.open(archive) as tar:
        handle = tar.extractfile(name)
        assert handle is not None
        return handle.read()


def flipped(archive: Path, member: str, target: Path, at: float = 0.5) -> Path:
    """A copy of the archive with one bit of one member's data flipped."""
    shutil.copyfile(archive, target)
    with tarfile.open(archive) as tar:
        info = tar.getmember(member)
        offset = info.offset_data + min(info.size - 1, int(info.size * at))
    with target.open("r+b") as fh:
        fh.seek(offset)
        byte = fh.read(1)
        fh.seek(offset)
        fh.write(bytes([byte[0] ^ 0x01]))
    return target


def rewritten(archive: Path, target: Path, change: Any) -> Path:
    """A copy of the archive with its manifest changed (and its checksum made to match, as a forger would)."""
    with tarfile.open(archive) as src, tarfile.open(target, "w", format=tarfile.PAX_FORMAT) as out:
        for info in src.getmembers():
            if info.name in (backup.MANIFEST, backup.MANIFEST_SUM):
                continue
            out.addfile(info, src.extractfile(info))
        manifest = json.loads(src.extractfile(backup.MANIFEST).read())  # type: ignore[union-attr]
        change(manifest)
        body = json.dumps(manifest).encode()
        for name, data in [(backup.MANIFEST, body),
                           (backup.MANIFEST_SUM, f"{hashlib.sha256(body).hexdigest()}  manifest.json\n".encode())]:
            info = tarfile.TarInfo(name)
            info.size = len(data)
            out.addfile(info, io.BytesIO(data))
    return target


def media_member(archive: Path) -> str:
    manifest = json.loads(_member(archive, backup.MANIFEST))
    return next(f["member"] for f in manifest["files"] if f["member"].startswith("media/") and f["size"] > 100)


def test_check_accepts_the_archive_and_detects_a_flipped_byte(source: Source,
                                                             tmp_path: Path) -> None:
    out = io.StringIO()
    call_command("backup", check=str(source.archive), stdout=out)
    assert "toàn vẹn" in out.getvalue() and "khớp mã kiểm tra" in out.getvalue()
    manifest = json.loads(_member(source.archive, backup.MANIFEST))
    targets = ["database/plans.task.jsonl.gz", "database/auditlog.logentry.jsonl.gz", media_member(source.archive),
               next(f["member"] for f in manifest["files"] if f["member"].startswith("dossiers/dossiers-")),
               backup.MANIFEST]
    for number, member in enumerate(targets):
        for at in (0.0, 0.5, 1.0):
            bad = flipped(source.archive, member, tmp_path / f"hong-{number}-{at}.tar", at=at)
            with pytest.raises(CommandError, match="bị hỏng"):
                call_command("backup", check=str(bad), stdout=io.StringIO())
    # a flipped byte in a member's header (its name, size or checksum) hides that member and all after it
    with tarfile.open(source.archive) as tar:
        header = tar.getmember(media_member(source.archive)).offset
    for number, at in enumerate((0, 100, 124, 148)):  # name, mode, size, header checksum
        bad = tmp_path / f"dau-{number}.tar"
        shutil.copyfile(source.archive, bad)
        with bad.open("r+b") as fh:
            fh.seek(header + at)
            byte = fh.read(1)
            fh.seek(header + at)
            fh.write(bytes([byte[0] ^ 0x01]))
        with pytest.raises(CommandError, match="bị hỏng"):
            call_command("backup", check=str(bad), stdout=io.StringIO())
    truncated = tmp_path / "cat-cut.tar"
    truncated.write_bytes(source.archive.read_bytes()[: source.archive.stat().st_size // 2])
    with pytest.raises(CommandError, match="không đầy đủ"):
        call_command("backup", check=str(truncated), stdout=io.StringIO())
    not_tar = tmp_path / "khong-phai.tar"
    not_tar.write_bytes(b"PK\x03\x04 day la mot tep zip")
    with pytest.raises(CommandError, match="bị hỏng"):
        call_command("backup", check=str(not_tar), stdout=io.StringIO())


def test_a_corrupt_archive_is_refused_and_nothing_changes(source: Source, restored: Restored,
                                                          tmp_path: Path) -> None:
    reset(source, restored)
    alias, media, dossiers = restored.alias, restored.media, restored.dossiers
    before_files = files_of(media), files_of(dossiers)
    for number, member in enumerate(["database/tracking.progressupdate.jsonl.gz", media_member(source.archive)]):
        bad = flipped(source.archive, member, tmp_path / f"hong-{number}.tar")
        with pytest.raises(backup.BackupError, match="bị hỏng"):
            backup.restore_backup(bad, using=alias, media_root=media, dossier_dir=dossiers, force=True)
        assert_same_rows("default", alias)
        assert (files_of(media), files_of(dossiers)) == before_files


def test_a_restore_failing_midway_leaves_the_old_database_and_files(source: Source, restored: Restored,
                                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    reset(source, restored)
    alias, media, dossiers = restored.alias, restored.media, restored.dossiers
    plan = Plan.objects.using(alias).order_by("pk").first()
    Plan.objects.using(alias).filter(pk=plan.pk).update(title="Kế hoạch đã sửa sau khi khôi phục")
    (media / "ghi-chu.txt").write_text("tệp mới sau khi khôi phục", encoding="utf-8")
    before = {m._meta.label_lower: rows_of(m, alias) for m in all_models()}
    before_files = files_of(media), files_of(dossiers)

    # the database load fails half-way (after some tables went in)
    real_load = backup._load_table
    loaded: list[str] = []

    def failing_load(model: Any, *args: Any, **kw: Any) -> int:
        loaded.append(model._meta.label_lower)
        if len(loaded) == 30:
            raise OSError("đĩa đầy (giả lập)")
        return real_load(model, *args, **kw)

    monkeypatch.setattr(backup, "_load_table", failing_load)
    with pytest.raises(OSError, match="giả lập"):
        backup.restore_backup(source.archive, using=alias, media_root=media, dossier_dir=dossiers, force=True)
    monkeypatch.undo()

    # every row is in, the uploaded files are swapped in, then the dossier store's swap fails
    real_swap = backup._Staged.swap

    def failing_swap(self: Any) -> None:
        if self.root == dossiers.resolve():
            raise OSError("không đổi tên được (giả lập)")
        real_swap(self)

    monkeypatch.setattr(backup._Staged, "swap", failing_swap)
    with pytest.raises(OSError, match="giả lập"):
        backup.restore_backup(source.archive, using=alias, media_root=media, dossier_dir=dossiers, force=True)

    assert {m._meta.label_lower: rows_of(m, alias) for m in all_models()} == before
    assert (files_of(media), files_of(dossiers)) == before_files
    assert not [p for p in media.iterdir() if p.name.startswith(backup.STAGING_PREFIX)]
    assert not [p for p in dossiers.iterdir() if p.name.startswith(backup.STAGING_PREFIX)]


def test_a_database_holding_data_is_refused_without_force(source: Source) -> None:
    plans, tasks = Plan.objects.count(), apps.get_model("plans", "Task").objects.count()
    with pytest.raises(CommandError, match="đã có dữ liệu.*--force"):
        call_command("restore", str(source.archive), stdout=io.StringIO())
    assert (Plan.objects.count(), apps.get_model("plans", "Task").objects.count()) == (plans, tasks)


def test_other_migrations_a_newer_format_or_foreign_files_are_refused(source: Source,
                                                                   tmp_path: Path) -> None:
    def newer_code(manifest: dict[str, Any]) -> None:
        manifest["migrations"].append(["plans", "9999_tuong_lai"])
        manifest["dondoc_version"] = "9.0"

    def older_code(manifest: dict[str, Any]) -> None:
        manifest["migrations"] = [m for m in manifest["migrations"] if m != ["agencies", "0002_default_levels"]]

    def newer_format(manifest: dict[str, Any]) -> None:
        manifest["format_version"] = backup.FORMAT_VERSION + 1

    with second_database("sqlite", tmp_path, "versions") as alias:  # refused before any write: any vendor will do
        for change, message in [(newer_code, "phiên bản dondoc khác"), (older_code, "cũ hơn.*dondoc migrate"),
                                (newer_format, "định dạng phiên bản")]:
            archive = rewritten(source.archive, tmp_path / f"{change.__name__}.tar", change)
            with pytest.raises(backup.BackupError, match=message):
                backup.restore_backup(archive, using=alias, media_root=tmp_path / "m", dossier_dir=tmp_path / "d")
            assert connections[alias].introspection.table_names() == []  # refused before migrate touched it
        # an empty database, but a folder holding files the archive does not have: refused without --force
        media = tmp_path / "files"
        (media / "plans").mkdir(parents=True)
        (media / "plans" / "ke-hoach-khac.pdf").write_bytes(PDF)
        with pytest.raises(backup.BackupError, match="đã có tệp.*--force"):
            backup.restore_backup(source.archive, using=alias, media_root=media, dossier_dir=tmp_path / "d")
        assert connections[alias].introspection.table_names() == []
        assert (media / "plans" / "ke-hoach-khac.pdf").read_bytes() == PDF
        out = io.StringIO()
        call_command("backup", check=str(tmp_path / "newer_code.tar"), stdout=out)
        assert "toàn vẹn" in out.getvalue() and "Lưu ý" in out.getvalue()  # intact, but not for this code


def test_backup_refuses_to_overwrite(source: Source) -> None:
    size = source.archive.stat().st_size
    with pytest.raises(CommandError, match="đã có"):
        call_command("backup", str(source.archive), stdout=io.StringIO())
    assert source.archive.stat().st_size == size

