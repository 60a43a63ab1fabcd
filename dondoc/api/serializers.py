"""What the API says about each record: read-only, files never (evidence comes as metadata only)."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from dondoc.agencies.models import Agency
from dondoc.plans.models import Milestone, Plan, Task, TaskAgency
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
