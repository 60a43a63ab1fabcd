"""The worker that tests/web/test_crash_safety.py kills: a real Python process running dondoc's real code on the
test database, stopped at a point the test chooses.

    python tests/web/crash_child.py SPEC.json

SPEC (JSON, written by the test):
    database   ENGINE, NAME, USER, PASSWORD, HOST, PORT, OPTIONS of the test database (the parent's own)
    media_root, dossier_dir, email_dir   the parent test's folders (uploads, the dossier store, e-mails as files)
    job        confirm_plan | read_plan | run_dossier_import | submit_report, with its ids in ``args``
    stop_at    a kill point (install_kill_point names them), or null to run the job to its end
    marker     the file written when the process reaches the kill point (with what its open transaction sees),
               before it waits to be killed
    on_sigterm "exit": SIGTERM raises SystemExit (below); otherwise SIGTERM keeps its default disposition

A kill point wraps one function deep inside the path, the way a test double would, without touching product code:
when the path reaches it, the child writes the marker and sleeps until the test kills it (SIGKILL, or SIGTERM with
the default disposition: the process ends at once, no ``finally``, no rollback by Python — only the database's own
rollback of an uncommitted transaction). With ``"on_sigterm": "exit"`` SIGTERM instead raises SystemExit, so the
code unwinds through its ``except``/``finally`` blocks the way a worker told to stop by its manager does.
"""

from __future__ import annotations

import json
import os
import signal
import sys
import time
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]


def reached(marker: Path, where: str, seen: dict[str, Any]) -> None:
    """Tell the test where the work stands (and what the worker's own, uncommitted, transaction sees), then wait
    to be killed."""
    tmp = marker.with_name(marker.name + ".tmp")
    tmp.write_text(json.dumps({"pid": os.getpid(), "at": where, "seen": seen}), encoding="utf-8")
    os.replace(tmp, marker)  # the test never reads half a marker
    while True:
        time.sleep(3600)


def _wrap(owner: Any, name: str, *, before: bool = False, on_call: int = 1,
          stop: Callable[[], None]) -> None:
    """Replace owner.name so that its `on_call`-th call stops (before running or after it returned)."""
    original = getattr(owner, name)
    calls = [0]

    def wrapper(*args: Any, **kwargs: Any) -> Any:
        calls[0] += 1
        if before and calls[0] == on_call:
            stop()
        result = original(*args, **kwargs)
        if not before and calls[0] == on_call:
            stop()
        return result

    setattr(owner, name, wrapper)


def what_the_worker_sees() -> dict[str, Any]:
    """Counts read on the worker's own connection at the kill point: its uncommitted writes included."""
    from dondoc.agencies.models import Agency
    from dondoc.audit.models import AuditEvent
    from dondoc.indicators import services as indicator_services
    from dondoc.plans.models import Plan, Task
    from dondoc.reports.models import Report
    from dondoc.tracking.models import Notification

    return {"plans": Plan.objects.count(), "tasks": Task.objects.count(), "agencies": Agency.objects.count(),
            "audit": AuditEvent.objects.count(), "notifications": Notification.objects.count(),
            "submitted": Report.objects.filter(state=Report.State.SUBMITTED).count(),
            "store_version": indicator_services.dossier_store().version()}


def install_kill_point(stop_at: str, marker: Path) -> None:
    from dondoc.indicators import services as indicator_services
    from dondoc.indicators.dossiers.store import DossierStore
    from dondoc.plans import imports
    from dondoc.plans import services as plan_services
    from dondoc.reports import services as report_services

    def stop() -> None:
        reached(marker, stop_at, what_the_worker_sees())

    points: dict[str, Callable[[], None]] = {
        # plan confirm: inside store_plan's transaction, the plan, its targets, periods, sections, two tasks with
        # their agency links and milestones written (and the agencies the document names created)
        "plan.tasks_written": lambda: _wrap(plan_services, "_fill_task", on_call=2, stop=stop),
        # plan reading job: the document read by the import engine, the draft marked "being read", nothing kept yet
        "plan.document_read": lambda: _wrap(imports, "read_plan", stop=stop),
        # dossier job: the new generation's dossiers, daily sums and finished-by-day Parquet files written and
        # fsynced, the CURRENT pointer not yet swapped
        "dossiers.generation_written": lambda: _wrap(DossierStore, "_swap", before=True, stop=stop),
        # dossier job: the pointer swapped (the store holds the merge), the database not told: the import still
        # "running", no audit entry, the targets' actuals not refreshed
        "dossiers.pointer_swapped": lambda: _wrap(indicator_services, "refresh_actuals", before=True, stop=stop),
        # report submission: inside approve_and_submit's transaction, the snapshot composed and saved with the
        # state, submitted_at and approver, the audit entry written, the standing agency's notification created
        "report.before_commit": lambda: _wrap(report_services, "notify", stop=stop),
    }
    points[stop_at]()


def run(job: str, args: dict[str, Any]) -> None:
    from dondoc.accounts.models import User
    from dondoc.indicators import services as indicator_services
    from dondoc.indicators.models import DossierImport
    from dondoc.plans import imports
    from dondoc.plans.models import ImportDraft
    from dondoc.reports import services as report_services
    from dondoc.reports.models import Report

    if job == "confirm_plan":
        imports.confirm(ImportDraft.objects.get(pk=args["draft"]), actor=User.objects.get(pk=args["actor"]))
    elif job == "read_plan":
        imports.read_draft(args["draft"])  # what the queue's worker runs (plans.tasks.read_import)
    elif job == "run_dossier_import":
        imp = DossierImport.objects.select_related("source").get(pk=args["import_id"])
        # what the queue's worker runs (indicators.tasks.import_dossiers), with the mapping the upload queued
        indicator_services.run_import(imp.pk, indicator_services.mapping_for(imp.source, imp.headers))
    elif job == "submit_report":
        report_services.approve_and_submit(Report.objects.get(pk=args["report"]),
                                           actor=User.objects.get(pk=args["actor"]),
                                           today=date.fromisoformat(args["today"]))
    else:
        raise SystemExit(f"unknown job {job}")


def main(spec_path: str) -> None:
    spec = json.loads(Path(spec_path).read_text(encoding="utf-8"))
    if spec.get("on_sigterm") == "exit":
        signal.signal(signal.SIGTERM, lambda signum, frame: sys.exit(128 + signum))
    sys.path.insert(0, str(ROOT))
    os.environ["DJANGO_SETTINGS_MODULE"] = "tests.settings"
    os.environ["DONDOC_QUEUE"] = "immediate"
    from django.conf import settings

    # the parent's test database and folders, not the ones tests.settings would make up
    settings.DATABASES["default"].update(spec["database"])
    settings.MEDIA_ROOT = Path(spec["media_root"])
    settings.DONDOC_DOSSIER_DIR = Path(spec["dossier_dir"])
    settings.EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
    settings.EMAIL_FILE_PATH = spec["email_dir"]
    import django

    django.setup()
    if spec.get("stop_at"):
        install_kill_point(spec["stop_at"], Path(spec["marker"]))
    run(spec["job"], spec.get("args") or {})


if __name__ == "__main__":
    main(sys.argv[1])
