"""Reads of scoring: frameworks and their trees, scorecards, the figures a leaf is drafted from, evidence
suggestions, task-completion grades and the rankings."""

from __future__ import annotations

import math
import re
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from django.db.models import Min, Prefetch, Q, QuerySet
from django.utils import timezone

from dondoc.agencies.models import Agency
from dondoc.agencies.selectors import members_of
from dondoc.importer.text import key
from dondoc.indicators.dossiers import compute
from dondoc.indicators.metrics import METRIC_BY_CODE
from dondoc.plans.models import Task, TaskAgency
from dondoc.tracking.models import Evidence, Extension

from . import rules
from .models import Assessment, Criterion, Framework, GradeRule, Score

number = rules.number_text


def metric_name(code: str) -> str:
    metric = METRIC_BY_CODE.get(code)
    return metric.name if metric else code


def metric_unit(code: str) -> str:
    metric = METRIC_BY_CODE.get(code)
    if metric is None:
        return ""
    return "%" if metric.unit == "%" else f" {metric.unit}"


# --- frameworks ---------------------------------------------------------------------------------------------------

def frameworks() -> QuerySet[Framework]:
    return Framework.objects.all()


def is_editable(framework: Framework) -> bool:
    """A framework's criteria are edited until an agency sends its self-assessment against it."""
    return not framework.assessments.exclude(status=Assessment.Status.DRAFT).exists()


def criteria(framework: Framework) -> list[Criterion]:
    return list(framework.criteria.order_by("order"))


def assessment_of(framework: Framework, agency_id: int) -> Assessment | None:
    return Assessment.objects.filter(framework=framework, agency_id=agency_id).first()


def assessments(framework: Framework) -> QuerySet[Assessment]:
    return framework.assessments.select_related("agency").order_by("agency__name")


def frameworks_for_level(level: str) -> QuerySet[Framework]:
    return Framework.objects.filter(level=level)


@dataclass
class ScoreRow:
    """A line of the scorecard: a criterion, with its score when it is a leaf."""

    criterion: Criterion
    score: Score | None
    self_sum: Decimal | None = None  # parents: sums of their leaves
    final_sum: Decimal | None = None
    max_sum: Decimal | None = None


def scorecard(assessment: Assessment) -> list[ScoreRow]:
    """Every criterion in reading order, leaves with their scores, parents with the sums below them (applicable
    leaves only)."""
    scores = {s.criterion_id: s for s in assessment.scores.prefetch_related(
        Prefetch("evidence", queryset=Evidence.objects.select_related("update__task")), "files")}
    rows = [ScoreRow(c, scores.get(c.pk)) for c in criteria(assessment.framework)]
    by_id = {row.criterion.pk: row for row in rows}
    for row in rows:
        score = row.score
        if score is None or score.not_applicable:
            continue
        parent_id = row.criterion.parent_id
        while parent_id is not None:
            parent = by_id[parent_id]
            parent.self_sum = (parent.self_sum or Decimal(0)) + (score.self_points or Decimal(0))
            parent.final_sum = (parent.final_sum or Decimal(0)) + (score.final_points or Decimal(0))
            parent.max_sum = (parent.max_sum or Decimal(0)) + row.criterion.max_points
            parent_id = parent.criterion.parent_id
    return rows


# --- the figures a leaf is drafted from ---------------------------------------------------------------------------

def year_window(year: int, today: date) -> compute.Window:
    end = min(date(year, 12, 31), today)
    return compute.Window(f"Năm {year}", date(year, 1, 1), max(end, date(year, 1, 1)))


def agency_and_units(agency: Agency) -> list[int]:
    from dondoc.indicators.services import _descendants

    return sorted(_descendants([agency.pk]))


def metric_values(agency: Agency, year: int, today: date) -> dict[str, float]:
    """The agency's (and its units') one-stop-shop indicators over the assessed year up to today."""
    from dondoc.indicators.selectors import indicator_table

    rows = indicator_table(year_window(year, today), by="all", agency_ids=agency_and_units(agency))
    if not rows:
        return {}
    return {code: float(value) for code, value in rows[0].items()
            if code in METRIC_BY_CODE and isinstance(value, int | float) and value is not None}


def _outcomes(agency_ids: list[int] | None, year: int, as_of: date) -> dict[int, list[tuple[str, str]]]:
    """(area, outcome) of every task each agency leads in the year's plans."""
    links = TaskAgency.objects.filter(role=TaskAgency.Role.LEAD, task__plan__year=year)
    if agency_ids is not None:
        links = links.filter(agency_id__in=agency_ids)
    rows = list(links.values_list("agency_id", "task_id", "task__status", "task__due_date", "task__completed_on",
                                  "task__section__area"))
    first_due = dict(Extension.objects.filter(decision=Extension.Decision.APPROVED, task__plan__year=year)
                     .values("task_id").annotate(first=Min("old_due")).values_list("task_id", "first"))
    found: dict[int, list[tuple[str, str]]] = defaultdict(list)
    for agency_id, task_id, status, due, completed_on, area in rows:
        found[agency_id].append(
            (area or "", rules.task_outcome(status, first_due.get(task_id), due, completed_on, as_of)))
    return found


def as_of_for(year: int, today: date | None = None) -> date:
    today = today or timezone.localdate()
    return min(today, date(year, 12, 31))


def area_completion(agency: Agency, year: int, today: date) -> dict[str, tuple[int, int]]:
    """Per area ("" for all): (tasks done on time or within an approved extension, tasks graded)."""
    outcomes = _outcomes([agency.pk], year, as_of_for(year, today)).get(agency.pk, [])
    counts: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for area, outcome in outcomes:
        if outcome not in rules.GRADED:
            continue
        good = outcome in (rules.ON_TIME, rules.EXCUSED)
        for bucket in {area, ""}:
            counts[bucket][0] += good
            counts[bucket][1] += 1
    return {area: (pair[0], pair[1]) for area, pair in counts.items()}


# --- evidence: what the agency holds, and what matches a criterion ------------------------------------------------

def agency_tasks(agency: Agency, year: int) -> QuerySet[Task]:
    return Task.objects.filter(plan__year=year, task_agencies__agency=agency).distinct()


def agency_evidence(agency: Agency, year: int) -> QuerySet[Evidence]:
    return Evidence.objects.filter(update__task__in=agency_tasks(agency, year).values("pk")).select_related(
        "update__task")


_STOP = set("cac cua va cho trong tai theo voi ve duoc co la mot nhung nam thuc hien cong tac viec tren so ty le "
            "muc do ket qua".split())


def _terms(text: str) -> Counter[str]:
    """Accent-free words and word pairs of a text (Vietnamese words are often two syllables: "thu tuc")."""
    words = [w for w in re.findall(r"[a-z0-9]+", key(text)) if len(w) > 1]
    terms: Counter[str] = Counter(w for w in words if w not in _STOP and not w.isdigit())
    terms.update(f"{a} {b}" for a, b in zip(words, words[1:], strict=False) if not (a in _STOP and b in _STOP))
    return terms


@dataclass
class Suggestion:
    task: Task
    evidence: list[Evidence]
    score: float
    matched: list[str] = field(default_factory=list)


def suggest_evidence(assessment: Assessment, criterion: Criterion, limit: int = 6) -> list[Suggestion]:
    """The agency's tasks of the year whose content or output best matches the criterion's text (words weighted by
    how rare they are among those tasks), each with its recorded evidence; tasks with evidence first on equal
    match."""
    tasks = list(agency_tasks(assessment.agency, assessment.framework.year)
                 .prefetch_related("updates__evidence"))
    if not tasks:
        return []
    docs = {t.pk: _terms(f"{t.content} {t.output}") for t in tasks}
    frequency: Counter[str] = Counter()
    for terms in docs.values():
        frequency.update(set(terms))
    wanted = _terms(f"{criterion.title} {criterion.evidence_hint}")
    total = len(tasks)
    found: list[Suggestion] = []
    for task in tasks:
        shared = [t for t in wanted if t in docs[task.pk]]
        if not shared:
            continue
        weight = sum(math.log(1 + total / frequency[t]) * (2 if " " in t else 1) for t in shared)
        evidence = [e for update in task.updates.all() for e in update.evidence.all()]
        found.append(Suggestion(task, evidence, weight, sorted(shared, key=len, reverse=True)[:5]))
    found.sort(key=lambda s: (-round(s.score, 6), not s.evidence, s.task.pk))
    return found[:limit]


# --- task-completion grades ---------------------------------------------------------------------------------------

def grade_rule(year: int) -> tuple[rules.Weights, list[dict[str, Any]], GradeRule | None]:
    stored = GradeRule.objects.filter(year=year).first()
    if stored is None:
        return rules.Weights(), list(rules.DEFAULT_BANDS), None
    weights = rules.Weights(stored.weight_on_time, stored.weight_excused, stored.weight_late, stored.weight_not_done)
    return weights, list(stored.bands) or list(rules.DEFAULT_BANDS), stored


def task_grade(agency: Agency, year: int, today: date | None = None) -> rules.Grade:
    weights, bands, _ = grade_rule(year)
    outcomes = _outcomes([agency.pk], year, as_of_for(year, today)).get(agency.pk, [])
    return rules.grade((o for _, o in outcomes), weights, bands)


def ranked_agencies(level: str, group: Agency | None = None) -> QuerySet[Agency]:
    agencies = Agency.objects.filter(is_group=False, level__code=level)
    if group is not None:
        agencies = agencies.filter(pk__in=members_of(group).values("pk"))
    return agencies


@dataclass
class GradeRow:
    agency: Agency
    grade: rules.Grade
    rank: int | None = None
    previous_score: Decimal | None = None
    previous_rank: int | None = None

    @property
    def change(self) -> Decimal | None:
        if self.grade.score is None or self.previous_score is None:
            return None
        return self.grade.score - self.previous_score


def _grades(agencies: list[Agency], year: int, today: date | None) -> dict[int, rules.Grade]:
    weights, bands, _ = grade_rule(year)
    outcomes = _outcomes([a.pk for a in agencies], year, as_of_for(year, today))
    return {a.pk: rules.grade((o for _, o in outcomes.get(a.pk, [])), weights, bands) for a in agencies}


def grade_ranking(year: int, level: str, group: Agency | None = None, today: date | None = None) -> list[GradeRow]:
    """Agencies of a level (in a group) by task-completion score, ties sharing a rank (rules.TIE_RULE), with last
    year's score and rank beside."""
    agencies = list(ranked_agencies(level, group).order_by("name"))
    now = _grades(agencies, year, today)
    before = _grades(agencies, year - 1, today)
    rows = [GradeRow(a, now[a.pk]) for a in agencies]
    _rank(rows, lambda r: r.grade.score)
    previous_ranks = dict(zip([a.pk for a in agencies], rules.competition_ranks(
        [before[a.pk].score for a in agencies]), strict=True))
    for row in rows:
        row.previous_score = before[row.agency.pk].score
        row.previous_rank = previous_ranks[row.agency.pk]
    return _ordered(rows, lambda r: r.grade.score)


# --- index rankings -----------------------------------------------------------------------------------------------

@dataclass
class RankRow:
    agency: Agency
    assessment: Assessment
    index: Decimal
    final_total: Decimal
    max_total: Decimal
    rank: int | None = None
    previous_index: Decimal | None = None
    previous_rank: int | None = None

    @property
    def change(self) -> Decimal | None:
        return None if self.previous_index is None else self.index - self.previous_index


def _rank(rows: list[Any], value: Any) -> None:
    for row, rank in zip(rows, rules.competition_ranks([value(r) for r in rows]), strict=True):
        row.rank = rank


def _ordered(rows: list[Any], value: Any) -> list[Any]:
    """Best first; ties (same rank) by agency name, accent-insensitively; unranked last."""
    return sorted(rows, key=lambda r: (r.rank is None, r.rank or 0, key(r.agency.name)))


def counted(framework: Framework, include_unpublished: bool = False) -> QuerySet[Assessment]:
    states = [Assessment.Status.PUBLISHED]
    if include_unpublished:
        states.append(Assessment.Status.FINALISED)
    return framework.assessments.filter(status__in=states).select_related("agency")


def previous_framework(framework: Framework) -> Framework | None:
    return (Framework.objects.filter(level=framework.level, year=framework.year - 1)
            .exclude(published_at=None).order_by("-published_at").first())


def ranking(framework: Framework, group: Agency | None = None, *, include_unpublished: bool = False
            ) -> list[RankRow]:
    """Agencies by index (published results; the council may preview finalised ones), with last year's."""
    chosen = counted(framework, include_unpublished)
    if group is not None:
        chosen = chosen.filter(agency__in=members_of(group).values("pk"))
    rows = [RankRow(a.agency, a, a.index, a.final_total, a.max_total) for a in chosen]
    _rank(rows, lambda r: r.index)
    previous = previous_framework(framework)
    if previous is not None:
        earlier = list(counted(previous))
        if group is not None:
            members = set(members_of(group).values_list("pk", flat=True))
            earlier = [a for a in earlier if a.agency_id in members]
        ranks = rules.competition_ranks([a.index for a in earlier])
        by_agency = {a.agency_id: (a.index, r) for a, r in zip(earlier, ranks, strict=True)}
        for row in rows:
            row.previous_index, row.previous_rank = by_agency.get(row.agency.pk, (None, None))
    return _ordered(rows, lambda r: r.index)


def groups() -> QuerySet[Agency]:
    return Agency.objects.filter(is_group=True).order_by("name")


def latest_published(level: str | None = None) -> Framework | None:
    found = Framework.objects.exclude(published_at=None)
    if level:
        found = found.filter(level=level)
    return found.order_by("-year", "-published_at").first()


def visible_assessments(user: Any) -> QuerySet[Assessment]:
    from dondoc.accounts import policy

    found = Assessment.objects.select_related("framework", "agency")
    if policy.is_manager(user):
        return found
    if user.agency_id is None:
        return found.none()
    return found.filter(Q(agency_id=user.agency_id))
