"""Scoring records: PAR-Index frameworks (a criteria tree per year and target level), each agency's assessment
against one with its leaf scores and evidence, and the task-completion grading rule of a year.

A framework is data: it is loaded from `frameworks/*.json` (the source decision named in it), copied to a new
year and edited by the standing agency without code. Only leaves carry a rule and are scored; a parent's maximum
is the sum of its children's.
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.db import models

from dondoc.importer.text import key


class Rule(models.TextChoices):
    MANUAL = "manual", "Tự chấm, có tài liệu kiểm chứng"
    METRIC = "metric", "Theo chỉ số đo (tỷ lệ → điểm)"
    TASKS = "tasks", "Theo tỷ lệ nhiệm vụ hoàn thành đúng hạn"
    SURVEY = "survey", "Theo kết quả điều tra xã hội học (nhập)"


class Framework(models.Model):
    code = models.SlugField("mã bộ chỉ số", max_length=80)
    name = models.CharField("tên bộ chỉ số", max_length=300)
    year = models.PositiveSmallIntegerField("năm đánh giá", db_index=True)
    level = models.CharField("đối tượng (cấp)", max_length=32,
                             help_text="Mã cấp của cơ quan được chấm: province, department, district, commune …")
    source = models.TextField("căn cứ (văn bản ban hành)", blank=True)
    notes = models.TextField("ghi chú", blank=True)
    total_points = models.DecimalField("tổng điểm tối đa", max_digits=7, decimal_places=2, default=Decimal(0))
    survey_points = models.DecimalField("điểm điều tra xã hội học", max_digits=7, decimal_places=2,
                                        default=Decimal(0))
    copied_from = models.ForeignKey("self", verbose_name="sao chép từ", null=True, blank=True,
                                    on_delete=models.SET_NULL, related_name="copies")
    published_at = models.DateTimeField("ngày công bố kết quả", null=True, blank=True)
    published_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                     related_name="+")
    decision = models.CharField("quyết định công bố", max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-year", "level", "name"]
        constraints = [models.UniqueConstraint(fields=["code", "year"], name="framework_code_year_once")]
        verbose_name = "bộ chỉ số CCHC"
        verbose_name_plural = "bộ chỉ số CCHC"

    def __str__(self) -> str:
        return f"{self.name} ({self.year})"

    @property
    def published(self) -> bool:
        return self.published_at is not None


class Criterion(models.Model):
    framework = models.ForeignKey(Framework, on_delete=models.CASCADE, related_name="criteria")
    parent = models.ForeignKey("self", null=True, blank=True, on_delete=models.CASCADE, related_name="children")
    code = models.CharField("mã", max_length=20)
    title = models.TextField("nội dung")
    max_points = models.DecimalField("điểm tối đa", max_digits=7, decimal_places=2)
    order = models.PositiveIntegerField(default=0)
    depth = models.PositiveSmallIntegerField(default=1, help_text="1 lĩnh vực, 2 tiêu chí, 3 tiêu chí thành phần.")
    # leaves only
    rule = models.CharField("cách chấm", max_length=10, choices=Rule.choices, blank=True)
    params = models.JSONField("tham số", default=dict, blank=True,
                              help_text='Chỉ số: {"metric": "on_time_rate", "bands": [{"min": 100, "points": 1}]}'
                                        ' hoặc {"metric": …, "zero_at": 80, "full_at": 100};'
                                        ' nhiệm vụ: {"area": "tthc"}.')
    guide = models.TextField("hướng dẫn chấm", blank=True)
    evidence_hint = models.TextField("tài liệu kiểm chứng", blank=True)
    may_be_na = models.BooleanField("có thể không áp dụng", default=False,
                                    help_text="Ví dụ: cơ quan không có thủ tục hành chính không chấm tiêu chí này.")
    self_assessed = models.BooleanField("cơ quan tự chấm", default=True,
                                        help_text="Bỏ chọn: điểm do Hội đồng thẩm định (hoặc Trung ương) cho.")
    search_key = models.TextField(blank=True, editable=False)

    class Meta:
        ordering = ["framework", "order"]
        constraints = [models.UniqueConstraint(fields=["framework", "code"], name="criterion_code_once")]
        verbose_name = "tiêu chí"
        verbose_name_plural = "tiêu chí"

    def save(self, *args: object, **kwargs: object) -> None:
        self.search_key = key(f"{self.code} {self.title} {self.guide} {self.evidence_hint}")
        super().save(*args, **kwargs)

    def __str__(self) -> str:
        return f"{self.code}. {self.title[:80]}"

    @property
    def is_leaf(self) -> bool:
        return bool(self.rule)


class Assessment(models.Model):
    """One agency's scorecard against one framework: self-assessed, submitted, appraised, published."""

    class Status(models.TextChoices):
        DRAFT = "draft", "Đang tự chấm"
        SUBMITTED = "submitted", "Đã gửi, chờ thẩm định"
        RETURNED = "returned", "Trả lại để bổ sung"
        FINALISED = "finalised", "Đã thẩm định"
        PUBLISHED = "published", "Đã công bố"

    framework = models.ForeignKey(Framework, on_delete=models.PROTECT, related_name="assessments")
    agency = models.ForeignKey("agencies.Agency", on_delete=models.PROTECT, related_name="assessments")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.DRAFT, db_index=True)
    self_total = models.DecimalField("điểm tự chấm", max_digits=7, decimal_places=2, default=Decimal(0))
    final_total = models.DecimalField("điểm thẩm định", max_digits=7, decimal_places=2, default=Decimal(0))
    max_total = models.DecimalField("điểm tối đa áp dụng", max_digits=7, decimal_places=2, default=Decimal(0))
    index = models.DecimalField("chỉ số (%)", max_digits=6, decimal_places=2, default=Decimal(0))
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                     related_name="+")
    submitted_at = models.DateTimeField(null=True, blank=True)
    finalised_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                     related_name="+")
    finalised_at = models.DateTimeField(null=True, blank=True)
    council_note = models.TextField("ý kiến chung của Hội đồng", blank=True)
    version = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["framework", "agency__name"]
        constraints = [models.UniqueConstraint(fields=["framework", "agency"], name="assessment_once_per_agency")]
        verbose_name = "bản chấm điểm"
        verbose_name_plural = "bản chấm điểm"

    def __str__(self) -> str:
        return f"{self.agency} — {self.framework}"

    @property
    def locked_for_agency(self) -> bool:
        return self.status not in (self.Status.DRAFT, self.Status.RETURNED)

    @property
    def locked(self) -> bool:
        return self.status == self.Status.PUBLISHED


class Score(models.Model):
    """One leaf of one assessment: the agency's points and explanation, the council's points and comment."""

    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE, related_name="scores")
    criterion = models.ForeignKey(Criterion, on_delete=models.PROTECT, related_name="scores")
    not_applicable = models.BooleanField("không áp dụng", default=False)
    na_reason = models.CharField("lý do không áp dụng", max_length=300, blank=True)
    computed_points = models.DecimalField("điểm tính từ dữ liệu", max_digits=7, decimal_places=2, null=True,
                                          blank=True)
    computed_detail = models.CharField("cách tính", max_length=400, blank=True)
    self_points = models.DecimalField("điểm tự chấm", max_digits=7, decimal_places=2, null=True, blank=True)
    self_note = models.TextField("giải trình", blank=True)
    appraised_points = models.DecimalField("điểm thẩm định", max_digits=7, decimal_places=2, null=True, blank=True)
    appraisal_comment = models.TextField("ý kiến thẩm định", blank=True)
    evidence = models.ManyToManyField("tracking.Evidence", verbose_name="tài liệu kiểm chứng từ nhiệm vụ",
                                      blank=True, related_name="scores")
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["assessment", "criterion__order"]
        constraints = [models.UniqueConstraint(fields=["assessment", "criterion"], name="score_once_per_leaf")]
        verbose_name = "điểm tiêu chí"
        verbose_name_plural = "điểm tiêu chí"

    def get_additional_data(self) -> dict[str, int]:
        return {"assessment": self.assessment_id}

    @property
    def final_points(self) -> Decimal | None:
        """The council's points once given, else the agency's own."""
        return self.appraised_points if self.appraised_points is not None else self.self_points


class ScoreFile(models.Model):
    """A document uploaded as evidence for one leaf (beside the evidence picked from tasks)."""

    score = models.ForeignKey(Score, on_delete=models.CASCADE, related_name="files")
    file = models.FileField(upload_to="scoring/%Y/")
    original_name = models.CharField(max_length=255)
    size = models.PositiveBigIntegerField(default=0)
    sha256 = models.CharField(max_length=64, blank=True)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = "tệp kiểm chứng"
        verbose_name_plural = "tệp kiểm chứng"

    def __str__(self) -> str:
        return self.original_name


class GradeRule(models.Model):
    """How a year's task completion is graded: weights of each outcome and the grade bands (score ≥ min)."""

    year = models.PositiveSmallIntegerField("năm", unique=True)
    weight_on_time = models.DecimalField("hoàn thành đúng hạn", max_digits=4, decimal_places=2, default=Decimal(1))
    weight_excused = models.DecimalField("hoàn thành trong hạn đã được gia hạn", max_digits=4, decimal_places=2,
                                         default=Decimal(1))
    weight_late = models.DecimalField("hoàn thành quá hạn", max_digits=4, decimal_places=2, default=Decimal("0.5"))
    weight_not_done = models.DecimalField("chưa hoàn thành, đã quá hạn", max_digits=4, decimal_places=2,
                                          default=Decimal(0))
    bands = models.JSONField("các mức xếp loại", default=list,
                             help_text='[{"min": 90, "label": "Hoàn thành xuất sắc nhiệm vụ"}, …], từ cao xuống thấp.')
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-year"]
        verbose_name = "cách xếp loại hoàn thành nhiệm vụ"
        verbose_name_plural = "cách xếp loại hoàn thành nhiệm vụ"

    def __str__(self) -> str:
        return str(self.year)
