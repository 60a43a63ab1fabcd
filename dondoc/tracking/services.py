"""Writes of the follow-up: progress with evidence, contributions, completion approval, extensions,
condition events, recurring periods. Each checks `accounts.policy`, runs in one transaction and is audited
(row changes by django-auditlog, the action itself by `audit.services.record`)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from dondoc.accounts import policy
from dondoc.audit.services import record
from dondoc.plans.models import CLOSED, Milestone, Status, Task
from dondoc.web import uploads

from . import rules
from .models import Evidence, Extension, ProgressUpdate


class ConflictError(ValidationError):
    """Someone else changed the task since the form was opened."""


CONFLICT_MESSAGE = "Nhiệm vụ vừa được người khác cập nhật. Hãy tải lại trang để xem thay đổi rồi nhập lại."


# File kinds accepted as evidence; the upload is checked by its bytes in dondoc.web.uploads (the name alone proves
# nothing).
EVIDENCE_KINDS = ("pdf", "docx", "xlsx", "png", "jpg")


@dataclass
class EvidenceInput:
    kind: str = ""
    number: str = ""
    issued_on: date | None = None
    issuer: str = ""
    file: UploadedFile | None = None

    def is_empty(self) -> bool:
        return not (self.number or self.file or self.issued_on or self.issuer)


def check_evidence_file(upload: UploadedFile) -> str:
    """Size- and type-check an evidence file; returns its SHA-256. Raises ValidationError in Vietnamese."""
    return uploads.check_upload(upload, kinds=EVIDENCE_KINDS, digest=True,
                                max_bytes=int(settings.DONDOC_EVIDENCE_MAX_MB * 1024 * 1024)).sha256


def _save_evidence(update: ProgressUpdate, items: Iterable[EvidenceInput]) -> None:
    items = [item for item in items if not item.is_empty()]
    # every file is checked before any is stored: a refused one leaves nothing behind
    digests = [check_evidence_file(item.file) if item.file is not None else "" for item in items]
    for item, digest in zip(items, digests, strict=True):
        evidence = Evidence(update=update, kind=item.kind, number=item.number.strip(), issued_on=item.issued_on,
                            issuer=item.issuer.strip())
        if item.file is not None:
            evidence.sha256 = digest
            evidence.original_name = Path(item.file.name or "").name[-255:]
            evidence.size = item.file.size or 0
            evidence.file.save(evidence.original_name, item.file, save=False)
        evidence.save()


def _bump_version(task: Task, version: int | None) -> None:
    """Optimistic lock: the update goes through only if the task is still at the version the form showed."""
    query = Task.objects.filter(pk=task.pk)
    if version is not None:
        query = query.filter(version=version)
    if query.update(version=F("version") + 1) == 0:
        raise ConflictError(CONFLICT_MESSAGE)
    task.version = Task.objects.values_list("version", flat=True).get(pk=task.pk)


def _today(today: date | None) -> date:
    return today or timezone.localdate()


@transaction.atomic
def record_progress(task: Task, *, actor: Any, text: str, progress: int, status: str,
                    evidence: Iterable[EvidenceInput] = (), version: int | None = None,
                    today: date | None = None) -> ProgressUpdate:
    """The lead agency reports where the task stands. Marking it done asks the leader's approval
    when the setting requires it (and the author is not the leader)."""
    if not policy.can_update_progress(actor, task):
        raise PermissionDenied("Chỉ cơ quan chủ trì hoặc cơ quan thường trực cập nhật tiến độ nhiệm vụ này.")
    if status not in Status.values or status == Status.AWAITING_APPROVAL:
        raise ValidationError("Trạng thái không hợp lệ.")
    if not 0 <= progress <= 100:
        raise ValidationError("Tiến độ phải từ 0 đến 100%.")
    text = text.strip()
    if status in (Status.PAUSED, Status.CANCELLED) and not text:
        raise ValidationError("Hãy ghi lý do tạm dừng hoặc không thực hiện.")
    _bump_version(task, version)
    today = _today(today)
    # read after the version check (the row is ours now): a task already done or awaiting approval keeps the
    # date its work was completed when it is saved again with more text or evidence
    before = Task.objects.values("status", "completed_on").get(pk=task.pk)
    kind = ProgressUpdate.Kind.PROGRESS
    if status == Status.DONE:
        progress = 100
        if settings.DONDOC_COMPLETION_NEEDS_APPROVAL and not policy.can_approve_completion(actor, task):
            status, kind = Status.AWAITING_APPROVAL, ProgressUpdate.Kind.COMPLETION_REQUEST
        already = before["status"] in (Status.DONE, Status.AWAITING_APPROVAL) and before["completed_on"]
        task.completed_on = before["completed_on"] if already else today
    else:
        task.completed_on = None
        if status == Status.NOT_STARTED and progress > 0:
            status = Status.IN_PROGRESS
    task.status, task.progress = status, progress
    task.status_reason = text if status in (Status.PAUSED, Status.CANCELLED) else ""
    task.save(update_fields=["status", "progress", "completed_on", "status_reason"])
    update = ProgressUpdate.objects.create(task=task, kind=kind, author=actor, agency=actor.agency, text=text,
                                           progress=progress, status=status, reported_on=today)
    _save_evidence(update, evidence)
    record(actor, "task.progress", task, summary=f"{task.get_status_display()} {progress}%",
           changes={"status": status, "progress": progress})
    if kind == ProgressUpdate.Kind.COMPLETION_REQUEST:
        from .notify import notify_leaders_of_completion_request

        notify_leaders_of_completion_request(task, update)
    return update


@transaction.atomic
def add_contribution(task: Task, *, actor: Any, text: str, evidence: Iterable[EvidenceInput] = ()) -> ProgressUpdate:
    """A coordinating agency reports its part; the task's status stays the lead agency's."""
    if not policy.can_contribute(actor, task):
        raise PermissionDenied("Chỉ cơ quan phối hợp của nhiệm vụ được ghi đóng góp.")
    if not text.strip():
        raise ValidationError("Hãy ghi nội dung đóng góp.")
    update = ProgressUpdate.objects.create(task=task, kind=ProgressUpdate.Kind.CONTRIBUTION, author=actor,
                                           agency=actor.agency, text=text.strip())
    _save_evidence(update, evidence)
    record(actor, "task.contribution", task, summary=text[:200])
    return update


@transaction.atomic
def decide_completion(task: Task, *, actor: Any, approve: bool, note: str = "",
                      version: int | None = None) -> ProgressUpdate:
    """The leader confirms (or sends back) a completion request; the completion date is the request's.
    With `version` (the one the leader's page showed), a task changed since then is not decided blind."""
    if not policy.can_approve_completion(actor, task):
        raise PermissionDenied("Chỉ lãnh đạo cơ quan chủ trì duyệt hoàn thành nhiệm vụ.")
    task = Task.objects.select_for_update().get(pk=task.pk)
    if version is not None and task.version != version:
        raise ConflictError(CONFLICT_MESSAGE)
    if task.status != Status.AWAITING_APPROVAL:
        raise ValidationError("Nhiệm vụ không ở trạng thái chờ duyệt hoàn thành.")
    if approve:
        task.status = Status.DONE
    else:
        task.status, task.completed_on = Status.IN_PROGRESS, None
        if not note.strip():
            raise ValidationError("Hãy ghi lý do chưa duyệt để cơ quan biết cần làm gì thêm.")
    task.version += 1
    task.save(update_fields=["status", "completed_on", "version"])
    update = ProgressUpdate.objects.create(
        task=task, kind=ProgressUpdate.Kind.APPROVAL if approve else ProgressUpdate.Kind.REFUSAL, author=actor,
        agency=actor.agency, text=note.strip(), progress=task.progress, status=task.status)
    record(actor, "task.approve" if approve else "task.refuse", task, summary=note[:200])
    return update


@transaction.atomic
def request_extension(task: Task, *, actor: Any, new_due: date, reason: str, today: date | None = None) -> Extension:
    if not policy.can_update_progress(actor, task):
        raise PermissionDenied("Chỉ cơ quan chủ trì đề nghị gia hạn nhiệm vụ này.")
    if task.status in CLOSED:
        raise ValidationError("Nhiệm vụ đã kết thúc, không cần gia hạn.")
    if not reason.strip():
        raise ValidationError("Hãy ghi lý do đề nghị gia hạn.")
    if new_due <= _today(today) or (task.due_date is not None and new_due <= task.due_date):
        raise ValidationError("Hạn mới phải sau hôm nay và sau hạn hiện hành.")
    if task.extensions.filter(decision=Extension.Decision.PENDING).exists():
        raise ValidationError("Nhiệm vụ đã có một đề nghị gia hạn đang chờ duyệt.")
    extension = Extension.objects.create(task=task, requested_by=actor, agency=actor.agency, old_due=task.due_date,
                                         new_due=new_due, reason=reason.strip())
    record(actor, "extension.request", task, summary=f"{task.due_date} → {new_due}", changes={"reason": reason})
    from .notify import notify_standing_of_extension

    notify_standing_of_extension(extension)
    return extension


@transaction.atomic
def decide_extension(extension: Extension, *, actor: Any, approve: bool, note: str = "") -> Extension:
    """Grant or refuse; a grant moves the task's due date and its milestone, the old date stays on the request."""
    if not policy.can_decide_extension(actor):
        raise PermissionDenied("Chỉ cơ quan thường trực duyệt gia hạn.")
    extension = Extension.objects.select_for_update().select_related("task").get(pk=extension.pk)
    if extension.decision != Extension.Decision.PENDING:
        raise ValidationError("Đề nghị gia hạn này đã được quyết định.")
    if not approve and not note.strip():
        raise ValidationError("Hãy ghi lý do không đồng ý gia hạn.")
    extension.decision = Extension.Decision.APPROVED if approve else Extension.Decision.REFUSED
    extension.decided_by, extension.decided_at, extension.decision_note = actor, timezone.now(), note.strip()
    extension.save()
    task = extension.task
    if approve:
        moved = task.milestones.filter(kind=Milestone.Kind.DUE, due_date=extension.old_due).first()
        if moved is not None:
            moved.due_date = extension.new_due
            moved.save(update_fields=["due_date"])
        elif extension.old_due is None:
            Milestone.objects.create(task=task, kind=Milestone.Kind.DUE, due_date=extension.new_due)
        task.due_date = extension.new_due
        task.version += 1
        task.save(update_fields=["due_date", "version"])
    record(actor, "extension.approve" if approve else "extension.refuse", task,
           summary=f"{extension.old_due} → {extension.new_due}", changes={"note": note})
    return extension


@transaction.atomic
def record_condition_event(milestone: Milestone, *, actor: Any, happened_on: date, due: date,
                           note: str = "", version: int | None = None) -> Milestone:
    """A conditional deadline ("khi có hướng dẫn của Bộ") starts: the event's date and the resulting due date."""
    task = milestone.task
    if not policy.can_update_progress(actor, task):
        raise PermissionDenied("Chỉ cơ quan chủ trì hoặc cơ quan thường trực ghi nhận sự kiện này.")
    if milestone.kind != Milestone.Kind.CONDITIONAL:
        raise ValidationError("Mốc này không phụ thuộc điều kiện.")
    if due < happened_on:
        raise ValidationError("Hạn hoàn thành không thể trước ngày có sự kiện.")
    _bump_version(task, version)
    milestone.condition_met_on, milestone.due_date = happened_on, due
    milestone.save(update_fields=["condition_met_on", "due_date"])
    if task.due_date is None or task.due_date < due:
        task.due_date = due
        task.save(update_fields=["due_date"])
    ProgressUpdate.objects.create(task=task, milestone=milestone, kind=ProgressUpdate.Kind.CONDITION, author=actor,
                                  agency=actor.agency, text=note.strip() or f"Sự kiện ngày {happened_on:%d/%m/%Y}")
    record(actor, "task.condition", task, summary=f"{happened_on} → hạn {due}")
    return milestone


@transaction.atomic
def create_occurrences(task: Task, *, actor: Any, year: int) -> int:
    """An officer asks for the periods of a recurring task's plan year (generate_occurrences, checked and audited)."""
    if not policy.can_update_progress(actor, task):
        raise PermissionDenied("Chỉ cơ quan chủ trì hoặc cơ quan thường trực lập các kỳ của nhiệm vụ này.")
    if not 2000 <= year <= 2100:
        raise ValidationError("Năm không hợp lệ.")
    if not task.milestones.filter(kind=Milestone.Kind.RECURRING).exists():
        raise ValidationError("Nhiệm vụ này không có nhịp định kỳ.")
    created = generate_occurrences([Task.objects.get(pk=task.pk)], year)  # its milestones as they are now
    record(actor, "task.occurrences", task, summary=f"{year}: {created} kỳ")
    return created


def generate_occurrences(tasks: Iterable[Task], year: int) -> int:
    """One milestone per reporting period of every recurring rhythm, for a plan year. Idempotent."""
    created = 0
    for task in tasks:
        for template in task.milestones.all():
            if template.kind != Milestone.Kind.RECURRING:
                continue
            for period in rules.periods(template.rhythm, year):
                _, made = Milestone.objects.get_or_create(
                    template=template, label=period.label,
                    defaults={"task": task, "kind": Milestone.Kind.OCCURRENCE, "rhythm": template.rhythm,
                              "due_date": period.due, "period_start": period.start, "period_end": period.end})
                created += made
    return created


@transaction.atomic
def complete_occurrence(milestone: Milestone, *, actor: Any, today: date | None = None,
                        text: str = "", evidence: Iterable[EvidenceInput] = ()) -> Milestone:
    """One period of a recurring task is done (its report sent)."""
    task = milestone.task
    if not policy.can_update_progress(actor, task):
        raise PermissionDenied("Chỉ cơ quan chủ trì cập nhật nhiệm vụ này.")
    if milestone.kind != Milestone.Kind.OCCURRENCE:
        raise ValidationError("Chỉ các kỳ của nhiệm vụ định kỳ được đánh dấu hoàn thành riêng.")
    milestone = Milestone.objects.select_for_update().get(pk=milestone.pk)
    if milestone.status == Status.DONE:
        raise ValidationError(f"Kỳ {milestone.label} đã được đánh dấu hoàn thành.")
    _bump_version(task, None)
    milestone.status, milestone.completed_on = Status.DONE, _today(today)
    milestone.save(update_fields=["status", "completed_on"])
    update = ProgressUpdate.objects.create(task=task, milestone=milestone, kind=ProgressUpdate.Kind.PROGRESS,
                                           author=actor, agency=actor.agency,
                                           text=text.strip() or f"Hoàn thành kỳ {milestone.label}",
                                           progress=task.progress, status=task.status,
                                           reported_on=milestone.completed_on)
    _save_evidence(update, evidence)
    if task.status == Status.NOT_STARTED:
        task.status = Status.IN_PROGRESS
        task.save(update_fields=["status"])
    record(actor, "task.occurrence_done", task, summary=milestone.label)
    return milestone
