from django.contrib import admin

from .models import ImportDraft, Milestone, Plan, ReportPeriod, Section, Target, Task, TaskAgency


class SectionInline(admin.TabularInline):
    model = Section
    extra = 0


class TargetInline(admin.TabularInline):
    model = Target
    extra = 0


class PeriodInline(admin.TabularInline):
    model = ReportPeriod
    extra = 0


@admin.register(Plan)
class PlanAdmin(admin.ModelAdmin):
    list_display = ("number", "title", "owner", "year", "issued_date")
    list_filter = ("year", "owner__level")
    search_fields = ("number", "title", "search_key")
    autocomplete_fields = ("owner", "parent")
    readonly_fields = ("source_file",)  # files enter only through the import, which checks them (dondoc.web.uploads)
    inlines = [SectionInline, TargetInline, PeriodInline]


class TaskAgencyInline(admin.TabularInline):
    model = TaskAgency
    extra = 0
    autocomplete_fields = ("agency",)


class MilestoneInline(admin.TabularInline):
    model = Milestone
    extra = 0


@admin.register(Task)
class TaskAdmin(admin.ModelAdmin):
    list_display = ("plan", "number", "content", "lead_text", "deadline_text")
    list_filter = ("plan__year", "section__area")
    search_fields = ("content", "search_key")
    raw_id_fields = ("plan", "section", "parent_task")
    inlines = [TaskAgencyInline, MilestoneInline]


@admin.register(ImportDraft)
class ImportDraftAdmin(admin.ModelAdmin):
    list_display = ("original_name", "uploaded_by", "agency", "status", "created_at")
    list_filter = ("status",)
    readonly_fields = ("file", "file_hash", "plan_json", "agency_choices")
