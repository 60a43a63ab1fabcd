"""Read-only JSON API for the provincial reporting information system (token or session authentication).

Who sees what is decided by accounts.policy (visible_task_filter, visible_plan_filter, visible_report_filter);
a record outside it does not exist for the caller (404). Reading is not audited.
"""

from __future__ import annotations

from datetime import datetime, time
from typing import Any

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import viewsets
from rest_framework.exceptions import ValidationError

from dondoc.plans.models import Status
from dondoc.reports.models import Report

from . import selectors
from .pagination import HeavyPages
from .serializers import (
    AgencySerializer,
    MilestoneSerializer,
    PlanSerializer,
    ProgressUpdateSerializer,
    ReportDetailSerializer,
    ReportSerializer,
    TargetSerializer,
    TaskSerializer,
)

PLAN = OpenApiParameter("plan", OpenApiTypes.INT, description="Mã (id) kế hoạch.")
TASK = OpenApiParameter("task", OpenApiTypes.INT, description="Mã (id) nhiệm vụ.")
AGENCY = OpenApiParameter("agency", OpenApiTypes.INT,
                          description="Mã (id) cơ quan: chủ trì hoặc phối hợp (kế hoạch: cơ quan ban hành; "
                                      "cập nhật: cơ quan cập nhật).")
STATUS = OpenApiParameter("status", OpenApiTypes.STR, enum=Status.values, description="Trạng thái.")
YEAR = OpenApiParameter("year", OpenApiTypes.INT, description="Năm kế hoạch.")
SINCE = OpenApiParameter("updated_since", OpenApiTypes.DATETIME,
                         description="Chỉ những bản ghi thay đổi từ thời điểm này (ISO 8601, ngày hoặc ngày giờ).")
PERIOD = OpenApiParameter("period", OpenApiTypes.INT, description="Mã (id) kỳ báo cáo.")
REPORT_PLAN = OpenApiParameter("plan", OpenApiTypes.INT, description="Mã (id) kế hoạch có kỳ báo cáo.")
REPORT_AGENCY = OpenApiParameter("agency", OpenApiTypes.INT,
                                 description="Mã (id) cơ quan báo cáo (báo cáo tổng hợp: cơ quan ban hành kế hoạch).")
REPORT_YEAR = OpenApiParameter("year", OpenApiTypes.INT, description="Năm của kế hoạch có kỳ báo cáo.")
SCOPE = OpenApiParameter("scope", OpenApiTypes.STR, enum=Report.Scope.values,
                         description="Loại báo cáo: agency (của cơ quan, đơn vị) hoặc province (tổng hợp).")
SUBMITTED_SINCE = OpenApiParameter("submitted_since", OpenApiTypes.DATETIME,
                                   description="Chỉ những báo cáo gửi từ thời điểm này (ISO 8601, ngày hoặc ngày giờ).")


def _int(request: Any, name: str) -> int | None:
    raw = request.query_params.get(name, "").strip()
    if not raw:
        return None
    try:
        return int(raw)
    except ValueError as exc:
        raise ValidationError({name: f"“{raw}” không phải là số nguyên."}) from exc


def _status(request: Any) -> str:
    raw = request.query_params.get("status", "").strip()
    if raw and raw not in Status.values:
        allowed = ", ".join(Status.values)
        raise ValidationError({"status": f"Trạng thái “{raw}” không hợp lệ; dùng một trong: {allowed}."})
    return raw


def _scope(request: Any) -> str:
    raw = request.query_params.get("scope", "").strip()
    if raw and raw not in Report.Scope.values:
        allowed = ", ".join(Report.Scope.values)
        raise ValidationError({"scope": f"Loại báo cáo “{raw}” không hợp lệ; dùng một trong: {allowed}."})
    return raw


def _since(request: Any, name: str = "updated_since") -> datetime | None:
    raw = request.query_params.get(name, "").strip()
    if not raw:
        return None
    try:
        moment = parse_datetime(raw)
        if moment is None:
            day = parse_date(raw)
            moment = datetime.combine(day, time.min) if day else None
    except ValueError:
        moment = None
    if moment is None:
        raise ValidationError({name: f"“{raw}” không phải là ngày hoặc ngày giờ ISO 8601."})
    return timezone.make_aware(moment) if timezone.is_naive(moment) else moment


@extend_schema_view(list=extend_schema(summary="Danh sách cơ quan, đơn vị"),
                    retrieve=extend_schema(summary="Một cơ quan, đơn vị"))
class AgencyViewSet(viewsets.ReadOnlyModelViewSet):
    """The agency directory: read by every signed-in user."""

    serializer_class = AgencySerializer

    def get_queryset(self) -> QuerySet[Any]:
        return selectors.agencies()


@extend_schema_view(list=extend_schema(summary="Danh sách kế hoạch", parameters=[YEAR, AGENCY, SINCE]),
                    retrieve=extend_schema(summary="Một kế hoạch"))
class PlanViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = PlanSerializer

    def get_queryset(self) -> QuerySet[Any]:
        if self.action != "list":
            return selectors.plans(self.request.user)
        r = self.request
        return selectors.plans(r.user, year=_int(r, "year"), agency=_int(r, "agency"), updated_since=_since(r))


@extend_schema_view(list=extend_schema(summary="Danh sách nhiệm vụ", parameters=[PLAN, AGENCY, STATUS, YEAR, SINCE]),
                    retrieve=extend_schema(summary="Một nhiệm vụ"))
class TaskViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = TaskSerializer

    def get_queryset(self) -> QuerySet[Any]:
        if self.action != "list":
            return selectors.tasks(self.request.user)
        r = self.request
        return selectors.tasks(r.user, plan=_int(r, "plan"), agency=_int(r, "agency"), status=_status(r),
                               year=_int(r, "year"), updated_since=_since(r))


@extend_schema_view(list=extend_schema(summary="Danh sách mốc thời gian",
                                       parameters=[PLAN, TASK, AGENCY, STATUS, YEAR]),
                    retrieve=extend_schema(summary="Một mốc thời gian"))
class MilestoneViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = MilestoneSerializer

    def get_queryset(self) -> QuerySet[Any]:
        if self.action != "list":
            return selectors.milestones(self.request.user)
        r = self.request
        return selectors.milestones(r.user, plan=_int(r, "plan"), task=_int(r, "task"), agency=_int(r, "agency"),
                                    status=_status(r), year=_int(r, "year"))


@extend_schema_view(list=extend_schema(summary="Danh sách cập nhật tiến độ",
                                       parameters=[PLAN, TASK, AGENCY, STATUS, YEAR, SINCE]),
                    retrieve=extend_schema(summary="Một cập nhật tiến độ"))
class ProgressUpdateViewSet(viewsets.ReadOnlyModelViewSet):
    """Progress updates with their evidence's metadata (kind, number, date, issuer, file name and size; never
    the file)."""

    serializer_class = ProgressUpdateSerializer

    def get_queryset(self) -> QuerySet[Any]:
        if self.action != "list":
            return selectors.progress_updates(self.request.user)
        r = self.request
        return selectors.progress_updates(r.user, plan=_int(r, "plan"), task=_int(r, "task"),
                                          agency=_int(r, "agency"), status=_status(r), year=_int(r, "year"),
                                          updated_since=_since(r))


@extend_schema_view(list=extend_schema(summary="Danh sách báo cáo định kỳ đã gửi",
                                       parameters=[PERIOD, REPORT_PLAN, REPORT_AGENCY, REPORT_YEAR, SCOPE,
                                                   SUBMITTED_SINCE]),
                    retrieve=extend_schema(summary="Một báo cáo định kỳ đã gửi", responses=ReportDetailSerializer))
class ReportViewSet(viewsets.ReadOnlyModelViewSet):
    pagination_class = HeavyPages
    """Periodic reports as sent: every submitted version (a correction names the one it corrects in `previous`),
    never a draft. `figures` are the numbers frozen at submission; the list gives totals, per-area and (for the
    province's aggregate) per-agency counts, the detail adds each task's line."""

    serializer_class = ReportSerializer

    def get_serializer_class(self) -> type[ReportSerializer]:
        return ReportDetailSerializer if self.action == "retrieve" else ReportSerializer

    def get_queryset(self) -> QuerySet[Any]:
        if self.action != "list":
            return selectors.reports(self.request.user)
        r = self.request
        return selectors.reports(r.user, period=_int(r, "period"), plan=_int(r, "plan"), agency=_int(r, "agency"),
                                 year=_int(r, "year"), scope=_scope(r),
                                 submitted_since=_since(r, "submitted_since"))


METRIC = OpenApiParameter("metric", OpenApiTypes.STR,
                          description="Mã chỉ số một cửa gắn với chỉ tiêu (on_time_rate …).")


@extend_schema_view(list=extend_schema(summary="Chỉ tiêu và số liệu thực hiện", parameters=[PLAN, YEAR, METRIC]),
                    retrieve=extend_schema(summary="Một chỉ tiêu"))
class TargetViewSet(viewsets.ReadOnlyModelViewSet):
    pagination_class = HeavyPages
    """The plans' targets with their actuals per report period (scope-wide and per agency)."""

    serializer_class = TargetSerializer

    def get_queryset(self) -> QuerySet[Any]:
        if self.action != "list":
            return selectors.targets(self.request.user)
        r = self.request
        return selectors.targets(r.user, plan=_int(r, "plan"), year=_int(r, "year"),
                                 metric=r.query_params.get("metric", ""))
