"""Writes for plans: store a Plan JSON as records (new or as an update), cascade, link to parent tasks."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from decimal import Decimal
from typing import Any

from django.core.files.base import File
from django.db import transaction
from rapidfuzz import fuzz

from dondoc.agencies.models import Agency
from dondoc.audit.services import record
from dondoc.importer.text import key
from dondoc.indicators.metrics import guess_level as guess_target_level
from dondoc.indicators.metrics import guess_metric

from .models import Milestone, Plan, ReportPeriod, Section, Target, Task, TaskAgency

RAW_TO_MODEL = {"content": "content", "output": "output", "lead": "lead_text", "coordinating": "coordinating_text",
                "deadline": "deadline_text", "funding": "funding", "note": "note"}


def _date(value: str | None) -> date | None:
    return date.fromisoformat(value) if value else None


def _task_key(section_number: str, number: str, content: str) -> tuple[str, str, str]:
    return (section_number, number, key(content)[:200])


@transaction.atomic
def store_plan(data: dict[str, Any], *, resolve: Callable[[str], Agency], owner: Agency | None, actor: Any,
               replaces: Plan | None = None, parent: Plan | None = None, source: File | None = None,
               source_name: str = "", file_hash: str = "") -> Plan:
    """Save a Plan JSON (SCHEMA.md) as records in one transaction.

    `resolve` turns every agency string into an Agency (the review's choices decide how). With
    `replaces`, the plan is updated in place: tasks that match by section, number and content keep
    their identity (and so, later, their progress); the others are added or removed.
    """
    doc = data.get("document") or {}
    fields = {
        "kind": doc.get("kind") or "", "number": doc.get("number") or "", "title": doc.get("title") or source_name,
        "issuer_name": doc.get("issuer") or "", "place": doc.get("place") or "",
        "issued_date": _date(doc.get("issued_date")), "signer": doc.get("signer") or "", "year": doc.get("plan_year"),
        "owner": owner, "warnings": data.get("warnings") or [],
    }
    if replaces is not None:
        plan = replaces
        for k, v in fields.items():
            setattr(plan, k, v)
        if parent is not None:
            plan.parent = parent
    else:
        plan = Plan(**fields, parent=parent, created_by=actor if getattr(actor, "is_authenticated", False) else None)
    if source is not None:
        plan.source_file.save(source_name or "plan", source, save=False)
        plan.source_name = source_name
        plan.file_hash = file_hash
    plan.save()

    _store_targets(plan, data.get("targets") or [])
    _store_periods(plan, data.get("report_periods") or [])

    sections: dict[tuple[str, str], Section] = {}
    old_sections = list(plan.sections.all())
    existing = {_task_key(t.section.number if t.section else "", t.number, t.content): t
                for t in plan.tasks.select_related("section")}
    kept: set[int] = set()
    for order, row in enumerate(data.get("tasks") or []):
        skey = (row.get("section_number") or "", row.get("section_title") or "")
        if skey not in sections:
            sections[skey] = Section.objects.create(plan=plan, number=skey[0], title=skey[1],
                                                    area=row.get("area") or "", order=len(sections))
        task = existing.get(_task_key(skey[0], row.get("number") or "", row.get("content") or ""))
        if task is None or task.pk in kept:
            task = Task(plan=plan)
        _fill_task(task, row, sections[skey], order, resolve)
        kept.add(task.pk)
    plan.tasks.exclude(pk__in=kept).delete()
    Section.objects.filter(pk__in=[s.pk for s in old_sections]).delete()
    record(actor, "plan.update" if replaces is not None else "plan.create", plan,
           summary=str(plan), changes={"tasks": len(kept), "source": source_name})
    return plan


def _store_targets(plan: Plan, rows: list[dict[str, Any]]) -> None:
    """Targets as the document states them. A re-import keeps a target it states again (with its binding,
    assignment and actuals), drops the ones it no longer states unless an officer entered actuals for them,
    and never touches targets added by hand."""
    existing: dict[tuple[str, str, str, str], list[Target]] = {}
    for t in plan.targets.filter(added_by_hand=False):
        existing.setdefault(_target_key(t.text, t.value, t.unit, t.comparator), []).append(t)
    for order, row in enumerate(rows):
        value = Decimal(str(row["value"])) if row.get("value") is not None else None
        unit, comparator = row.get("unit") or "", row.get("comparator") or ">="
        same = existing.get(_target_key(row["text"], value, unit, comparator))
        target = same.pop(0) if same else Target(plan=plan, text=row["text"], value=value, unit=unit,
                                                   comparator=comparator)
        target.order = order
        if not target.metric_by_officer:
            target.metric = guess_metric(target.text) or ""
            target.level = guess_target_level(target.text, float(value) if value is not None else None)
        target.save()
    for stale in (t for ts in existing.values() for t in ts):
        if not stale.actuals.filter(source="manual").exists():
            stale.delete()


def _target_key(text: str, value: Decimal | None, unit: str, comparator: str) -> tuple[str, str, str, str]:
    return (key(text), "" if value is None else f"{value.normalize():f}", unit, comparator)


def _store_periods(plan: Plan, periods: list[dict[str, Any]]) -> None:
    """The plan's report periods as the document states them. A re-import keeps a period by its name (its
    reports stay attached) and keeps a period the document no longer states if reports were written for it."""
    existing = {p.name: p for p in plan.report_periods.all()}
    stated = set()
    for p in periods:
        period = existing.get(p["name"]) or ReportPeriod(plan=plan, name=p["name"])
        period.data_from, period.data_to = _date(p.get("data_from")), _date(p.get("data_to"))
        period.submit_by = _date(p.get("submit_by"))
        period.save()
        stated.add(p["name"])
    plan.report_periods.exclude(name__in=stated).filter(reports__isnull=True).delete()


def _fill_task(task: Task, row: dict[str, Any], section: Section, order: int,
               resolve: Callable[[str], Agency]) -> None:
    same_schedule = task.pk is not None and task.deadline_text == (row.get("deadline") or "")
    for raw, attr in RAW_TO_MODEL.items():
        setattr(task, attr, row.get(raw) or "")
    schedule = row.get("schedule") or {}
    task.section, task.order = section, order
    task.subsection = row.get("subsection") or ""
    task.number = row.get("number") or ""
    task.continuous = bool(schedule.get("continuous"))
    if not same_schedule:  # an unchanged deadline keeps its milestones, occurrences and extended due date
        due_dates = sorted(schedule.get("due_dates") or [])
        task.due_date = _date(due_dates[-1]) if due_dates else None
    task.conditional = bool(schedule.get("conditional"))
    task.source_row = row.get("source_row")
    task.warnings = row.get("warnings") or []
    task.save()
    task.task_agencies.all().delete()
    links: list[TaskAgency] = []
    seen: set[tuple[int, str]] = set()
    for role, names in ((TaskAgency.Role.LEAD, row.get("lead_agencies") or []),
                        (TaskAgency.Role.COORDINATING, row.get("coordinating_agencies") or [])):
        for i, name in enumerate(names):
            agency = resolve(name)
            if (agency.pk, role) in seen:
                continue
            seen.add((agency.pk, role))
            links.append(TaskAgency(task=task, agency=agency, role=role, text=name[:300], order=i))
    TaskAgency.objects.bulk_create(links)
    if not same_schedule:
        task.milestones.all().delete()
        Milestone.objects.bulk_create(milestones_for(task, schedule))


def milestones_for(task: Task, schedule: dict[str, Any]) -> list[Milestone]:
    out = [Milestone(task=task, kind=Milestone.Kind.DUE, due_date=_date(d)) for d in schedule.get("due_dates") or []]
    out += [Milestone(task=task, kind=Milestone.Kind.RECURRING, rhythm=r) for r in schedule.get("recurrence") or []]
    if schedule.get("continuous"):
        out.append(Milestone(task=task, kind=Milestone.Kind.CONTINUOUS))
    if schedule.get("conditional"):
        out.append(Milestone(task=task, kind=Milestone.Kind.CONDITIONAL, condition=task.deadline_text))
    return out


@transaction.atomic
def cascade_plan(parent: Plan, agency: Agency, *, actor: Any, year: int | None = None) -> Plan:
    """An agency's own plan, pre-filled with the parent plan's tasks it leads or coordinates."""
    plan = Plan.objects.create(
        kind="Kế hoạch",
        title=f"Kế hoạch cải cách hành chính năm {year or parent.year or ''} của {agency.name}".strip(),
        issuer_name=agency.name, owner=agency, year=year or parent.year, parent=parent,
        created_by=actor if getattr(actor, "is_authenticated", False) else None)
    tasks = (parent.tasks.filter(task_agencies__agency=agency).distinct()
             .select_related("section").prefetch_related("task_agencies__agency", "milestones"))
    sections: dict[int | None, Section] = {}
    count = 0
    for order, source in enumerate(tasks):
        count += 1
        sec_id = source.section_id
        if sec_id not in sections:
            src = source.section
            sections[sec_id] = Section.objects.create(plan=plan, number=src.number if src else "",
                                                      title=src.title if src else "", area=src.area if src else "",
                                                      order=len(sections))
        task = Task.objects.create(
            plan=plan, section=sections[sec_id], order=order, number=source.number, subsection=source.subsection,
            content=source.content, output=source.output, lead_text=source.lead_text,
            coordinating_text=source.coordinating_text, deadline_text=source.deadline_text, funding=source.funding,
            note=source.note, continuous=source.continuous, conditional=source.conditional, parent_task=source,
            due_date=source.due_date)
        TaskAgency.objects.bulk_create([TaskAgency(task=task, agency_id=ta.agency_id, role=ta.role, text=ta.text,
                                                   order=ta.order) for ta in source.task_agencies.all()])
        Milestone.objects.bulk_create([Milestone(task=task, kind=m.kind, due_date=m.due_date, rhythm=m.rhythm,
                                                 condition=m.condition) for m in source.milestones.all()])
    record(actor, "plan.cascade", plan, summary=f"{plan} ← {parent}", changes={"parent": parent.pk, "tasks": count})
    return plan


def suggest_parent_links(plan: Plan, parent: Plan, *, threshold: float = 60.0) -> list[tuple[Task, Task, float]]:
    """For each task of `plan`, the most similar task of `parent` (text similarity of content), if close enough."""
    candidates = [(t, key(t.content)) for t in parent.tasks.all()]
    out: list[tuple[Task, Task, float]] = []
    for task in plan.tasks.all():
        k = key(task.content)
        best = max(((c, fuzz.token_set_ratio(k, ck)) for c, ck in candidates), key=lambda p: p[1], default=None)
        if best is not None and best[1] >= threshold:
            out.append((task, best[0], round(best[1], 1)))
    return out


@transaction.atomic
def link_parent_tasks(plan: Plan, links: dict[int, int | None], *, actor: Any) -> int:
    """Confirm parent-task links {task id: parent task id or None}; only tasks of `plan` and its parent plan."""
    allowed_parents = set(plan.parent.tasks.values_list("pk", flat=True)) if plan.parent_id else set()
    changed = 0
    for task in plan.tasks.filter(pk__in=links):
        target = links[task.pk]
        if target is not None and target not in allowed_parents:
            continue
        if task.parent_task_id != target:
            task.parent_task_id = target
            task.save(update_fields=["parent_task"])
            changed += 1
    record(actor, "plan.link_parent", plan, summary=str(plan), changes={"links": changed})
    return changed
