"""Periodic CCHC reports: an agency's report for one report period (and the province's aggregate), its
narrative sections in the standard outline, its approval and submission, and the letterhead its documents
carry.

A submitted report is locked: its composed figures are frozen in `snapshot` and a correction is a new
version (`previous` points at the one it corrects), so what an agency sent stays on record.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.urls import reverse

from dondoc.plans.models import ReportPeriod

#: the narrative sections an officer writes, in the order of the standard CCHC report outline
NARRATIVE_FIELDS = ("direction", "results", "strengths", "shortcomings", "causes", "next_tasks", "proposals")


class Report(models.Model):
    class Scope(models.TextChoices):
        AGENCY = "agency", "Báo cáo của cơ quan, đơn vị"
        PROVINCE = "province", "Báo cáo tổng hợp"

    class State(models.TextChoices):
        DRAFT = "draft", "Dự thảo"
        AWAITING_APPROVAL = "awaiting_approval", "Chờ lãnh đạo duyệt"
        SUBMITTED = "submitted", "Đã gửi"

    period = models.ForeignKey(ReportPeriod, verbose_name="kỳ báo cáo", on_delete=models.PROTECT,
                               related_name="reports")
    agency = models.ForeignKey("agencies.Agency", verbose_name="cơ quan báo cáo", on_delete=models.PROTECT,
                               related_name="reports")
    scope = models.CharField("loại báo cáo", max_length=10, choices=Scope.choices, default=Scope.AGENCY)
    version = models.PositiveSmallIntegerField("lần", default=1)
    previous = models.OneToOneField("self", verbose_name="sửa đổi báo cáo", null=True, blank=True,
                                    on_delete=models.PROTECT, related_name="correction")
    state = models.CharField("tình trạng", max_length=20, choices=State.choices, default=State.DRAFT, db_index=True)
    number = models.CharField("số, ký hiệu", max_length=100, blank=True)
    # the outline: I. chỉ đạo, điều hành; II. kết quả; III. đánh giá chung; IV. phương hướng; V. đề xuất
    direction = models.TextField("I. Công tác chỉ đạo, điều hành", blank=True)
    results = models.TextField("II. Kết quả thực hiện trên các lĩnh vực (nhận xét)", blank=True)
    strengths = models.TextField("III.1. Ưu điểm", blank=True)
    shortcomings = models.TextField("III.2. Tồn tại, hạn chế", blank=True)
    causes = models.TextField("III.3. Nguyên nhân", blank=True)
    next_tasks = models.TextField("IV. Phương hướng, nhiệm vụ kỳ tới", blank=True)
    proposals = models.TextField("V. Đề xuất, kiến nghị", blank=True)
    snapshot = models.JSONField("số liệu khi gửi", null=True, blank=True,
                                help_text="Số liệu tổng hợp tại thời điểm gửi: báo cáo đã gửi không thay đổi theo dữ "
                                          "liệu về sau.")
    return_note = models.TextField("ý kiến của lãnh đạo khi trả lại", blank=True)
    edit_version = models.PositiveIntegerField(default=0, help_text="Tăng sau mỗi lần lưu: hai người sửa cùng lúc "
                                                                    "không ghi đè nhau.")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    approved_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="người duyệt", null=True, blank=True,
                                    on_delete=models.SET_NULL, related_name="+")
    submitted_at = models.DateTimeField("thời điểm gửi", null=True, blank=True, db_index=True)

    class Meta:
        ordering = ["period", "agency", "-version"]
        constraints = [models.UniqueConstraint(fields=["period", "agency", "version"], name="report_version_once")]
        verbose_name = "báo cáo định kỳ"
        verbose_name_plural = "báo cáo định kỳ"

    def __str__(self) -> str:
        suffix = f" (lần {self.version})" if self.version > 1 else ""
        return f"{self.agency}: báo cáo {self.period.name}{suffix}"

    def get_absolute_url(self) -> str:
        return reverse("report_detail", args=[self.pk])

    @property
    def locked(self) -> bool:
        return self.state == self.State.SUBMITTED

    @property
    def submitted_late(self) -> bool:
        due = self.period.submit_by
        return bool(self.submitted_at and due and self.submitted_at.date() > due)


class Letterhead(models.Model):
    """How an agency heads and signs its documents (ND 30/2020): editable in the app, so a province adjusts its
    letterhead, document symbols and signature block without code. Blank fields fall back to the directory."""

    agency = models.OneToOneField("agencies.Agency", verbose_name="cơ quan", on_delete=models.CASCADE,
                                  related_name="letterhead")
    governing_body = models.CharField("cơ quan chủ quản (dòng trên)", max_length=300, blank=True,
                                      help_text="Ví dụ “UBND TỈNH THANH HÓA”; để trống thì lấy cơ quan cấp trên.")
    issuer_name = models.CharField("tên cơ quan ban hành", max_length=300, blank=True,
                                   help_text="Để trống thì lấy tên trong danh mục cơ quan.")
    report_symbol = models.CharField("ký hiệu báo cáo", max_length=50, blank=True,
                                     help_text="Phần sau dấu “/” của số báo cáo, ví dụ “BC-SNV”.")
    letter_symbol = models.CharField("ký hiệu công văn", max_length=50, blank=True,
                                     help_text="Ví dụ “SNV-CCHC”.")
    place = models.CharField("địa danh", max_length=100, blank=True)
    sign_authority = models.CharField("quyền hạn ký", max_length=100, blank=True,
                                      help_text="Ví dụ “KT. GIÁM ĐỐC” hoặc “TM. ỦY BAN NHÂN DÂN”.")
    sign_title = models.CharField("chức vụ người ký", max_length=100, blank=True,
                                  help_text="Ví dụ “PHÓ GIÁM ĐỐC” hoặc “CHỦ TỊCH”.")
    signer_name = models.CharField("họ tên người ký", max_length=150, blank=True)
    recipients = models.TextField("nơi nhận", blank=True, help_text="Mỗi dòng một nơi nhận, ví dụ “- Sở Nội vụ;”.")
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "mẫu tiêu đề văn bản"
        verbose_name_plural = "mẫu tiêu đề văn bản"

    def __str__(self) -> str:
        return f"Mẫu văn bản: {self.agency}"
