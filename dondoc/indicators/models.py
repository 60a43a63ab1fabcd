"""Targets' actual values, the dossier imports that feed them, counter staffing and the QĐ 766 manual inputs.

The dossiers themselves are not rows here: they live in the Parquet store (dossiers/store.py)."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from dondoc.agencies.models import Agency
from dondoc.plans.models import ReportPeriod, Target


class TargetActual(models.Model):
    """What a target reached in a report period, for one agency or (agency empty) for the target's scope."""

    class Source(models.TextChoices):
        COMPUTED = "computed", "tính từ dữ liệu hồ sơ"
        MANUAL = "manual", "nhập tay"

    target = models.ForeignKey(Target, on_delete=models.CASCADE, related_name="actuals")
    period = models.ForeignKey(ReportPeriod, verbose_name="kỳ", on_delete=models.CASCADE, related_name="+")
    agency = models.ForeignKey(Agency, verbose_name="cơ quan", null=True, blank=True, on_delete=models.CASCADE,
                               related_name="+")
    value = models.DecimalField("giá trị đạt được", max_digits=16, decimal_places=4)
    basis = models.PositiveIntegerField("số hồ sơ làm căn cứ", null=True, blank=True)
    source = models.CharField("nguồn", max_length=10, choices=Source.choices)
    note = models.CharField("ghi chú", max_length=500, blank=True)
    entered_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["target", "period__data_to", "agency__name"]
        verbose_name = "số liệu thực hiện chỉ tiêu"
        verbose_name_plural = "số liệu thực hiện chỉ tiêu"
        constraints = [
            models.UniqueConstraint(fields=["target", "period", "agency"], name="actual_per_agency"),
            models.UniqueConstraint(fields=["target", "period"], condition=models.Q(agency__isnull=True),
                                    name="actual_per_scope"),
        ]


class DossierSource(models.Model):
    """An electronic one-stop system whose exports are imported, with its column mapping saved once."""

    name = models.CharField("tên nguồn", max_length=200, unique=True)
    mapping = models.JSONField("ánh xạ cột", default=dict, blank=True,
                               help_text="Trường của dondoc → tên cột trong tệp xuất.")
    encoding = models.CharField("bảng mã", max_length=20, blank=True, help_text="Để trống: tự nhận dạng.")
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name"]
        verbose_name = "nguồn dữ liệu hồ sơ"
        verbose_name_plural = "nguồn dữ liệu hồ sơ"

    def __str__(self) -> str:
        return self.name


class DossierImport(models.Model):
    class State(models.TextChoices):
        MAPPING = "mapping", "chờ ánh xạ cột"
        QUEUED = "queued", "đang chờ xử lý"
        RUNNING = "running", "đang nhập"
        DONE = "done", "đã nhập"
        REJECTED = "rejected", "không nhập: có dòng lỗi"
        FAILED = "failed", "lỗi"

    source = models.ForeignKey(DossierSource, verbose_name="nguồn", on_delete=models.PROTECT, related_name="imports")
    file = models.FileField("tệp", upload_to="dossiers/imports/%Y/")
    original_name = models.CharField("tên tệp", max_length=255)
    size = models.BigIntegerField("dung lượng", default=0)
    headers = models.JSONField("tiêu đề cột", default=list, blank=True)
    encoding = models.CharField("bảng mã", max_length=20, blank=True)
    skip_bad_rows = models.BooleanField("bỏ qua dòng lỗi", default=False)
    state = models.CharField("trạng thái", max_length=10, choices=State.choices, default=State.QUEUED)
    stage = models.CharField("bước", max_length=100, blank=True)
    progress = models.FloatField("tiến độ", default=0)
    total = models.PositiveIntegerField("số dòng", default=0)
    imported = models.PositiveIntegerField("số dòng đã nhập", default=0)
    inserted = models.PositiveIntegerField("hồ sơ mới", default=0)
    updated = models.PositiveIntegerField("hồ sơ cập nhật", default=0)
    error_count = models.PositiveIntegerField("số dòng lỗi", default=0)
    errors = models.JSONField("dòng lỗi (phần đầu)", default=list, blank=True)
    errors_file = models.FileField("danh sách dòng lỗi", upload_to="dossiers/errors/%Y/", blank=True)
    message = models.TextField("thông báo", blank=True)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    # Moved on by every step of the job: an import queued or running whose time stands still is stuck (its worker
    # died) and may be started again (services.restart_import).
    updated_at = models.DateTimeField("cập nhật lúc", auto_now=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = "lần nhập dữ liệu hồ sơ"
        verbose_name_plural = "lần nhập dữ liệu hồ sơ"

    def __str__(self) -> str:
        return self.original_name

    @property
    def finished(self) -> bool:
        return self.state in {self.State.DONE, self.State.REJECTED, self.State.FAILED}


class CounterStaffing(models.Model):
    """How many officers staff an agency's one-stop counter in a year (for dossiers per officer)."""

    agency = models.ForeignKey(Agency, verbose_name="cơ quan", on_delete=models.CASCADE, related_name="+")
    year = models.PositiveSmallIntegerField("năm")
    officers = models.PositiveSmallIntegerField("số nhân sự trực Bộ phận Một cửa")
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-year", "agency__name"]
        verbose_name = "nhân sự Bộ phận Một cửa"
        verbose_name_plural = "nhân sự Bộ phận Một cửa"
        constraints = [models.UniqueConstraint(fields=["agency", "year"], name="staffing_per_year")]


class ServiceIndexInput(models.Model):
    """A QĐ 766 criterion input the export does not carry, entered by an officer for an agency and period."""

    agency = models.ForeignKey(Agency, verbose_name="cơ quan", on_delete=models.CASCADE, related_name="+")
    period = models.ForeignKey(ReportPeriod, verbose_name="kỳ", on_delete=models.CASCADE, related_name="+")
    code = models.CharField("mã đầu vào", max_length=40)
    value = models.DecimalField("giá trị", max_digits=8, decimal_places=2)
    entered_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "số liệu nhập tay chỉ số 766"
        verbose_name_plural = "số liệu nhập tay chỉ số 766"
        constraints = [models.UniqueConstraint(fields=["agency", "period", "code"], name="index_input_once")]
