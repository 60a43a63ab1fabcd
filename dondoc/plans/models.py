"""The plan lifecycle's records: plans, sections, tasks with their agencies and milestones, targets,
report periods, and the import drafts a plan comes from.

Raw cell texts are kept beside the normalised fields so an officer can always see what the document
said, and a later import of the same document can be compared cell by cell.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.urls import reverse

from dondoc.importer.normalise.area import AREA_NAMES
from dondoc.importer.text import key

AREA_CHOICES = list(AREA_NAMES.items())


class Status(models.TextChoices):
    """Where a task or a milestone stands. Overdue and on-time/late are derived from dates, not stored."""

    NOT_STARTED = "not_started", "Chưa triển khai"
    IN_PROGRESS = "in_progress", "Đang thực hiện"
    AWAITING_APPROVAL = "awaiting_approval", "Chờ lãnh đạo duyệt hoàn thành"
    DONE = "done", "Hoàn thành"
    PAUSED = "paused", "Tạm dừng"
    CANCELLED = "cancelled", "Không thực hiện"


CLOSED = (Status.DONE, Status.CANCELLED)


class Plan(models.Model):
    kind = models.CharField("loại văn bản", max_length=50, blank=True)
    number = models.CharField("số, ký hiệu", max_length=100, blank=True, db_index=True)
    title = models.CharField("tên kế hoạch", max_length=500)
    issuer_name = models.CharField("cơ quan ban hành (như ghi)", max_length=300, blank=True)
    owner = models.ForeignKey("agencies.Agency", verbose_name="cơ quan ban hành", null=True, blank=True,
                              on_delete=models.PROTECT, related_name="plans")
    place = models.CharField("địa danh", max_length=100, blank=True)
    issued_date = models.DateField("ngày ban hành", null=True, blank=True)
    signer = models.CharField("người ký", max_length=150, blank=True)
    year = models.PositiveSmallIntegerField("năm kế hoạch", null=True, blank=True, db_index=True)
    parent = models.ForeignKey("self", verbose_name="kế hoạch cấp trên", null=True, blank=True,
                               on_delete=models.SET_NULL, related_name="children")
    source_file = models.FileField("tệp gốc", upload_to="plans/%Y/", blank=True)
    source_name = models.CharField("tên tệp gốc", max_length=255, blank=True)
    file_hash = models.CharField("mã băm tệp", max_length=64, blank=True, db_index=True)
    warnings = models.JSONField("cảnh báo khi nhập", default=list, blank=True)
    search_key = models.CharField(max_length=900, db_index=True, editable=False)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-year", "-issued_date", "title"]
        verbose_name = "kế hoạch"
        verbose_name_plural = "kế hoạch"

    def save(self, *args: object, **kwargs: object) -> None:
        self.search_key = key(f"{self.number} {self.title} {self.issuer_name}")
        super().save(*args, **kwargs)

    def __str__(self) -> str:
        return f"{self.number} {self.title}".strip()


class Section(models.Model):
    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="sections")
    number = models.CharField("số phần", max_length=20, blank=True)
    title = models.CharField("tiêu đề", max_length=500, blank=True)
    area = models.CharField("lĩnh vực", max_length=32, choices=AREA_CHOICES, blank=True)
    order = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["plan", "order"]
        verbose_name = "phần"
        verbose_name_plural = "các phần"

    def __str__(self) -> str:
        return f"{self.number}. {self.title}" if self.number else self.title


class Task(models.Model):
    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="tasks")
    section = models.ForeignKey(Section, null=True, blank=True, on_delete=models.SET_NULL, related_name="tasks")
    subsection = models.CharField("nhóm", max_length=500, blank=True)
    number = models.CharField("số thứ tự", max_length=20, blank=True)
    order = models.PositiveIntegerField(default=0)
    # raw cell texts, as the document printed them
    content = models.TextField("nội dung")
    output = models.TextField("sản phẩm", blank=True)
    lead_text = models.TextField("cơ quan chủ trì (như ghi)", blank=True)
    coordinating_text = models.TextField("cơ quan phối hợp (như ghi)", blank=True)
    deadline_text = models.TextField("thời gian hoàn thành (như ghi)", blank=True)
    funding = models.TextField("kinh phí", blank=True)
    note = models.TextField("ghi chú", blank=True)
    # normalised
    continuous = models.BooleanField("thường xuyên", default=False)
    conditional = models.BooleanField("theo điều kiện", default=False)
    agencies = models.ManyToManyField("agencies.Agency", through="TaskAgency", related_name="tasks")
    parent_task = models.ForeignKey("self", verbose_name="nhiệm vụ cấp trên", null=True, blank=True,
                                    on_delete=models.SET_NULL, related_name="child_tasks")
    source_row = models.PositiveIntegerField("dòng trong văn bản gốc", null=True, blank=True)
    warnings = models.JSONField("cảnh báo", default=list, blank=True)
    search_key = models.TextField(editable=False, blank=True)
    # tracking: where the work stands (written by dondoc.tracking.services only)
    status = models.CharField("trạng thái", max_length=20, choices=Status.choices, default=Status.NOT_STARTED,
                              db_index=True)
    progress = models.PositiveSmallIntegerField("tiến độ (%)", default=0)
    due_date = models.DateField("hạn hiện hành", null=True, blank=True, db_index=True,
                                help_text="Hạn cứng muộn nhất của nhiệm vụ, sau các lần gia hạn.")
    completed_on = models.DateField("ngày hoàn thành", null=True, blank=True)
    status_reason = models.TextField("lý do (tạm dừng, không thực hiện)", blank=True)
    version = models.PositiveIntegerField(default=0, help_text="Tăng sau mỗi cập nhật: hai người sửa cùng lúc "
                                                                "không ghi đè nhau.")

    class Meta:
        ordering = ["plan", "order"]
        verbose_name = "nhiệm vụ"
        verbose_name_plural = "nhiệm vụ"
        indexes = [models.Index(fields=["plan", "order"])]

    def save(self, *args: object, **kwargs: object) -> None:
        self.search_key = key(f"{self.number} {self.content} {self.output} {self.lead_text}")
        super().save(*args, **kwargs)

    def lead_agency_ids(self) -> set[int]:
        return {ta.agency_id for ta in self.task_agencies.all() if ta.role == TaskAgency.Role.LEAD}

    @property
    def area(self) -> str:
        return self.section.area if self.section else ""

    def __str__(self) -> str:
        return f"{self.number} {self.content[:80]}".strip()


class TaskAgency(models.Model):
    class Role(models.TextChoices):
        LEAD = "lead", "Chủ trì"
        COORDINATING = "coordinating", "Phối hợp"

    task = models.ForeignKey(Task, on_delete=models.CASCADE, related_name="task_agencies")
    agency = models.ForeignKey("agencies.Agency", on_delete=models.PROTECT, related_name="task_roles")
    role = models.CharField(max_length=16, choices=Role.choices)
    text = models.CharField("tên như ghi", max_length=300, blank=True)
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["task", "role", "order"]
        constraints = [models.UniqueConstraint(fields=["task", "agency", "role"], name="task_agency_role_once")]
        indexes = [models.Index(fields=["agency", "role"])]

    def get_additional_data(self) -> dict[str, int]:
        return {"task": self.task_id}


class Milestone(models.Model):
    """One point of a task's schedule: a due date, a recurring rhythm, ongoing work or a condition."""

    class Kind(models.TextChoices):
        DUE = "due", "Hạn hoàn thành"
        RECURRING = "recurring", "Định kỳ"
        OCCURRENCE = "occurrence", "Kỳ thực hiện"
        CONTINUOUS = "continuous", "Thường xuyên"
        CONDITIONAL = "conditional", "Theo điều kiện"

    class Rhythm(models.TextChoices):
        MONTHLY = "monthly", "Hằng tháng"
        QUARTERLY = "quarterly", "Hằng quý"
        SEMIANNUAL = "semiannual", "6 tháng"
        NINE_MONTHS = "nine_months", "9 tháng"
        ANNUAL = "annual", "Hằng năm"
        TWICE_YEARLY = "twice_yearly", "2 lần/năm"

    task = models.ForeignKey(Task, on_delete=models.CASCADE, related_name="milestones")
    kind = models.CharField(max_length=16, choices=Kind.choices)
    due_date = models.DateField("hạn", null=True, blank=True, db_index=True)
    rhythm = models.CharField("nhịp", max_length=16, choices=Rhythm.choices, blank=True)
    condition = models.TextField("điều kiện", blank=True)
    condition_met_on = models.DateField("ngày có sự kiện", null=True, blank=True)
    # an occurrence of a recurring milestone: one reporting period of its rhythm
    template = models.ForeignKey("self", null=True, blank=True, on_delete=models.CASCADE, related_name="occurrences")
    label = models.CharField("kỳ", max_length=50, blank=True)
    period_start = models.DateField("từ ngày", null=True, blank=True)
    period_end = models.DateField("đến ngày", null=True, blank=True)
    status = models.CharField("trạng thái", max_length=20, choices=Status.choices, default=Status.NOT_STARTED)
    completed_on = models.DateField("ngày hoàn thành", null=True, blank=True)

    class Meta:
        ordering = ["task", "due_date", "kind"]
        constraints = [models.UniqueConstraint(fields=["template", "label"], name="one_occurrence_per_period",
                                               condition=models.Q(template__isnull=False))]
        verbose_name = "mốc thời gian"
        verbose_name_plural = "mốc thời gian"

    def get_additional_data(self) -> dict[str, int]:  # the audit trail is shown per task
        return {"task": self.task_id}


class Target(models.Model):
    class Comparator(models.TextChoices):
        AT_LEAST = ">=", "tối thiểu"
        AT_MOST = "<=", "tối đa"
        EXACTLY = "=", "bằng"

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="targets")
    text = models.TextField("chỉ tiêu")
    value = models.DecimalField("giá trị", max_digits=14, decimal_places=4, null=True, blank=True)
    unit = models.CharField("đơn vị", max_length=50, blank=True)
    comparator = models.CharField("so sánh", max_length=2, choices=Comparator.choices, default=Comparator.AT_LEAST)
    order = models.PositiveIntegerField(default=0)
    # What the target is measured by: one of indicators.metrics' bindable codes, guessed from the text on
    # import (metric_by_officer false) or chosen by an officer; blank: actuals are entered by hand.
    metric = models.CharField("chỉ số đo", max_length=40, blank=True)
    metric_by_officer = models.BooleanField("cán bộ đã chọn chỉ số", default=False)
    level = models.CharField("áp dụng cho cấp", max_length=20, blank=True,
                             help_text="Để trống: mọi cấp. Ví dụ chỉ tiêu số hóa kết quả 30% cấp tỉnh, 20% cấp huyện.")
    agencies = models.ManyToManyField("agencies.Agency", verbose_name="giao cho cơ quan", blank=True,
                                      related_name="targets")
    period = models.ForeignKey("ReportPeriod", verbose_name="kỳ đánh giá", null=True, blank=True,
                               on_delete=models.SET_NULL, related_name="+",
                               help_text="Để trống: theo dõi ở mọi kỳ báo cáo của kế hoạch.")
    added_by_hand = models.BooleanField("thêm thủ công", default=False)
    search_key = models.CharField(max_length=900, blank=True, editable=False)

    class Meta:
        ordering = ["plan", "order"]
        verbose_name = "chỉ tiêu"
        verbose_name_plural = "chỉ tiêu"

    def save(self, *args: object, **kwargs: object) -> None:
        self.search_key = key(self.text)[:900]
        super().save(*args, **kwargs)

    def __str__(self) -> str:
        return self.text[:100]


class ReportPeriod(models.Model):
    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="report_periods")
    name = models.CharField("kỳ báo cáo", max_length=100)
    data_from = models.DateField("số liệu từ ngày", null=True, blank=True)
    data_to = models.DateField("số liệu đến ngày", null=True, blank=True)
    submit_by = models.DateField("hạn gửi", null=True, blank=True)

    class Meta:
        ordering = ["plan", "submit_by", "name"]
        verbose_name = "kỳ báo cáo"
        verbose_name_plural = "kỳ báo cáo"

    def __str__(self) -> str:
        return self.name


class ImportDraft(models.Model):
    """An uploaded plan document between parsing and the officer's confirmation."""

    class Status(models.TextChoices):
        QUEUED = "queued", "Đang chờ đọc"
        READING = "reading", "Đang đọc"
        READY = "ready", "Chờ duyệt"
        FAILED = "failed", "Không đọc được"
        CONFIRMED = "confirmed", "Đã lưu"
        DISCARDED = "discarded", "Đã hủy"

    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="import_drafts")
    agency = models.ForeignKey("agencies.Agency", null=True, blank=True, on_delete=models.PROTECT,
                               related_name="import_drafts", help_text="Cơ quan của người nhập (ai được xem bản nháp).")
    file = models.FileField(upload_to="imports/%Y/%m/")
    original_name = models.CharField(max_length=255)
    file_hash = models.CharField(max_length=64, db_index=True)
    size = models.PositiveBigIntegerField(default=0)
    year_hint = models.PositiveSmallIntegerField(null=True, blank=True)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.QUEUED)
    progress = models.PositiveSmallIntegerField(default=0)
    stage = models.CharField(max_length=200, blank=True)
    error = models.TextField(blank=True)
    plan_json = models.JSONField(null=True, blank=True)
    agency_choices = models.JSONField(default=dict, blank=True,
                                      help_text="Cách viết → {action: map|create|group, agency: id}.")
    parent_plan = models.ForeignKey(Plan, null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
                                    verbose_name="kế hoạch cấp trên")
    replaces = models.ForeignKey(Plan, null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
                                 verbose_name="cập nhật kế hoạch")
    result = models.ForeignKey(Plan, null=True, blank=True, on_delete=models.SET_NULL, related_name="drafts")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = "bản nhập chờ duyệt"
        verbose_name_plural = "bản nhập chờ duyệt"

    def __str__(self) -> str:
        return self.original_name

    def get_review_url(self) -> str:
        return reverse("import_review", args=[self.pk])

