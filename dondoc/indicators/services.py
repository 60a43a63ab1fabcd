"""Writes of the measure stage: dossier imports, targets and their actuals, staffing, QĐ 766 inputs."""

from __future__ import annotations

import csv
import io
import logging
from collections.abc import Iterable
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone

from dondoc.agencies.models import Agency
from dondoc.agencies.naming import guess_level
from dondoc.audit.services import diff, record
from dondoc.plans.models import ReportPeriod, Target
from dondoc.web import uploads

from .dossiers import compute, pipeline, reading, schema
from .dossiers.normalise import AgencyRef, check_mapping
from .dossiers.store import DossierStore
from .metrics import BINDABLE, METRIC_BY_CODE
from .models import CounterStaffing, DossierImport, DossierSource, ServiceIndexInput, TargetActual

log = logging.getLogger(__name__)

EXPORT_KINDS = ("csv", "txt", "xlsx")  # dondoc.web.uploads.KINDS
ERRORS_SHOWN = 200
# The directory's level codes → the export's three administrative levels.
_EXPORT_LEVEL = {"province": "province", "department": "province", "central": "province",
                 "district": "district", "commune": "commune"}


def dossier_store() -> DossierStore:
    return DossierStore(Path(settings.DONDOC_DOSSIER_DIR))


def level_code(agency: Agency) -> str | None:
    """The agency's level in the directory, or what its name says when the directory has none."""
    return agency.level.code if agency.level_id else guess_level(agency.name)


def export_level(agency: Agency) -> str | None:
    code = level_code(agency)
    if code in _EXPORT_LEVEL:
        return _EXPORT_LEVEL[code]
    parent = agency.parent
    return export_level(parent) if parent is not None and parent.pk != agency.pk else None


def agency_lookup() -> dict[str, AgencyRef]:
    """Every spelling the directory knows for each agency (name, short name, aliases, "UBND" spelled out)."""
    lookup: dict[str, AgencyRef] = {}
    agencies = Agency.objects.filter(is_group=False).select_related("level", "parent__level").prefetch_related(
        "aliases")
    for agency in agencies:
        ref = AgencyRef(id=agency.pk, level=export_level(agency))
        spellings = [agency.name, agency.short_name, *(a.text for a in agency.aliases.all())]
        for text in spellings:
            k = schema.vocab_key(text)
            if not k:
                continue
            for variant in {k, k.replace("uy ban nhan dan", "ubnd"), k.replace("ubnd", "uy ban nhan dan")}:
                lookup.setdefault(variant, ref)
    return lookup


# ---------------------------------------------------------------------------------------------- imports

def max_upload_bytes() -> int:
    return int(settings.DONDOC_DOSSIER_MAX_MB * 1024 * 1024)


@transaction.atomic
def start_import(user: Any, upload: UploadedFile, *, source: DossierSource, encoding: str = "",
                 skip_bad_rows: bool = False) -> DossierImport:
    """Keep the uploaded export, read its header row, and queue it when the source's saved mapping fits;
    otherwise the import waits for the officer to map its columns. Raises ValidationError (Vietnamese)."""
    # CSV/TXT must be text, XLSX a workbook; a large province's XLSX may inflate beyond the default zip bound
    checked = uploads.check_upload(upload, kinds=EXPORT_KINDS, max_bytes=max_upload_bytes(),
                                   max_unpacked=max(uploads.MAX_UNPACKED, 20 * (upload.size or 0)))
    name = checked.name
    imp = DossierImport(source=source, original_name=name, size=upload.size, uploaded_by=user,
                        encoding=encoding or source.encoding, skip_bad_rows=skip_bad_rows)
    imp.file.save(name, upload, save=False)
    try:
        imp.headers = reading.read_headers(Path(imp.file.path), encoding=imp.encoding or None)
    except reading.ExportError as exc:
        imp.file.delete(save=False)
        raise ValidationError(str(exc)) from exc
    mapping = mapping_for(source, imp.headers)
    imp.state = DossierImport.State.QUEUED if mapping_problems(imp.headers, mapping) == [] \
        else DossierImport.State.MAPPING
    imp.save()
    record(user, "dossiers.upload", imp, summary=name, changes={"size": upload.size, "source": source.name})
    if imp.state == DossierImport.State.QUEUED:
        _queue(imp, mapping)
    return imp


def mapping_for(source: DossierSource, headers: list[str]) -> dict[str, str]:
    """The source's saved mapping when the file still has its columns, else what the headers suggest."""
    saved = {f: h for f, h in (source.mapping or {}).items() if h}
    if saved and all(h in headers for h in saved.values()):
        return saved
    return schema.suggest_mapping(headers)


def mapping_problems(headers: list[str], mapping: dict[str, str]) -> list[str]:
    try:
        check_mapping(headers, mapping)
    except reading.ExportError as exc:
        return [str(exc)]
    return []


@transaction.atomic
def confirm_mapping(imp: DossierImport, mapping: dict[str, str], *, actor: Any) -> None:
    """Save the officer's column mapping on the source (used for its next exports) and queue the import."""
    mapping = {f: h for f, h in mapping.items() if h and f in schema.FIELD_BY_NAME}
    problems = mapping_problems(imp.headers, mapping)
    if problems:
        raise ValidationError(problems)
    source = DossierSource.objects.select_for_update().get(pk=imp.source_id)
    before = source.mapping
    source.mapping = mapping
    source.save(update_fields=["mapping", "updated_at"])
    record(actor, "dossiers.mapping", source, summary=source.name, changes={"before": before, "after": mapping})
    DossierImport.objects.filter(pk=imp.pk).update(state=DossierImport.State.QUEUED)
    _queue(imp, mapping)


def _queue(imp: DossierImport, mapping: dict[str, str]) -> None:
    from .tasks import import_dossiers  # the task module imports this one

    DossierImport.objects.filter(pk=imp.pk).update(stage="Đang chờ xử lý", updated_at=timezone.now())
    pk = imp.pk
    transaction.on_commit(lambda: import_dossiers(pk, mapping))


def is_stuck(imp: DossierImport) -> bool:
    """Queued or running, and nothing moved for DONDOC_STUCK_JOB_MINUTES: its worker died (killed, restarted)."""
    return (imp.state in {DossierImport.State.QUEUED, DossierImport.State.RUNNING}
            and imp.updated_at < timezone.now() - timedelta(minutes=settings.DONDOC_STUCK_JOB_MINUTES))


@transaction.atomic
def restart_import(imp: DossierImport, *, actor: Any) -> DossierImport:
    """Queue a stuck import again. What a killed run left is harmless: the store swaps a generation in whole or
    not at all, and a merge it did finish is recognised by its tag and not counted twice."""
    imp = DossierImport.objects.select_for_update().select_related("source").get(pk=imp.pk)
    if not is_stuck(imp):
        if imp.finished:
            raise ValidationError("Lần nhập này đã kết thúc; hãy tải tệp lên lại nếu muốn nhập lại.")
        if imp.state == DossierImport.State.MAPPING:
            raise ValidationError("Lần nhập đang chờ ánh xạ cột; hãy ánh xạ cột để tiếp tục.")
        raise ValidationError(f"Lần nhập vẫn đang được xử lý; chỉ chạy lại được khi không có tiến triển trong "
                              f"{settings.DONDOC_STUCK_JOB_MINUTES} phút.")
    mapping = mapping_for(imp.source, imp.headers)
    problems = mapping_problems(imp.headers, mapping)
    state = DossierImport.State.MAPPING if problems else DossierImport.State.QUEUED
    DossierImport.objects.filter(pk=imp.pk).update(state=state, progress=0.0, stage="", updated_at=timezone.now())
    record(actor, "dossiers.restart", imp, summary=imp.original_name,
           changes={"state": [imp.state, state], "stage": imp.stage})
    if not problems:
        _queue(imp, mapping)
    imp.refresh_from_db()
    return imp


_STAGES = {"read": ("Đang đọc tệp", 0.0, 0.35), "check": ("Đang kiểm tra từng dòng", 0.35, 0.6),
           "store": ("Đang ghi dữ liệu", 0.6, 0.9)}


def run_import(import_id: int, mapping: dict[str, str]) -> DossierImport:
    """The job: import the export into the store, keep the row report, then refresh the targets' actuals."""
    imp = DossierImport.objects.select_related("source").get(pk=import_id)
    if imp.state not in {DossierImport.State.QUEUED, DossierImport.State.RUNNING}:
        return imp
    DossierImport.objects.filter(pk=imp.pk).update(state=DossierImport.State.RUNNING, progress=0.0,
                                                   stage=_STAGES["read"][0], updated_at=timezone.now())
    last = [0.0]

    def progress(stage: str, fraction: float) -> None:
        label, start, end = _STAGES[stage]
        value = start + (end - start) * max(0.0, min(1.0, fraction))
        if value - last[0] >= 0.02 or fraction in (0.0, 1.0):
            last[0] = value
            DossierImport.objects.filter(pk=import_id).update(stage=label, progress=round(value, 3),
                                                              updated_at=timezone.now())

    try:
        result = pipeline.import_export(Path(imp.file.path), dossier_store(), mapping, agency_lookup(),
                                        encoding=imp.encoding or None, skip_bad_rows=imp.skip_bad_rows,
                                        progress=progress, tag=f"dossier-import-{imp.pk}")
    except reading.ExportError as exc:
        _finish(imp, DossierImport.State.FAILED, message=str(exc))
        return imp
    except Exception:
        log.exception("dossier import %s failed", import_id)
        _finish(imp, DossierImport.State.FAILED,
                message="Lỗi hệ thống khi nhập tệp; dữ liệu đã có không bị thay đổi. Hãy thử lại hoặc báo quản trị.")
        raise
    errors = result.errors
    shown = errors.head(ERRORS_SHOWN).to_dicts()
    if errors.height:
        buffer = io.StringIO()
        writer = csv.writer(buffer)
        writer.writerow(["Dòng", "Mã hồ sơ", "Lý do"])
        writer.writerows(errors.select("line", "code", "reasons").iter_rows())
        imp.errors_file.save(f"loi-{imp.pk}.csv", ContentFile(("\ufeff" + buffer.getvalue()).encode("utf-8")),
                             save=False)
    imp.total, imp.imported, imp.inserted, imp.updated = result.total, result.imported, result.inserted, result.updated
    imp.error_count, imp.errors, imp.encoding = errors.height, shown, result.encoding or imp.encoding
    if result.rejected:
        _finish(imp, DossierImport.State.REJECTED, message=(
            f"Không nhập: {errors.height:,} trong {result.total:,} dòng có lỗi. Sửa tệp rồi tải lên lại, hoặc chọn "
            "“bỏ qua các dòng lỗi”.").replace(",", "."))
        return imp
    DossierImport.objects.filter(pk=imp.pk).update(stage="Đang cập nhật số liệu chỉ tiêu", progress=0.9,
                                                   updated_at=timezone.now())
    refresh_actuals()
    with transaction.atomic():  # done and audited together, or neither (the job is then restarted)
        _finish(imp, DossierImport.State.DONE, message="")
        record(imp.uploaded_by, "dossiers.import", imp, summary=imp.original_name,
               changes={"total": result.total, "inserted": result.inserted, "updated": result.updated,
                        "errors": errors.height})
    return imp


def _finish(imp: DossierImport, state: str, *, message: str) -> None:
    imp.state, imp.message, imp.progress, imp.finished_at = state, message, 1.0, timezone.now()
    imp.stage = imp.get_state_display()
    imp.save()


# ---------------------------------------------------------------------------------------------- actuals

def window_of(period: ReportPeriod) -> compute.Window | None:
    if period.data_from is None or period.data_to is None:
        return None
    return compute.Window(period.name, period.data_from, period.data_to)


def _descendants(root_ids: Iterable[int]) -> set[int]:
    seen: set[int] = set(root_ids)
    frontier = set(seen)
    while frontier:
        frontier = set(Agency.objects.filter(parent_id__in=frontier).values_list("pk", flat=True)) - seen
        seen |= frontier
    return seen


def scope_of(target: Target) -> list[int] | None:
    """The agencies whose dossiers a target counts: those it is assigned to (a group stands for its
    members), else the plan's issuer and the agencies under it; None: the whole province."""
    assigned = list(target.agencies.all())
    if assigned:
        ids: set[int] = set()
        for agency in assigned:
            if agency.is_group:
                from dondoc.agencies.selectors import members_of

                ids |= set(members_of(agency).values_list("pk", flat=True))
            else:
                ids.add(agency.pk)
        return sorted(ids)
    owner = target.plan.owner
    if owner is None or level_code(owner) in {"province", "central"}:
        return None
    under = _descendants([owner.pk])
    return sorted(Agency.objects.filter(pk__in=under, is_group=False).values_list("pk", flat=True))


def officers_for(year: int) -> dict[int, int]:
    return dict(CounterStaffing.objects.filter(year=year).values_list("agency_id", "officers"))


def refresh_actuals(targets: Iterable[Target] | None = None) -> int:
    """Recompute the actuals of targets bound to an indicator from the dossier store, for every report
    period with a data window (or the target's own period). Hand-entered actuals are never overwritten."""
    store = dossier_store()
    if targets is None:
        targets = Target.objects.exclude(metric="")
    targets = [t for t in targets if t.metric in METRIC_BY_CODE]
    memo: dict[tuple[Any, ...], tuple[dict[str, Any] | None, list[dict[str, Any]]]] = {}
    written = 0
    for target in Target.objects.filter(pk__in=[t.pk for t in targets]).select_related("plan__owner__level",
                                                                                          "period"):
        scope = scope_of(target)
        periods = [target.period] if target.period else list(target.plan.report_periods.all())
        rows: list[TargetActual] = []
        for period in periods:
            window = window_of(period) if period else None
            if window is None:
                continue
            key = (window, tuple(scope) if scope is not None else None, target.level or None)
            if key not in memo:
                officers = officers_for(window.end.year)
                overall = compute.compute(store, [window], by="all", agency_ids=scope, level=target.level or None)
                per_agency = compute.compute(store, [window], by="agency", agency_ids=scope,
                                             level=target.level or None, officers=officers)
                memo[key] = (_overall_with_staff(overall[0] if overall else None, per_agency, window), per_agency)
            overall_row, agency_rows = memo[key]
            for agency_id, row in [(None, overall_row), *((r["agency_id"], r) for r in agency_rows)]:
                value = row.get(target.metric) if row else None
                if value is None:
                    continue
                rows.append(TargetActual(target=target, period=period, agency_id=agency_id,
                                         value=Decimal(str(round(float(value), 4))),
                                         basis=compute.basis(target.metric, row),
                                         source=TargetActual.Source.COMPUTED))
        with transaction.atomic():
            manual = set(target.actuals.filter(source=TargetActual.Source.MANUAL)
                         .values_list("period_id", "agency_id"))
            target.actuals.filter(source=TargetActual.Source.COMPUTED).delete()
            fresh = [r for r in rows if (r.period_id, r.agency_id) not in manual]
            TargetActual.objects.bulk_create(fresh)
            written += len(fresh)
    return written


def _overall_with_staff(overall: dict[str, Any] | None, per_agency: list[dict[str, Any]],
                        window: compute.Window) -> dict[str, Any] | None:
    """Dossiers per officer over a scope: receipts of the agencies that declared staff over their staff."""
    if overall is None:
        return None
    staffed = [r for r in per_agency if r.get("officers")]
    staff = sum(r["officers"] for r in staffed)
    overall = dict(overall)
    overall["officers"] = staff or None
    overall["dossiers_per_officer"] = (sum(r["received"] for r in staffed) / staff * 365 / window.days
                                       if staff else None)
    return overall


@transaction.atomic
def set_actual(target: Target, period: ReportPeriod, agency: Agency | None, value: Decimal | None, *,
               note: str = "", actor: Any) -> TargetActual | None:
    """Enter (or with value None clear) an actual by hand; it takes precedence over a computed one."""
    if period.plan_id != target.plan_id:
        raise ValidationError("Kỳ không thuộc kế hoạch của chỉ tiêu.")
    existing = (TargetActual.objects.select_for_update().filter(target=target, period=period, agency=agency)
                .order_by("pk").first())  # the default ordering joins nullable FKs, which FOR UPDATE refuses
    before = {"value": str(existing.value), "source": existing.source} if existing else None
    if value is None:
        if existing is not None:
            existing.delete()
            record(actor, "target.actual.clear", target, summary=f"{period.name}", changes={"before": before})
        if target.metric:
            transaction.on_commit(lambda: refresh_actuals([target]))
        return None
    actual = existing or TargetActual(target=target, period=period, agency=agency)
    actual.value, actual.note, actual.source, actual.basis = value, note, TargetActual.Source.MANUAL, None
    actual.entered_by = actor if getattr(actor, "is_authenticated", False) else None
    actual.save()
    record(actor, "target.actual", target, summary=f"{period.name}: {value}",
           changes={"before": before, "after": {"value": str(value), "agency": agency.pk if agency else None,
                                                "note": note}})
    return actual


TARGET_FIELDS = ("text", "value", "unit", "comparator", "metric", "level", "period")


@transaction.atomic
def save_target(target: Target, data: dict[str, Any], agencies: list[Agency], *, actor: Any) -> Target:
    """Create or edit a target (from the standing agency's form); an officer's binding sticks on re-import."""
    creating = target.pk is None
    stored = Target.objects.get(pk=target.pk) if not creating else None  # a bound form already changed `target`
    before = {f: _plain(getattr(stored, f)) for f in TARGET_FIELDS} if stored else {}
    before_agencies = sorted(stored.agencies.values_list("pk", flat=True)) if stored else []
    if data.get("metric") and data["metric"] not in {m.code for m in BINDABLE}:
        raise ValidationError("Chỉ số không có trong danh mục.")
    for f in TARGET_FIELDS:
        if f in data:
            setattr(target, f, data[f] if data[f] is not None or f in {"value", "period"} else "")
    if "metric" in data and (creating or before.get("metric") != data["metric"]):
        target.metric_by_officer = True
    if creating:
        target.added_by_hand = True
        target.order = (target.plan.targets.order_by("-order").values_list("order", flat=True).first() or 0) + 1
    target.save()
    target.agencies.set(agencies)
    after = {f: _plain(getattr(target, f)) for f in TARGET_FIELDS}
    record(actor, "target.create" if creating else "target.edit", target, summary=target.text[:200],
           changes=diff({**before, "agencies": before_agencies},
                        {**after, "agencies": sorted(a.pk for a in agencies)}))
    pk = target.pk
    transaction.on_commit(lambda: refresh_actuals(Target.objects.filter(pk=pk)))
    return target


def _plain(value: Any) -> Any:
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, ReportPeriod):
        return value.pk
    if isinstance(value, date):
        return value.isoformat()
    return value


@transaction.atomic
def delete_target(target: Target, *, actor: Any) -> None:
    record(actor, "target.delete", target, summary=target.text[:200],
           changes={"before": {f: _plain(getattr(target, f)) for f in TARGET_FIELDS}})
    target.delete()


@transaction.atomic
def save_staffing(agency: Agency, year: int, officers: int | None, *, actor: Any) -> None:
    existing = CounterStaffing.objects.filter(agency=agency, year=year).first()
    before = existing.officers if existing else None
    if officers is None:
        if existing:
            existing.delete()
    else:
        CounterStaffing.objects.update_or_create(agency=agency, year=year, defaults={"officers": officers})
    if before != officers:
        record(actor, "dossiers.staffing", agency, summary=f"{year}: {officers}",
               changes={"year": year, "before": before, "after": officers})
        transaction.on_commit(lambda: refresh_actuals(Target.objects.filter(metric="dossiers_per_officer")))


@transaction.atomic
def save_index_inputs(agency: Agency, period: ReportPeriod, values: dict[str, Decimal | None], *, actor: Any) -> None:
    """The QĐ 766 criteria inputs the export does not carry, entered for an agency and period."""
    changes: dict[str, Any] = {}
    for code, value in values.items():
        existing = ServiceIndexInput.objects.filter(agency=agency, period=period, code=code).first()
        before = str(existing.value) if existing else None
        if value is None:
            if existing:
                existing.delete()
        else:
            ServiceIndexInput.objects.update_or_create(
                agency=agency, period=period, code=code,
                defaults={"value": value, "entered_by": actor if getattr(actor, "is_authenticated", False) else None})
        after = str(value) if value is not None else None
        if before != after:
            changes[code] = {"before": before, "after": after}
    if changes:
        record(actor, "dossiers.index_inputs", agency, summary=period.name, changes=changes)


@transaction.atomic
def create_source(name: str, *, actor: Any) -> DossierSource:
    name = " ".join(name.split())
    if not name:
        raise ValidationError("Hãy đặt tên nguồn dữ liệu.")
    source, created = DossierSource.objects.get_or_create(name=name)
    if created:
        record(actor, "dossiers.source", source, summary=name)
    return source
