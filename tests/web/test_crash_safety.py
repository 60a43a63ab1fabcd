"""Crash safety: a plan import, a dossier import and a report submission killed mid-way leave nothing half-written,
and the work can be done again, with the same result as a run that was never interrupted.

Each test starts a real worker process (``tests/web/crash_child.py``: Python, Django set up, dondoc's real code) on
the test database. The worker wraps one function deep inside the path — after two tasks of the plan are written
inside ``store_plan``'s transaction, after the new dossier generation's Parquet files are written (and, separately,
after the store's pointer is swapped but before the database hears of it), after the report's snapshot is saved and
audited and the standing agency notified but before the commit — writes a marker file there and sleeps. The test
waits for the marker, kills the process with ``os.kill(pid, SIGKILL)`` (one dossier import with SIGTERM, whose handler
unwinds the way a worker told to stop does), and looks at what is left: the database rows, the audit log, the
store's files, the e-mails, the pages, downloads and API a user would see. Then the work is done again — the same
service call, or the restart the user is offered for a stuck job — and compared with an uninterrupted run of the
same call (run inside a transaction that is then rolled back, or into a second store).

What these tests found and now hold in place: the submission's e-mail to the standing agency went out before the
commit (``tracking/notify.py`` now sends e-mails once the transaction commits); a job killed mid-way stayed
"đang đọc"/"đang nhập" for ever with no way to run it again (the officer is now offered a restart once it has not
moved for ``DONDOC_STUCK_JOB_MINUTES``); a dossier job killed after the store's swap but before the database heard of
it merged its export a second time when run again, counting every dossier as updated (the store now recognises a
merge it already did by the import's tag).

The database. Another process must see what the test set up, so these tests are transactional
(``django_db(transaction=True)``: every write is committed; pytest-django empties the tables afterwards).
On PostgreSQL the worker opens pytest-django's test database by its NAME (``connection.settings_dict``); after a kill
the test waits until the server has dropped the worker's session (its ``application_name``), i.e. rolled back its
open transaction. On SQLite pytest-django's test database lives in memory, which no other process can open: the
``shared_db`` fixture copies the migrated in-memory database into a file under the test's tmp_path (SQLite's backup
API, milliseconds, no second migration) and points the ``default`` connection at that file for the test; the worker
opens the same file. A killed SQLite writer leaves a hot journal that the next connection rolls back. Afterwards the
original in-memory connection is put back untouched, so the rest of the suite does not notice. Both backends run
the same tests; CI runs them on PostgreSQL in ``make test`` and again on SQLite in ``make test-web-sqlite``.

No assertion is about time: the waits (for a marker, a process, a server session) are bounded only so that a hung
worker fails the test instead of hanging it.
"""

from __future__ import annotations

import contextlib
import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import DEFAULT_DB_ALIAS, connection, connections, transaction
from django.db.models import Model
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from dondoc.accounts.models import User
from dondoc.agencies import services as agency_services
from dondoc.agencies.models import Agency, AgencyAlias
from dondoc.audit.models import AuditEvent
from dondoc.importer import read_plan
from dondoc.indicators import services as indicator_services
from dondoc.indicators import tasks as indicator_tasks
from dondoc.indicators.dossiers import compute, pipeline, schema
from dondoc.indicators.dossiers.store import DossierStore
from dondoc.indicators.models import DossierImport, DossierSource, TargetActual
from dondoc.plans import imports
from dondoc.plans import services as plan_services
from dondoc.plans import tasks as plan_tasks
from dondoc.plans.models import ImportDraft, Milestone, Plan, ReportPeriod, Section, Target, Task, TaskAgency
from dondoc.reports import services as report_services
from dondoc.reports.compose import compose
from dondoc.reports.models import Report
from dondoc.tracking.models import Notification

from .conftest import docx_lines, sample_plan_json

CHILD = Path(__file__).with_name("crash_child.py")
ROOT = Path(__file__).resolve().parents[2]
WAIT = 120.0  # seconds: a bound on each wait, so that a hung worker fails the test instead of hanging the suite

pytestmark = pytest.mark.django_db(transaction=True)


# --- a database and folders another process can open --------------------------------------------------------------

@pytest.fixture
def shared_db(transactional_db: None, tmp_path: Path) -> Iterator[dict[str, Any]]:
    """The test database's connection settings, for the worker. See the module docstring."""
    if connection.vendor != "sqlite":
        yield dict(connection.settings_dict)
        return
    path = tmp_path / "crash.sqlite3"
    connection.ensure_connection()
    target = sqlite3.connect(path)
    try:
        connection.connection.backup(target)  # the migrated (and, being transactional, empty) test database
    finally:
        target.close()
    original = connections[DEFAULT_DB_ALIAS]
    wrapper = original.__class__({**original.settings_dict, "NAME": str(path)}, alias=DEFAULT_DB_ALIAS)
    connections[DEFAULT_DB_ALIAS] = wrapper
    try:
        yield dict(wrapper.settings_dict)
    finally:
        wrapper.close()
        connections[DEFAULT_DB_ALIAS] = original


@dataclass
class Worker:
    process: subprocess.Popen[bytes]
    marker: Path
    log: Path
    stop_at: str | None
    session: str  # its PostgreSQL application_name

    def output(self) -> str:
        return self.log.read_text("utf-8", errors="replace")[-4000:]

    def wait_for_kill_point(self) -> dict[str, Any]:
        """Block until the worker reached its kill point (it then sleeps there), and return what it wrote."""
        deadline = time.monotonic() + WAIT
        while time.monotonic() < deadline:
            if self.marker.exists():
                return json.loads(self.marker.read_text("utf-8"))
            if self.process.poll() is not None:
                pytest.fail(f"the worker ended (exit {self.process.returncode}) before {self.stop_at}:\n"
                            f"{self.output()}")
            time.sleep(0.02)
        self.process.kill()
        pytest.fail(f"the worker did not reach {self.stop_at} within {WAIT:.0f} s:\n{self.output()}")

    def kill(self, signum: int = signal.SIGKILL) -> int:
        """Send the signal, wait for the process to end and (PostgreSQL) for the server to drop its session."""
        if connection.vendor == "postgresql":
            assert sessions(self.session) == 1, "the worker's database session is open at its kill point"
        os.kill(self.process.pid, signum)
        try:
            code = self.process.wait(timeout=WAIT)
        except subprocess.TimeoutExpired:
            self.process.kill()
            pytest.fail(f"the worker survived signal {signum}")
        if connection.vendor == "postgresql":
            # the server notices the closed socket, rolls the open transaction back and ends the session
            deadline = time.monotonic() + WAIT
            while sessions(self.session) and time.monotonic() < deadline:
                time.sleep(0.02)
            assert sessions(self.session) == 0, f"PostgreSQL still holds the killed worker's session {self.session}"
        # SQLite: the killed writer's hot journal is rolled back by the next connection that reads the file
        return code


def sessions(application_name: str) -> int:
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM pg_stat_activity WHERE application_name = %s", [application_name])
        return int(cursor.fetchone()[0])


class Workers:
    """Start worker processes on the test database and the test's folders; none outlives the test."""

    def __init__(self, database: dict[str, Any], folder: Path) -> None:
        self.database, self.folder = database, folder
        self.email_dir = folder / "mail-from-workers"  # the workers' e-mails, one file per message
        self.email_dir.mkdir()
        self.started: list[Worker] = []

    def start(self, job: str, *, stop_at: str | None = None, on_sigterm: str | None = None, **args: Any) -> Worker:
        n = len(self.started) + 1
        session = f"dondoc-crash-{os.getpid()}-{n}"
        database = {k: self.database[k] for k in ("ENGINE", "NAME", "USER", "PASSWORD", "HOST", "PORT")}
        database["OPTIONS"] = dict(self.database.get("OPTIONS") or {})
        if connection.vendor == "postgresql":
            database["OPTIONS"]["application_name"] = session
        spec = self.folder / f"worker-{n}.json"
        marker, log = self.folder / f"worker-{n}.reached", self.folder / f"worker-{n}.log"
        spec.write_text(json.dumps({
            "database": database, "media_root": str(settings.MEDIA_ROOT),
            "dossier_dir": str(settings.DONDOC_DOSSIER_DIR), "email_dir": str(self.email_dir),
            "job": job, "args": args, "stop_at": stop_at, "marker": str(marker), "on_sigterm": on_sigterm,
        }), encoding="utf-8")
        with log.open("wb") as out:
            process = subprocess.Popen([sys.executable, str(CHILD), str(spec)], cwd=ROOT, stdout=out,
                                       stderr=subprocess.STDOUT)
        self.started.append(Worker(process, marker, log, stop_at, session))
        return self.started[-1]

    def stop_all(self) -> None:
        for w in self.started:
            if w.process.poll() is None:
                w.process.kill()
                w.process.wait(timeout=WAIT)


@pytest.fixture
def workers(shared_db: dict[str, Any], tmp_path: Path) -> Iterator[Workers]:
    started = Workers(shared_db, tmp_path)
    try:
        yield started
    finally:
        started.stop_all()  # whatever happened in the test, no worker is left behind


@contextlib.contextmanager
def queue_held(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[tuple[str, tuple[Any, ...]]]]:
    """The job queue as the web process sees it: jobs are queued (recorded here) for a worker, not run inline."""
    queued: list[tuple[str, tuple[Any, ...]]] = []
    with monkeypatch.context() as patch:
        patch.setattr(plan_tasks, "read_import", lambda *a: queued.append(("read_import", a)))
        patch.setattr(indicator_tasks, "import_dossiers", lambda *a: queued.append(("import_dossiers", a)))
        yield queued


class _Rollback(Exception):
    pass


def rows(models: tuple[type[Model], ...]) -> Counter[str]:
    return Counter({m._meta.label: m.objects.count() for m in models})


def audit() -> Counter[str]:
    return Counter(AuditEvent.objects.values_list("action", flat=True))


def uninterrupted(models: tuple[type[Model], ...], work: Callable[[], Any]) -> tuple[Counter[str], Counter[str], Any]:
    """What `work` writes when nothing interrupts it (rows per model, audit entries per action, its result),
    measured inside a transaction that is then rolled back."""
    before_rows, before_audit = rows(models), audit()
    found: dict[str, Any] = {}
    with contextlib.suppress(_Rollback), transaction.atomic():
        found["result"] = work()
        found["rows"], found["audit"] = rows(models) - before_rows, audit() - before_audit
        raise _Rollback
    assert rows(models) == before_rows and audit() == before_audit
    return found["rows"], found["audit"], found["result"]


def login(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def make_stuck(model: type[ImportDraft] | type[DossierImport], pk: int) -> None:
    """Let the job's silence last DONDOC_STUCK_JOB_MINUTES (its clock moved back; nothing else changes)."""
    model.objects.filter(pk=pk).update(
        updated_at=timezone.now() - timedelta(minutes=settings.DONDOC_STUCK_JOB_MINUTES + 1))


# --- the plan import ---------------------------------------------------------------------------------------------

# An invented plan in the " | " layout: two areas, four tasks, a target, and an agency the directory does not know.
PLAN_TXT = """ỦY BAN NHÂN DÂN TỈNH HÒA BÌNH XANH | CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM
Số: 91/KH-UBND | Hòa Bình Xanh, ngày 26 tháng 12 năm 2024
KẾ HOẠCH
Cải cách hành chính năm 2025
Phấn đấu tỷ lệ hồ sơ giải quyết đúng hạn đạt trên 98%.
PHỤ LỤC
I. CẢI CÁCH THỂ CHẾ
TT | Nhiệm vụ | Sản phẩm | Cơ quan chủ trì | Cơ quan phối hợp | Thời gian hoàn thành
1 | Rà soát văn bản pháp luật về đất đai | Báo cáo | Sở Tư pháp | Ban Quản lý khu công nghệ Đồi Xanh | Quý II/2025
2 | Kiểm tra việc thi hành pháp luật về xử lý vi phạm hành chính | Kết luận | Sở Tư pháp | Sở Nội vụ | Tháng 9/2025
II. CẢI CÁCH THỦ TỤC HÀNH CHÍNH
TT | Nhiệm vụ | Sản phẩm | Cơ quan chủ trì | Cơ quan phối hợp | Thời gian hoàn thành
1 | Công bố danh mục thủ tục hành chính được chuẩn hóa | Quyết định | Sở Nội vụ | Các sở, ban, ngành | Thường xuyên
2 | Số hóa hồ sơ, kết quả giải quyết thủ tục hành chính | Báo cáo | Sở Tài chính | Sở Tư pháp | Quý IV/2025
"""
NEW_AGENCY = "Ban Quản lý khu công nghệ Đồi Xanh"
PLAN_ROWS = (Plan, Section, Task, TaskAgency, Milestone, Target, ReportPeriod, Agency, AgencyAlias, ImportDraft)


def upload_plan(user: User) -> ImportDraft:
    """The officer's upload; with the inline queue of the tests the document is read at once."""
    draft = imports.start_import(user, SimpleUploadedFile("ke-hoach-2025.txt", PLAN_TXT.encode("utf-8")))
    draft.refresh_from_db()
    return draft


def test_plan_import_killed_while_storing_leaves_no_plan_and_is_confirmed_again(
        workers: Workers, agencies: dict[str, Agency], users: dict[str, User]) -> None:
    standing = users["standing"]
    client = login(standing)  # before anything is counted: signing in is audited too
    draft = upload_plan(standing)
    assert draft.status == ImportDraft.Status.READY, draft.error
    assert len(draft.plan_json["tasks"]) == 4 and agency_services.find(NEW_AGENCY) is None
    expected_rows, expected_audit, _ = uninterrupted(
        PLAN_ROWS, lambda: imports.confirm(ImportDraft.objects.get(pk=draft.pk), actor=standing))
    assert expected_rows[Task._meta.label] == 4 and expected_rows[Section._meta.label] == 2
    assert expected_rows[Agency._meta.label] >= 1  # the unknown agency is created on confirm
    assert {"plan.create", "import.confirm"} <= set(expected_audit)
    before_rows, before_audit = rows(PLAN_ROWS), audit()

    child = workers.start("confirm_plan", stop_at="plan.tasks_written", draft=draft.pk, actor=standing.pk)
    seen = child.wait_for_kill_point()["seen"]  # in its open transaction: the plan, two tasks, the new agency
    assert (seen["plans"], seen["tasks"]) == (Plan.objects.count() + 1, Task.objects.count() + 2)
    assert seen["agencies"] > Agency.objects.count()
    assert child.kill() == -signal.SIGKILL  # the process ends there: nothing in Python runs after

    # nothing of the half-stored plan: no plan, section, task, link, milestone, target, period, new agency or alias
    assert rows(PLAN_ROWS) == before_rows
    assert agency_services.find(NEW_AGENCY) is None
    assert audit() == before_audit  # no entry for the plan, the agency or the confirmation that did not happen
    kept = ImportDraft.objects.get(pk=draft.pk)
    assert (kept.status, kept.result, kept.plan_json, kept.agency_choices) == (
        ImportDraft.Status.READY, None, draft.plan_json, draft.agency_choices)
    page = client.get(reverse("import_review", args=[draft.pk])).content.decode()
    assert 'id="confirm-import"' in page  # the officer can simply confirm again
    assert "91/KH-UBND" not in client.get(reverse("plan_list")).content.decode()

    # confirmed again, from the page: exactly what an uninterrupted confirmation writes
    response = client.post(reverse("import_confirm", args=[draft.pk]))
    plan = Plan.objects.get(number="91/KH-UBND")
    assert response.status_code == 302 and response["Location"] == reverse("plan_detail", args=[plan.pk])
    assert rows(PLAN_ROWS) - before_rows == expected_rows
    assert audit() - before_audit == expected_audit
    assert ImportDraft.objects.get(pk=draft.pk).status == ImportDraft.Status.CONFIRMED
    assert [t.content for t in plan.tasks.order_by("order")] == [t["content"] for t in draft.plan_json["tasks"]]
    assert agency_services.find(NEW_AGENCY) is not None
    assert plan.source_file and plan.source_file.read().decode("utf-8") == PLAN_TXT


def test_plan_reading_killed_is_stuck_until_the_officer_reads_it_again(
        workers: Workers, monkeypatch: pytest.MonkeyPatch, agencies: dict[str, Agency],
        users: dict[str, User]) -> None:
    standing = users["standing"]
    client = login(standing)
    with queue_held(monkeypatch) as queued:
        draft = upload_plan(standing)
    assert queued == [("read_import", (draft.pk,))] and draft.status == ImportDraft.Status.QUEUED
    before_audit = audit()

    child = workers.start("read_plan", stop_at="plan.document_read", draft=draft.pk)
    child.wait_for_kill_point()
    assert child.kill() == -signal.SIGKILL

    stuck = ImportDraft.objects.get(pk=draft.pk)
    assert stuck.status == ImportDraft.Status.READING and stuck.plan_json is None  # the queue will never finish it
    assert audit() == before_audit
    page = client.get(reverse("import_review", args=[draft.pk])).content.decode()
    assert 'id="import-progress"' in page and 'id="restart-import"' not in page  # not yet: it may only be slow
    with pytest.raises(ValidationError, match="vẫn đang được đọc"):
        imports.restart_reading(stuck, actor=standing)

    make_stuck(ImportDraft, draft.pk)
    page = client.get(reverse("import_review", args=[draft.pk])).content.decode()
    assert 'id="restart-import"' in page and "Đọc lại tệp" in page
    response = client.post(reverse("import_restart", args=[draft.pk]), follow=True)
    assert "Đã cho đọc lại tệp." in response.content.decode()
    read = ImportDraft.objects.get(pk=draft.pk)
    assert read.status == ImportDraft.Status.READY and read.progress == 100
    control = read_plan(PLAN_TXT.encode("utf-8"), filename="ke-hoach-2025.txt",
                        max_bytes=imports.max_upload_bytes()).to_dict()
    assert read.plan_json == control  # what an uninterrupted reading keeps
    assert audit() - before_audit == Counter({"import.restart": 1})
    with pytest.raises(ValidationError, match="đã đọc xong"):
        imports.restart_reading(read, actor=standing)
    plan = imports.confirm(read, actor=standing)
    assert plan.tasks.count() == 4


# --- the dossier import ------------------------------------------------------------------------------------------

HEADERS = ["Mã hồ sơ", "Mã thủ tục", "Tên thủ tục", "Lĩnh vực", "Cơ quan tiếp nhận", "Cấp", "Kênh tiếp nhận",
           "Hình thức DVC trực tuyến", "Ngày tiếp nhận", "Ngày hẹn trả", "Ngày hoàn thành", "Ngày trả kết quả",
           "Trạng thái", "Có thư xin lỗi", "Số hóa hồ sơ", "Số hóa kết quả", "Đánh giá hài lòng"]
FIRST, SECOND = range(1, 41), range(31, 61)  # the second export: 10 dossiers again (now some late), 20 new
Q1 = compute.Window("Quý I/2025", date(2024, 12, 15), date(2025, 3, 14))


def export(codes: range, *, late_odd: bool) -> bytes:
    """A one-stop-shop export, invented: dossiers of Sở Tư pháp and of a district, all finished in Quý I/2025."""
    lines = [",".join(HEADERS)]
    for n in codes:
        received = date(2025, 1, 2) + timedelta(days=n)
        due = received + timedelta(days=10)
        finished = received + timedelta(days=12 if late_odd and n % 2 else 6)
        agency, level = ("Sở Tư pháp", "Cấp tỉnh") if n % 3 else ("UBND huyện Mường Xanh", "Cấp huyện")
        d = [f"{x:%d/%m/%Y}" for x in (received, due, finished)]
        lines.append(",".join([f"HS-{n:04d}", "1.001", "Đăng ký khai sinh", "Hộ tịch", agency, level, "Trực tiếp", "",
                               d[0], d[1], d[2], d[2], "Đã giải quyết", "Không", "Có", "Có", ""]))
    return ("\n".join(lines) + "\n").encode("utf-8")


@dataclass
class DossierWorld:
    standing: User
    source: DossierSource
    store: DossierStore
    first: DossierImport

    def upload_second(self, monkeypatch: pytest.MonkeyPatch) -> DossierImport:
        """The second export is uploaded; its job is queued for the worker, not run here."""
        with queue_held(monkeypatch) as queued:
            imp = indicator_services.start_import(self.standing, SimpleUploadedFile("ho-so-2.csv",
                                                  export(SECOND, late_odd=True)), source=self.source)
        assert queued == [("import_dossiers", (imp.pk, indicator_services.mapping_for(self.source, imp.headers)))]
        return imp


@pytest.fixture
def dossiers(agencies: dict[str, Agency], users: dict[str, User]) -> DossierWorld:
    """The province's plan with its target "đúng hạn ≥ 98%" and a first export imported in full."""
    plan_services.store_plan(sample_plan_json(), resolve=lambda n: agency_services.ensure(n, actor=users["admin"]),
                             owner=agencies["province"], actor=users["admin"])
    assert Target.objects.get().metric == "on_time_rate"
    standing = users["standing"]
    source = indicator_services.create_source("Hệ thống một cửa tỉnh", actor=standing)
    first = indicator_services.start_import(standing, SimpleUploadedFile("ho-so-1.csv", export(FIRST, late_odd=False)),
                                            source=source)  # run at once by the tests' inline queue
    first.refresh_from_db()
    assert (first.state, first.inserted, first.updated) == (DossierImport.State.DONE, 40, 0), first.message
    return DossierWorld(standing, source, indicator_services.dossier_store(), first)


def control_store(tmp_path: Path) -> DossierStore:
    """Both exports imported, uninterrupted, into a store of their own."""
    store = DossierStore(tmp_path / "control-store")
    for name, data in (("1.csv", export(FIRST, late_odd=False)), ("2.csv", export(SECOND, late_odd=True))):
        path = tmp_path / name
        path.write_bytes(data)
        pipeline.import_export(path, store, schema.suggest_mapping(HEADERS), indicator_services.agency_lookup())
    return store


def indicators(store: DossierStore) -> list[list[dict[str, Any]]]:
    """Every indicator of Quý I/2025 for the province, per agency and per level (groups in a fixed order)."""
    return [sorted(compute.compute(store, [Q1], by=by), key=lambda r: str(r.get("agency_id", r.get("level"))))
            for by in ("all", "agency", "level")]


def actuals() -> list[tuple[Any, ...]]:
    return sorted(TargetActual.objects.values_list("target_id", "period_id", "agency_id", "value", "source"),
                  key=repr)


def generation(version: str) -> set[str]:
    """A generation's files: its dossiers, daily sums and finished-by-day times."""
    gen = version.split("-", 1)[1]
    return {f"dossiers-{gen}.parquet", f"aggregates-{gen}.parquet", f"finished-{gen}.parquet"}


def store_files(store: DossierStore) -> set[str]:
    return {p.name for p in store.root.iterdir()}


def reachable(store: DossierStore) -> set[str]:
    """The files a reader can get to: the pointer and the current generation's three files."""
    paths = [store.current_path(), store.aggregates_path(), store.finished_path()]
    return {"CURRENT", *(p.name for p in paths if p is not None)}


def finish_by_restart(imp: DossierImport, client: Client, standing: User) -> DossierImport:
    """The officer's way out of a stuck import: refused while it may still be running, offered once it is silent."""
    with pytest.raises(ValidationError, match="vẫn đang được xử lý"):
        indicator_services.restart_import(imp, actor=standing)
    page = client.get(reverse("dossier_import_detail", args=[imp.pk])).content.decode()
    assert 'id="import-progress"' in page and 'id="restart-import"' not in page
    make_stuck(DossierImport, imp.pk)
    page = client.get(reverse("dossier_import_detail", args=[imp.pk])).content.decode()
    assert 'id="restart-import"' in page and "Chạy lại lần nhập" in page
    response = client.post(reverse("dossier_import_restart", args=[imp.pk]), follow=True)  # runs inline here
    assert "Đã cho chạy lại lần nhập." in response.content.decode()
    imp = DossierImport.objects.get(pk=imp.pk)
    with pytest.raises(ValidationError, match="đã kết thúc"):
        indicator_services.restart_import(imp, actor=standing)
    return imp


@pytest.mark.parametrize("signum", [signal.SIGKILL, signal.SIGTERM], ids=["SIGKILL", "SIGTERM-unwinding"])
def test_dossier_import_killed_before_the_swap_changes_nothing_and_runs_again(
        signum: int, workers: Workers, dossiers: DossierWorld, monkeypatch: pytest.MonkeyPatch,
        tmp_path: Path) -> None:
    store, client = dossiers.store, login(dossiers.standing)
    imp = dossiers.upload_second(monkeypatch)
    before = (store.current_path(), store.version(), store.count(), indicators(store), actuals())
    files_before, before_audit = store_files(store), audit()
    assert before[2] == 40

    # SIGTERM: the worker's handler raises SystemExit, as a worker told to stop unwinds through except/finally
    child = workers.start("run_dossier_import", stop_at="dossiers.generation_written", import_id=imp.pk,
                          on_sigterm="exit" if signum == signal.SIGTERM else None)
    assert child.wait_for_kill_point()["seen"]["store_version"] == store.version() == before[1]  # not swapped
    written = store_files(store) - files_before
    assert {n.split("-", 1)[0] for n in written} >= {"dossiers", "aggregates", "finished"}  # killed after writing
    code = child.kill(signum)
    assert code == (-signal.SIGKILL if signum == signal.SIGKILL else 128 + signal.SIGTERM)

    # readers see the previous generation, whole: same pointer, same dossiers, same indicators and actuals
    assert (store.current_path(), store.version(), store.count(), indicators(store), actuals()) == before
    assert reachable(store) <= files_before
    left = store_files(store) - files_before
    if signum == signal.SIGKILL:
        assert left and not left & reachable(store)  # the unfinished generation is there, but nothing points to it
    else:
        assert left == set()  # unwinding removed it at once
    stuck = DossierImport.objects.get(pk=imp.pk)
    assert stuck.state == DossierImport.State.RUNNING and stuck.inserted == stuck.updated == 0
    assert audit() == before_audit  # no "dossiers.import" for an import that did not happen

    done = finish_by_restart(stuck, client, dossiers.standing)
    assert (done.state, done.total, done.imported, done.inserted, done.updated) == (
        DossierImport.State.DONE, 30, 30, 20, 10), done.message
    control = control_store(tmp_path)
    assert store.count() == control.count() == 60
    assert indicators(store) == indicators(control) != before[3]
    assert actuals() != before[4]
    assert audit() - before_audit == Counter({"dossiers.restart": 1, "dossiers.import": 1})
    # the killed run's files went with the next merge; what is left: this generation and the one before
    assert store_files(store) == {".lock", "CURRENT", *generation(store.version()), *generation(before[1])}


def test_dossier_import_killed_after_the_swap_is_finished_without_merging_twice(
        workers: Workers, dossiers: DossierWorld, monkeypatch: pytest.MonkeyPatch,
        tmp_path: Path) -> None:
    store, client = dossiers.store, login(dossiers.standing)
    imp = dossiers.upload_second(monkeypatch)
    old_indicators, old_actuals, before_audit = indicators(store), actuals(), audit()

    old_version = store.version()
    child = workers.start("run_dossier_import", stop_at="dossiers.pointer_swapped", import_id=imp.pk)
    assert child.wait_for_kill_point()["seen"]["store_version"] == store.version() != old_version  # swapped
    assert child.kill() == -signal.SIGKILL

    # the store holds the merge, whole (the swap is atomic); the database never heard of it
    merged = store.version()
    control = control_store(tmp_path)
    assert store.count() == 60 and indicators(store) == indicators(control)
    stuck = DossierImport.objects.get(pk=imp.pk)
    assert stuck.state == DossierImport.State.RUNNING and (stuck.inserted, stuck.updated) == (0, 0)
    assert actuals() == old_actuals and audit() == before_audit

    # the restart recognises its own merge (by the import's tag): no second merge, counted as the first one did
    done = finish_by_restart(stuck, client, dossiers.standing)
    assert (done.state, done.total, done.imported, done.inserted, done.updated) == (
        DossierImport.State.DONE, 30, 30, 20, 10), done.message
    assert store.version() == merged and store.count() == 60
    assert indicators(store) == indicators(control) != old_indicators
    assert actuals() != old_actuals
    event = AuditEvent.objects.get(action="dossiers.import", object_id=str(imp.pk))
    assert (event.changes["inserted"], event.changes["updated"]) == (20, 10)
    assert audit() - before_audit == Counter({"dossiers.restart": 1, "dossiers.import": 1})
    rate = TargetActual.objects.get(target__metric="on_time_rate", period__name="Quý I/2025", agency=None).value
    assert rate == Decimal(str(round(float(indicators(control)[0][0]["on_time_rate"]), 4)))


# --- the report submission ---------------------------------------------------------------------------------------

TODAY = date(2025, 3, 12)
REPORT_ROWS = (Report, Notification, AuditEvent)


def report_state(report: Report) -> tuple[Any, ...]:
    r = Report.objects.get(pk=report.pk)
    return (r.state, r.snapshot, r.submitted_at, r.approved_by_id, r.locked, r.edit_version, r.return_note)


def submitted_in_api(client: Client) -> list[int]:
    """The submitted reports the provincial reporting system reads."""
    return [r["id"] for r in client.get("/api/v1/reports/").json()["results"]]


def test_report_submission_killed_before_commit_is_not_sent_and_is_approved_again(
        workers: Workers, agencies: dict[str, Agency], users: dict[str, User]) -> None:
    focal, leader, standing = users["focal"], users["leader"], users["standing"]
    User.objects.filter(pk=standing.pk).update(email="thuongtruc@tinh.example.vn")
    plan = plan_services.store_plan(sample_plan_json(), resolve=lambda n: agency_services.ensure(n),
                                    owner=agencies["province"], actor=users["admin"])
    period = plan.report_periods.get(name="Quý I/2025")
    report = report_services.open_report(period, actor=focal, today=TODAY)
    report = report_services.send_for_approval(report, actor=focal)
    client, standing_client = login(leader), login(standing)
    before, before_rows, before_audit = report_state(report), rows(REPORT_ROWS), audit()
    assert before[0] == Report.State.AWAITING_APPROVAL and before[1] is None
    expected_rows, expected_audit, sent = uninterrupted(REPORT_ROWS, lambda: report_services.approve_and_submit(
        Report.objects.get(pk=report.pk), actor=leader, today=TODAY))
    assert sent.state == Report.State.SUBMITTED and expected_audit == Counter({"report.submit": 1})
    draft_docx = docx_lines(client.get(reverse("report_download", args=[report.pk, "docx"])).content)[1]
    mail.outbox.clear()

    child = workers.start("submit_report", stop_at="report.before_commit", report=report.pk, actor=leader.pk,
                          today=TODAY.isoformat())
    seen = child.wait_for_kill_point()["seen"]  # in its open transaction: submitted, audited, notified
    assert (seen["submitted"], seen["audit"], seen["notifications"]) == (
        1, AuditEvent.objects.count() + 1, Notification.objects.count() + 1)
    assert child.kill() == -signal.SIGKILL

    # not half-sent: state, snapshot, submission time and approver as before; no audit entry, no notification,
    # no e-mail telling the standing agency it arrived; readers (API, downloads) see the draft awaiting approval
    assert report_state(report) == before
    assert rows(REPORT_ROWS) == before_rows and audit() == before_audit
    assert not Notification.objects.filter(key=f"report-submitted:{report.pk}").exists()
    assert list(workers.email_dir.iterdir()) == []
    assert report.pk not in submitted_in_api(standing_client)
    assert docx_lines(client.get(reverse("report_download", args=[report.pk, "docx"])).content)[1] == draft_docx
    page = client.get(reverse("report_detail", args=[report.pk])).content.decode()
    assert reverse("report_action", args=[report.pk, "duyet"]) in page  # the leader is still asked to approve

    # approved again: exactly one submission, with the figures an uninterrupted one froze
    submitted = report_services.approve_and_submit(Report.objects.get(pk=report.pk), actor=leader, today=TODAY)
    assert rows(REPORT_ROWS) - before_rows == expected_rows and audit() - before_audit == expected_audit
    assert submitted.state == Report.State.SUBMITTED and submitted.locked and submitted.approved_by == leader
    frozen = {k: v for k, v in submitted.snapshot.items() if k != "composed_at"}
    assert frozen == {k: v for k, v in sent.snapshot.items() if k != "composed_at"}
    assert frozen["totals"] == compose(period, agencies["justice"].pk, today=TODAY).totals
    assert [m.to for m in mail.outbox] == [["thuongtruc@tinh.example.vn"]]  # sent once, after the commit
    assert report.pk in submitted_in_api(standing_client)
    with pytest.raises(PermissionDenied):  # sent and locked: nothing more to approve
        report_services.approve_and_submit(Report.objects.get(pk=report.pk), actor=leader, today=TODAY)
