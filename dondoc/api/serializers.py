"""What the API says about each record: read-only, files never (evidence comes as metadata only)."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from dondoc.agencies.models import Agency
from dondoc.indicators.metrics import achievement
from dondoc.indicators.models import TargetActual
from dondoc.plans.models import Milestone, Plan, ReportPeriod, Target, Task, TaskAgency
from dondoc.reports.compose import BUCKET_LABELS
from dondoc.reports.models import NARRATIVE_FIELDS, Report
from dondoc.tracking.models import Evidence, ProgressUpdate


class AgencySerializer(serializers.ModelSerializer):
    level = serializers.SlugRelatedField(slug_field="code", read_only=True, allow_null=True)

    class Meta:
        model = Agency
        fields = ["id", "name", "short_name", "level", "parent", "is_group"]


class AgencyRefSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    text = serializers.CharField(help_text="Tên như văn bản ghi.")


class PlanSerializer(serializers.ModelSerializer):
    owner_name = serializers.CharField(source="owner.name", read_only=True, allow_null=True, default=None)
    task_count = serializers.IntegerField(read_only=True)

    class Meta:
        model = Plan
        fields = ["id", "kind", "number", "title", "issuer_name", "owner", "owner_name", "place", "issued_date",
                  "signer", "year", "parent", "source_name", "task_count", "created_at", "updated_at"]


class SectionSerializer(serializers.Serializer):
    number = serializers.CharField()
    title = serializers.CharField()
    area = serializers.CharField()


class TaskSerializer(serializers.ModelSerializer):
    section = SectionSerializer(read_only=True, allow_null=True)
    lead_agencies = serializers.SerializerMethodField()
    coordinating_agencies = serializers.SerializerMethodField()

    class Meta:
        model = Task
        fields = ["id", "plan", "section", "subsection", "number", "order",
                  # the raw cells, as the document printed them
                  "content", "output", "lead_text", "coordinating_text", "deadline_text", "funding", "note",
                  # normalised
                  "continuous", "conditional", "lead_agencies", "coordinating_agencies", "parent_task", "source_row",
                  # where the work stands
                  "status", "progress", "due_date", "completed_on", "status_reason", "version"]

    def _agencies(self, task: Task, role: str) -> list[dict[str, Any]]:
        return [{"id": ta.agency_id, "name": ta.agency.name, "text": ta.text}
                for ta in task.task_agencies.all() if ta.role == role]

    @extend_schema_field(AgencyRefSerializer(many=True))
    def get_lead_agencies(self, task: Task) -> list[dict[str, Any]]:
        return self._agencies(task, TaskAgency.Role.LEAD)

    @extend_schema_field(AgencyRefSerializer(many=True))
    def get_coordinating_agencies(self, task: Task) -> list[dict[str, Any]]:
        return self._agencies(task, TaskAgency.Role.COORDINATING)


class MilestoneSerializer(serializers.ModelSerializer):
    class Meta:
        model = Milestone
        fields = ["id", "task", "kind", "due_date", "rhythm", "condition", "condition_met_on", "template", "label",
                  "period_start", "period_end", "status", "completed_on"]


class EvidenceSerializer(serializers.ModelSerializer):
    has_file = serializers.SerializerMethodField()

    class Meta:
        model = Evidence
        fields = ["id", "kind", "number", "issued_on", "issuer", "has_file", "original_name", "size", "sha256"]

    def get_has_file(self, evidence: Evidence) -> bool:
        return bool(evidence.file)


class ProgressUpdateSerializer(serializers.ModelSerializer):
    author_name = serializers.SerializerMethodField()
    agency_name = serializers.CharField(source="agency.name", read_only=True, allow_null=True, default=None)
    evidence = EvidenceSerializer(many=True, read_only=True)

    class Meta:
        model = ProgressUpdate
        fields = ["id", "task", "milestone", "kind", "author_name", "agency", "agency_name", "text", "progress",
                  "status", "created_at", "evidence"]

    def get_author_name(self, update: ProgressUpdate) -> str:
        return str(update.author) if update.author else ""


# --- periodic reports -------------------------------------------------------------------------------------------
# A submitted report's figures are its snapshot: the composed data (dondoc.reports.compose.ReportData) frozen when
# the leader sent it, read here as the JSON it is stored as.

class CountsSerializer(serializers.Serializer):
    """Tasks per report bucket, where each stood at the report's cut-off."""

    done_on_time = serializers.IntegerField(help_text=BUCKET_LABELS["done_on_time"])
    done_late = serializers.IntegerField(help_text=BUCKET_LABELS["done_late"])
    in_progress = serializers.IntegerField(help_text=BUCKET_LABELS["in_progress"])
    not_started = serializers.IntegerField(help_text=BUCKET_LABELS["not_started"])
    overdue = serializers.IntegerField(help_text=BUCKET_LABELS["overdue"])
    stopped = serializers.IntegerField(help_text=BUCKET_LABELS["stopped"])
    total = serializers.IntegerField(help_text="Tổng số nhiệm vụ.")


class TaskLineSerializer(serializers.Serializer):
    task_id = serializers.IntegerField()
    number = serializers.CharField(help_text="Số thứ tự trong kế hoạch.")
    content = serializers.CharField()
    plan = serializers.CharField(help_text="Số, ký hiệu (hoặc tên) kế hoạch.")
    area = serializers.CharField(help_text="Mã lĩnh vực; rỗng nếu không thuộc lĩnh vực nào.")
    lead = serializers.CharField(help_text="Cơ quan chủ trì.")
    bucket = serializers.CharField(help_text="Nhóm tình trạng tại thời điểm chốt số liệu (như các cột của "
                                             "totals).")
    progress = serializers.IntegerField()
    due_date = serializers.DateField(allow_null=True)
    completed_on = serializers.DateField(allow_null=True)
    evidence = serializers.ListField(child=serializers.CharField(), help_text="Văn bản, tài liệu kiểm chứng.")
    extensions = serializers.ListField(child=serializers.CharField(), help_text="Đề nghị gia hạn trong kỳ.")
    updates = serializers.ListField(child=serializers.CharField(), help_text="Cập nhật tiến độ trong kỳ.")


class AreaCountsSerializer(serializers.Serializer):
    area = serializers.CharField(help_text="Mã lĩnh vực; rỗng: nhiệm vụ khác.")
    name = serializers.CharField()
    counts = CountsSerializer()


class AreaSerializer(AreaCountsSerializer):
    tasks = TaskLineSerializer(many=True)


class AgencyLineSerializer(serializers.Serializer):
    """One agency's row of the province's aggregate: its task counts beside the state of its report."""

    agency_id = serializers.IntegerField()
    name = serializers.CharField()
    counts = CountsSerializer()
    report_id = serializers.IntegerField(allow_null=True)
    report_state = serializers.CharField(help_text="Tình trạng báo cáo của cơ quan; rỗng: chưa lập.")
    report_state_label = serializers.CharField()
    submitted_at = serializers.DateTimeField(allow_null=True)
    late = serializers.BooleanField(help_text="Gửi sau hạn.")


class TargetLineSerializer(serializers.Serializer):
    text = serializers.CharField()
    value = serializers.CharField(allow_null=True)
    unit = serializers.CharField(allow_blank=True)
    comparator = serializers.CharField()
    actual = serializers.CharField(allow_null=True, required=False)


class FiguresSummarySerializer(serializers.Serializer):
    """The figures as sent, without the task lines (the list's view)."""

    scope = serializers.CharField()
    agency_id = serializers.IntegerField(allow_null=True)
    agency_name = serializers.CharField(allow_blank=True)
    period_name = serializers.CharField()
    data_from = serializers.DateField(allow_null=True)
    data_to = serializers.DateField(allow_null=True)
    submit_by = serializers.DateField(allow_null=True)
    as_of = serializers.DateField(help_text="Ngày chốt số liệu.")
    plans = serializers.ListField(child=serializers.CharField(), help_text="Các kế hoạch được tổng hợp.")
    totals = CountsSerializer()
    areas = AreaCountsSerializer(many=True, help_text="Số nhiệm vụ theo lĩnh vực.")
    agencies = AgencyLineSerializer(many=True, help_text="Báo cáo tổng hợp: từng cơ quan chủ trì.")
    targets = TargetLineSerializer(many=True)
    documents = serializers.ListField(child=serializers.CharField(), help_text="Văn bản ban hành trong kỳ.")
    upcoming = serializers.ListField(child=serializers.CharField(), help_text="Nhiệm vụ đến hạn kỳ tới.")
    composed_at = serializers.DateTimeField()


class FiguresSerializer(FiguresSummarySerializer):
    """The figures as sent, each area with its task lines (the detail's view)."""

    areas = AreaSerializer(many=True, help_text="Số nhiệm vụ và từng nhiệm vụ theo lĩnh vực.")


class ReportPeriodSerializer(serializers.ModelSerializer):
    class Meta:
        model = ReportPeriod
        fields = ["id", "name", "data_from", "data_to", "submit_by", "plan"]


class ReportSerializer(serializers.ModelSerializer):
    agency_name = serializers.CharField(source="agency.name", read_only=True)
    period = ReportPeriodSerializer(read_only=True)
    approved_by_name = serializers.SerializerMethodField()
    late = serializers.BooleanField(source="submitted_late", read_only=True, help_text="Gửi sau hạn gửi của kỳ.")
    figures = FiguresSummarySerializer(source="snapshot", read_only=True, allow_null=True,
                                       help_text="Số liệu tại thời điểm gửi (không có danh sách nhiệm vụ; xem chi "
                                                 "tiết báo cáo).")

    class Meta:
        model = Report
        fields = ["id", "scope", "agency", "agency_name", "version", "previous", "period", "number",
                  *NARRATIVE_FIELDS,  # the outline's sections I-V, as the officer wrote them
                  "submitted_at", "approved_by_name", "late", "figures"]

    def get_approved_by_name(self, report: Report) -> str:
        return str(report.approved_by) if report.approved_by else ""


class ReportDetailSerializer(ReportSerializer):
    figures = FiguresSerializer(source="snapshot", read_only=True, allow_null=True,
                                help_text="Số liệu tại thời điểm gửi, kèm từng nhiệm vụ theo lĩnh vực.")


class TargetActualSerializer(serializers.ModelSerializer):
    period_name = serializers.CharField(source="period.name", read_only=True)
    achievement = serializers.SerializerMethodField(help_text="met (đạt), not_met (chưa đạt)")

    class Meta:
        model = TargetActual
        fields = ["period", "period_name", "agency", "value", "basis", "source", "achievement", "updated_at"]

    def get_achievement(self, actual: TargetActual) -> str:
        target = actual.target
        return achievement(target.comparator, float(target.value) if target.value is not None else None,
                           float(actual.value))


class TargetSerializer(serializers.ModelSerializer):
    actuals = TargetActualSerializer(many=True, read_only=True,
                                     help_text="Số liệu thực hiện theo kỳ; agency rỗng: toàn phạm vi chỉ tiêu.")

    class Meta:
        model = Target
        fields = ["id", "plan", "text", "comparator", "value", "unit", "metric", "level", "agencies", "period",
                  "actuals"]
