"""Import with review: upload → read in the job queue → the officer corrects → confirm → stored.

The draft holds the importer's Plan JSON; every correction is applied to that JSON (and the
normalised fields recomputed from the corrected cell), so what is confirmed is exactly what
the officer saw.
"""

from __future__ import annotations

import hashlib
from datetime import timedelta
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone

from dondoc.accounts import policy
from dondoc.agencies import services as agencies
from dondoc.agencies.models import Agency
from dondoc.agencies.naming import without_locality
from dondoc.audit.services import record
from dondoc.importer import PlanImportError, read_plan
from dondoc.importer.normalise.agencies import split_agencies
from dondoc.importer.normalise.deadline import parse_schedule
from dondoc.importer.text import fold, key
from dondoc.web import uploads

from .models import ImportDraft, Plan
from .services import store_plan

PLAN_KINDS = ("docx", "pdf", "xlsx", "odt", "doc", "html", "txt")  # dondoc.web.uploads.KINDS
EDITABLE_FIELDS = {"number", "content", "output", "lead", "coordinating", "deadline", "funding", "note"}
AGENCY_ACTIONS = {"map", "create", "group"}
# Which importer warnings a corrected cell settles.
_WARNINGS_OF_FIELD = {"deadline": {"deadline_not_understood"}, "lead": {"no_lead", "agency_unrecognised"},
                      "coordinating": {"agency_unrecognised"}, "content": {"no_content", "row_joined_across_page"}}


def max_upload_bytes() -> int:
    return int(settings.DONDOC_IMPORT_MAX_MB * 1024 * 1024)


def file_hash(chunks: Any) -> str:
    digest = hashlib.sha256()
    for chunk in chunks:
        digest.update(chunk)
    return digest.hexdigest()


@transaction.atomic
def start_import(user: Any, upload: UploadedFile, *, year: int | None = None,
                 parent_plan: Plan | None = None) -> ImportDraft:
    """Check and keep the uploaded file, then queue its reading. Raises ValidationError (Vietnamese)."""
    # the import engine reads a plan by its content (legal sites serve HTML pages as .doc): any accepted kind will do
    checked = uploads.check_upload(upload, kinds=PLAN_KINDS, max_bytes=max_upload_bytes(), by_content=True,
                                   digest=True)
    name, digest = checked.name, checked.sha256
    draft = ImportDraft(uploaded_by=user, agency=user.agency, original_name=name, file_hash=digest,
                        size=upload.size, year_hint=year, parent_plan=parent_plan, stage="Đang chờ đọc tệp")
    draft.file.save(name, upload, save=False)
    draft.save()
    record(user, "import.upload", draft, summary=name, changes={"size": upload.size, "sha256": digest})
    from .tasks import read_import  # the job queue's task module imports this one

    transaction.on_commit(lambda: read_import(draft.pk))
    return draft


_BEING_READ = {ImportDraft.Status.QUEUED, ImportDraft.Status.READING}


def _progress(draft: ImportDraft, status: str, progress: int, stage: str) -> bool:
    """Move a draft that is waiting or being read on; False when it no longer is (read by a restarted run,
    discarded): a run overtaken that way stops and never undoes the officer's corrections."""
    return bool(ImportDraft.objects.filter(pk=draft.pk, status__in=_BEING_READ).update(
        status=status, progress=progress, stage=stage, updated_at=timezone.now()))


def is_stuck(draft: ImportDraft) -> bool:
    """Waiting or being read, and nothing moved for DONDOC_STUCK_JOB_MINUTES: its worker died (killed, restarted)."""
    return (draft.status in _BEING_READ
            and draft.updated_at < timezone.now() - timedelta(minutes=settings.DONDOC_STUCK_JOB_MINUTES))


@transaction.atomic
def restart_reading(draft: ImportDraft, *, actor: Any) -> ImportDraft:
    """Queue the reading of a stuck draft again (reading writes nothing but the draft's own fields)."""
    draft = ImportDraft.objects.select_for_update().get(pk=draft.pk)
    if draft.status not in _BEING_READ:
        raise ValidationError("Bản nhập này đã đọc xong, không cần đọc lại.")
    if not is_stuck(draft):
        raise ValidationError(f"Tệp vẫn đang được đọc; chỉ đọc lại được khi không có tiến triển trong "
                              f"{settings.DONDOC_STUCK_JOB_MINUTES} phút.")
    record(actor, "import.restart", draft, summary=draft.original_name,
           changes={"status": draft.status, "stage": draft.stage})
    _progress(draft, ImportDraft.Status.QUEUED, 0, "Đang chờ đọc lại tệp")
    from .tasks import read_import  # the job queue's task module imports this one

    pk = draft.pk
    transaction.on_commit(lambda: read_import(pk))
    draft.refresh_from_db()
    return draft


def read_draft(draft_id: int) -> None:
    """The job: read the file with the import engine and keep its Plan JSON on the draft."""
    draft = ImportDraft.objects.get(pk=draft_id)
    if draft.status not in _BEING_READ:
        return
    if not _progress(draft, ImportDraft.Status.READING, 20, "Đang đọc văn bản"):
        return
    try:
        with draft.file.open("rb") as fh:
            data = fh.read(max_upload_bytes() + 1)
        plan = read_plan(data, filename=draft.original_name, year=draft.year_hint, max_bytes=max_upload_bytes())
    except PlanImportError as exc:
        ImportDraft.objects.filter(pk=draft.pk, status=ImportDraft.Status.READING).update(
            status=ImportDraft.Status.FAILED, progress=100, stage="Không đọc được", error=exc.message)
        return
    if not _progress(draft, ImportDraft.Status.READING, 80, "Đang đối chiếu cơ quan và kế hoạch đã có"):
        return
    plan_json = plan.to_dict()
    replaces = find_same_plan(plan_json, draft.file_hash)
    ImportDraft.objects.filter(pk=draft.pk, status=ImportDraft.Status.READING).update(
        status=ImportDraft.Status.READY, progress=100, stage="Chờ duyệt", plan_json=plan_json, replaces=replaces)


def find_same_plan(plan_json: dict[str, Any], digest: str) -> Plan | None:
    """The stored plan this document already is: same file, or same number from the same issuer."""
    same_file = Plan.objects.filter(file_hash=digest).first()
    if same_file is not None:
        return same_file
    doc = plan_json.get("document") or {}
    number, issuer = (doc.get("number") or "").strip(), key(doc.get("issuer") or "")
    if not number:
        return None
    for plan in Plan.objects.filter(number__iexact=number):
        if not issuer or key(plan.issuer_name) == issuer:
            return plan
    return None


def agency_names(plan_json: dict[str, Any]) -> list[str]:
    """Every agency string the plan names, in order of first appearance."""
    seen: dict[str, None] = {}
    for task in plan_json.get("tasks") or []:
        for name in (task.get("lead_agencies") or []) + (task.get("coordinating_agencies") or []):
            seen.setdefault(name, None)
    return list(seen)


def unknown_agencies(draft: ImportDraft) -> list[str]:
    """Names the directory does not know yet (whatever the officer has chosen for them so far)."""
    return [n for n in agency_names(draft.plan_json or {}) if agencies.find(n) is None]


def _editable(draft: ImportDraft) -> None:
    if draft.status != ImportDraft.Status.READY:
        raise ValidationError("Bản nhập này không còn ở trạng thái chờ duyệt.")


@transaction.atomic
def edit_cell(draft: ImportDraft, index: int, field: str, value: str, *, actor: Any) -> dict[str, Any]:
    """Correct one cell of one task; the normalised fields that come from it are read again."""
    draft = ImportDraft.objects.select_for_update().get(pk=draft.pk)
    _editable(draft)
    if field not in EDITABLE_FIELDS:
        raise ValidationError(f"Không sửa được cột “{field}”.")
    tasks = draft.plan_json.get("tasks") or []
    if not 0 <= index < len(tasks):
        raise ValidationError("Không có nhiệm vụ này trong bản nhập.")
    task = tasks[index]
    old = task.get(field, "")
    value = fold(value)
    if field == "content" and not value:
        raise ValidationError("Nội dung nhiệm vụ không được để trống.")
    task[field] = value
    if field in {"lead", "coordinating"}:
        task["lead_agencies"], task["coordinating_agencies"] = split_agencies(task.get("lead", ""),
                                                                              task.get("coordinating", ""))
    if field == "deadline":
        year = (draft.plan_json.get("document") or {}).get("plan_year")
        task["schedule"] = parse_schedule(value, year).to_dict()
    settled = _WARNINGS_OF_FIELD.get(field, set())
    task["warnings"] = [w for w in task.get("warnings") or [] if w.get("code") not in settled]
    edited = task.setdefault("edited", [])
    if field not in edited:
        edited.append(field)
    draft.save(update_fields=["plan_json", "updated_at"])
    record(actor, "import.edit_cell", draft, summary=f"#{index + 1} {field}", changes={field: [old, value]})
    return task


@transaction.atomic
def choose_agency(draft: ImportDraft, name: str, action: str, *, actor: Any, agency: Agency | None = None) -> None:
    """Decide what an unknown agency string becomes: an existing agency (alias learnt), a new agency, a group."""
    draft = ImportDraft.objects.select_for_update().get(pk=draft.pk)
    _editable(draft)
    if action not in AGENCY_ACTIONS:
        raise ValidationError("Lựa chọn không hợp lệ.")
    if name not in agency_names(draft.plan_json):
        raise ValidationError(f"“{name}” không có trong bản nhập.")
    if action == "map" and agency is None:
        raise ValidationError("Hãy chọn cơ quan có sẵn để ghép.")
    draft.agency_choices[name] = {"action": action, "agency": agency.pk if agency else None}
    draft.save(update_fields=["agency_choices", "updated_at"])
    record(actor, "import.choose_agency", draft, summary=name, changes=draft.agency_choices[name])


class _Resolver:
    """Turns each agency string into an Agency, following the officer's choices, learning aliases."""

    def __init__(self, choices: dict[str, dict[str, Any]], owner: Agency | None, actor: Any) -> None:
        self.choices, self.owner, self.actor = choices, owner, actor
        self.cache: dict[str, Agency] = {}

    def __call__(self, name: str) -> Agency:
        if name not in self.cache:
            self.cache[name] = self._resolve(name)
        return self.cache[name]

    def _resolve(self, name: str) -> Agency:
        choice = self.choices.get(name) or {}
        action = choice.get("action")
        if action == "map":
            agency = Agency.objects.get(pk=choice["agency"])
            agencies.add_alias(agency, name, actor=self.actor, learnt=True)
            return agency
        found = agencies.find(name)
        if found is not None:
            return found
        parent = agencies.parent_for(name, self.owner)
        if action == "group":
            return agencies.create_agency(name, actor=self.actor, is_group=True, parent=parent)
        if action == "create":
            return agencies.create_agency(name, actor=self.actor, is_group=False, parent=parent)
        return agencies.create_agency(name, actor=self.actor, parent=parent)


def owner_of(plan_json: dict[str, Any], draft: ImportDraft, actor: Any) -> Agency | None:
    """The issuing agency: the directory's entry for the issuer, created if new; else the uploader's agency.

    An agency's officer imports its own agency's plans: an issuer the directory does not know yet is
    taken as another spelling of the officer's agency (and learnt); one it knows must be that agency.
    """
    issuer = ((plan_json.get("document") or {}).get("issuer") or "").strip()
    if not issuer:
        return draft.agency
    short = without_locality(issuer)
    found = agencies.find(issuer) or (agencies.find(short) if short else None)
    if policy.is_manager(actor):
        return found or agencies.create_agency(issuer, actor=actor, is_group=False)
    own = actor.agency
    if found is None:
        agencies.add_alias(own, issuer, actor=actor, learnt=True)
        return own
    if found != own:
        raise ValidationError(f"Văn bản do “{found}” ban hành; chỉ cơ quan thường trực được lưu kế hoạch "
                              "của cơ quan khác.")
    return own


@transaction.atomic
def confirm(draft: ImportDraft, *, actor: Any, as_update: bool = True) -> Plan:
    """Store the reviewed plan in one transaction; unknown names left undecided become new agencies."""
    draft = ImportDraft.objects.select_for_update().get(pk=draft.pk)
    _editable(draft)
    replaces = draft.replaces if as_update else None
    if replaces is not None and not policy.can_edit_plan(actor, replaces):
        raise ValidationError("Kế hoạch này đã có và bạn không được cập nhật nó.")
    owner = owner_of(draft.plan_json, draft, actor)
    resolve = _Resolver(draft.agency_choices, owner, actor)
    with draft.file.open("rb") as fh:
        plan = store_plan(draft.plan_json, resolve=resolve, owner=owner, actor=actor, replaces=replaces,
                          parent=draft.parent_plan, source=fh, source_name=draft.original_name,
                          file_hash=draft.file_hash)
    draft.status, draft.result = ImportDraft.Status.CONFIRMED, plan
    draft.save(update_fields=["status", "result", "updated_at"])
    record(actor, "import.confirm", draft, summary=str(plan), changes={"plan": plan.pk, "update": replaces is not None})
    return plan


@transaction.atomic
def discard(draft: ImportDraft, *, actor: Any) -> None:
    draft = ImportDraft.objects.select_for_update().get(pk=draft.pk)
    if draft.status == ImportDraft.Status.CONFIRMED:
        raise ValidationError("Bản nhập đã được lưu, không hủy được.")
    draft.status = ImportDraft.Status.DISCARDED
    draft.save(update_fields=["status", "updated_at"])
    record(actor, "import.discard", draft, summary=draft.original_name)


@transaction.atomic
def import_document(path: Path, *, actor: Any, year: int | None = None) -> tuple[Plan, bool]:
    """Import a file without review (demo data, command line): unknown agencies are created, a plan
    already stored (same file or same number and issuer) is updated. Returns (plan, created)."""
    data = path.read_bytes()
    plan = read_plan(data, filename=path.name, year=year, max_bytes=max_upload_bytes())
    plan_json = plan.to_dict()
    digest = file_hash([data])
    replaces = find_same_plan(plan_json, digest)
    draft = ImportDraft(uploaded_by=actor, agency=getattr(actor, "agency", None), original_name=path.name)
    owner = owner_of(plan_json, draft, actor)
    from django.core.files.base import ContentFile

    stored = store_plan(plan_json, resolve=_Resolver({}, owner, actor), owner=owner, actor=actor, replaces=replaces,
                        source=ContentFile(data), source_name=path.name, file_hash=digest)
    return stored, replaces is None
