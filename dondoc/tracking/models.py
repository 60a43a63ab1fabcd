"""Follow-up records: progress updates with evidence, extensions, notifications, urging letters."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone

from dondoc.plans.models import Milestone, Status, Task


class ProgressUpdate(models.Model):
    """One entry of a task's history: progress by the lead agency, a coordinating agency's contribution,
    a completion request and its approval or refusal, a status change, an urging letter."""

    class Kind(models.TextChoices):
        PROGRESS = "progress", "Cập nhật tiến độ"
        CONTRIBUTION = "contribution", "Đóng góp của cơ quan phối hợp"
        COMPLETION_REQUEST = "completion_request", "Đề nghị xác nhận hoàn thành"
        APPROVAL = "approval", "Lãnh đạo duyệt hoàn thành"
        REFUSAL = "refusal", "Lãnh đạo chưa duyệt hoàn thành"
        URGING = "urging", "Văn bản đôn đốc"
        CONDITION = "condition", "Ghi nhận sự kiện điều kiện"

    task = models.ForeignKey(Task, on_delete=models.CASCADE, related_name="updates")
    milestone = models.ForeignKey(Milestone, null=True, blank=True, on_delete=models.SET_NULL, related_name="updates")
    kind = models.CharField(max_length=24, choices=Kind.choices, default=Kind.PROGRESS)
    author = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    agency = models.ForeignKey("agencies.Agency", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    text = models.TextField("nội dung", blank=True)
    progress = models.PositiveSmallIntegerField("tiến độ (%)", null=True, blank=True)
    status = models.CharField("trạng thái sau cập nhật", max_length=20, choices=Status.choices, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    # the day the update speaks for (its report period's data window is read from it): the day it is recorded,
    # or the day given when progress is entered after the fact (a bulk workbook, the demo's history)
    reported_on = models.DateField("ngày cập nhật", default=timezone.localdate, db_index=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = "cập nhật tiến độ"
        verbose_name_plural = "cập nhật tiến độ"

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.text[:60]}"

    def get_additional_data(self) -> dict[str, int]:
        return {"task": self.task_id}


class Evidence(models.Model):
    """Proof of an update: the output document (kind, number, date, issuer) and/or an attached file."""

    class DocumentKind(models.TextChoices):
        DECISION = "quyet_dinh", "Quyết định"
        PLAN = "ke_hoach", "Kế hoạch"
        REPORT = "bao_cao", "Báo cáo"
        OFFICIAL_LETTER = "cong_van", "Công văn"
        OTHER = "khac", "Văn bản khác"

    update = models.ForeignKey(ProgressUpdate, on_delete=models.CASCADE, related_name="evidence")
    kind = models.CharField("loại văn bản", max_length=16, choices=DocumentKind.choices, blank=True)
    number = models.CharField("số, ký hiệu", max_length=100, blank=True)
    issued_on = models.DateField("ngày ban hành", null=True, blank=True)
    issuer = models.CharField("cơ quan ban hành", max_length=300, blank=True)
    file = models.FileField(upload_to="evidence/%Y/%m/", blank=True)
    original_name = models.CharField(max_length=255, blank=True)
    size = models.PositiveBigIntegerField(default=0)
    sha256 = models.CharField(max_length=64, blank=True)

    class Meta:
        verbose_name = "tài liệu kiểm chứng"
        verbose_name_plural = "tài liệu kiểm chứng"

    def __str__(self) -> str:
        return " ".join(p for p in (self.get_kind_display() if self.kind else "", self.number, self.original_name) if p)

    def get_additional_data(self) -> dict[str, int]:
        return {"task": self.update.task_id}


class Extension(models.Model):
    """A request for a new due date, decided by the standing agency; the old date stays on record."""

    class Decision(models.TextChoices):
        PENDING = "pending", "Chờ duyệt"
        APPROVED = "approved", "Đồng ý"
        REFUSED = "refused", "Không đồng ý"

    task = models.ForeignKey(Task, on_delete=models.CASCADE, related_name="extensions")
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    agency = models.ForeignKey("agencies.Agency", null=True, on_delete=models.PROTECT, related_name="+")
    old_due = models.DateField("hạn cũ", null=True, blank=True)
    new_due = models.DateField("hạn đề nghị")
    reason = models.TextField("lý do")
    decision = models.CharField(max_length=10, choices=Decision.choices, default=Decision.PENDING, db_index=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_note = models.TextField("ý kiến", blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = "đề nghị gia hạn"
        verbose_name_plural = "đề nghị gia hạn"

    def get_additional_data(self) -> dict[str, int]:
        return {"task": self.task_id}


class Notification(models.Model):
    """A message to one person, in the app and by e-mail. `key` makes every reminder go out once."""

    class Kind(models.TextChoices):
        DUE_SOON = "due_soon", "Sắp đến hạn"
        OVERDUE = "overdue", "Quá hạn"
        DIGEST = "digest", "Tổng hợp tuần"
        APPROVAL = "approval", "Chờ duyệt hoàn thành"
        EXTENSION = "extension", "Gia hạn"
        URGING = "urging", "Đôn đốc"
        REPORT = "report", "Báo cáo định kỳ"

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications")
    kind = models.CharField(max_length=12, choices=Kind.choices)
    key = models.CharField(max_length=200)
    task = models.ForeignKey(Task, null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    title = models.CharField(max_length=300)
    body = models.TextField(blank=True)
    url = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    read_at = models.DateTimeField(null=True, blank=True)
    emailed = models.BooleanField(default=False)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [models.UniqueConstraint(fields=["user", "key"], name="notification_once_per_key")]
        verbose_name = "thông báo"
        verbose_name_plural = "thông báo"


class UrgingLetter(models.Model):
    """A công văn đôn đốc to one agency about its late tasks (DOCX in ND 30/2020 format)."""

    agency = models.ForeignKey("agencies.Agency", on_delete=models.PROTECT, related_name="urging_letters")
    number = models.CharField("số, ký hiệu", max_length=100, blank=True)
    issued_on = models.DateField("ngày")
    tasks = models.ManyToManyField(Task, related_name="urging_letters")
    file = models.FileField(upload_to="urging/%Y/")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = "văn bản đôn đốc"
        verbose_name_plural = "văn bản đôn đốc"


class BulkUpload(models.Model):
    """An agency's filled-in progress workbook between upload and confirmation: the changes it would make and
    the rows that cannot be applied, as JSON for the preview page."""

    class Status(models.TextChoices):
        PENDING = "pending", "Chờ xác nhận"
        APPLIED = "applied", "Đã cập nhật"
        DISCARDED = "discarded", "Đã hủy"

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="bulk_uploads")
    agency = models.ForeignKey("agencies.Agency", on_delete=models.PROTECT, related_name="bulk_uploads")
    file = models.FileField(upload_to="bulk/%Y/%m/")
    original_name = models.CharField(max_length=255)
    changes = models.JSONField(default=list, blank=True)
    errors = models.JSONField(default=list, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING, db_index=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = "tệp cập nhật hàng loạt"
        verbose_name_plural = "tệp cập nhật hàng loạt"

    def __str__(self) -> str:
        return self.original_name
