"""Reads of the measure stage: targets with their achievement, trends, indicator tables, the QĐ 766 index."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.core.cache import cache
from django.db.models import QuerySet

from dondoc.agencies.models import Agency
from dondoc.importer.text import key
from dondoc.plans.models import Plan, ReportPeriod, Target

from . import service_index
from .dossiers import compute
from .metrics import ACHIEVEMENT_LABELS, NO_DATA, achievement
from .models import DossierImport, ServiceIndexInput, TargetActual
from .services import dossier_store, officers_for, scope_of, window_of

INDICATOR_CACHE_SECONDS = 3600


@dataclass
class PeriodActual:
    period: ReportPeriod
    actual: TargetActual | None
    state: str

    @property
    def label(self) -> str:
        return ACHIEVEMENT_LABELS[self.state]


@dataclass
class TargetRow:
    target: Target
    latest: PeriodActual | None
    periods: list[PeriodActual] = field(default_factory=list)

    @property
    def state(self) -> str:
        return self.latest.state if self.latest else NO_DATA


def _goal(target: Target) -> float | None:
    return float(target.value) if target.value is not None else None


def _periods(target: Target, periods_by_plan: dict[int, list[ReportPeriod]]) -> list[ReportPeriod]:
    if target.period_id:
        return [p for p in periods_by_plan.get(target.plan_id, []) if p.pk == target.period_id]
    return periods_by_plan.get(target.plan_id, [])


def target_rows(targets: QuerySet[Target]) -> list[TargetRow]:
    """Each target with its scope-wide actual per period and the latest period that has one."""
    targets = list(targets.select_related("plan", "period"))
    plan_ids = {t.plan_id for t in targets}
    periods_by_plan: dict[int, list[ReportPeriod]] = {}
    for p in ReportPeriod.objects.filter(plan_id__in=plan_ids).order_by("data_to", "submit_by", "name"):
        periods_by_plan.setdefault(p.plan_id, []).append(p)
    actuals = {(a.target_id, a.period_id): a for a in
               TargetActual.objects.filter(target__in=targets, agency__isnull=True)}
    rows = []
    for t in targets:
        per = [PeriodActual(p, actuals.get((t.pk, p.pk)),
                            achievement(t.comparator, _goal(t), _value(actuals.get((t.pk, p.pk)))))
               for p in _periods(t, periods_by_plan)]
        with_data = [p for p in per if p.actual is not None]
        rows.append(TargetRow(t, with_data[-1] if with_data else None, per))
    return rows


def _value(actual: TargetActual | None) -> float | None:
    return float(actual.value) if actual is not None else None


def search_targets(*, q: str = "", plan: Plan | None = None, metric: str = "", year: int | None = None
                   ) -> QuerySet[Target]:
    qs = Target.objects.all()
    if plan is not None:
        qs = qs.filter(plan=plan)
    if year:
        qs = qs.filter(plan__year=year)
    if metric == "bound":
        qs = qs.exclude(metric="")
    elif metric == "unbound":
        qs = qs.filter(metric="")
    elif metric:
        qs = qs.filter(metric=metric)
    for word in key(q).split():
        qs = qs.filter(search_key__contains=word)
    return qs.order_by("-plan__year", "plan__title", "order")


@dataclass
class AgencyActual:
    agency: Agency
    actual: TargetActual
    state: str


def agency_breakdown(target: Target, period: ReportPeriod) -> list[AgencyActual]:
    """Per-agency actuals of a target in one period, worst first (the ones to urge)."""
    rows = [AgencyActual(a.agency, a, achievement(target.comparator, _goal(target), float(a.value)))
            for a in TargetActual.objects.filter(target=target, period=period, agency__isnull=False)
            .select_related("agency")]
    reverse = target.comparator == "<="
    return sorted(rows, key=lambda r: (float(r.actual.value) * (-1 if reverse else 1), r.agency.name))


def trend(row: TargetRow) -> dict[str, Any]:
    """Chart data of a target's row: its goal line and scope-wide actual per period (None where no data)."""
    target = row.target
    return {
        "labels": [p.period.name for p in row.periods],
        "actual": [float(p.actual.value) if p.actual else None for p in row.periods],
        "goal": [_goal(target)] * len(row.periods),
        "unit": target.unit,
        "comparator": target.comparator,
    }


def indicator_table(window: compute.Window, *, by: str = "agency", agency_ids: list[int] | None = None,
                    level: str | None = None) -> list[dict[str, Any]]:
    """All indicators per group for one window, cached until the next import changes the store."""
    store = dossier_store()
    ids_key = ",".join(map(str, agency_ids)) if agency_ids is not None else "*"
    parts = f"{store.version()}|{window.name}|{window.start}|{window.end}|{by}|{ids_key}|{level}"
    cache_key = "dondoc:ind:" + hashlib.sha1(parts.encode("utf-8")).hexdigest()
    rows = cache.get(cache_key)
    if rows is None:
        officers = officers_for(window.end.year)
        rows = compute.compute(store, [window], by=by, agency_ids=agency_ids, level=level, officers=officers)
        cache.set(cache_key, rows, INDICATOR_CACHE_SECONDS)
    return rows


def agencies_by_id(ids: set[int]) -> dict[int, Agency]:
    return Agency.objects.in_bulk(ids)


def store_summary() -> dict[str, Any]:
    store = dossier_store()
    return {"count": store.count(), "version": store.version(),
            "last": DossierImport.objects.filter(state=DossierImport.State.DONE).first()}


def imports(limit: int = 50) -> QuerySet[DossierImport]:
    return DossierImport.objects.select_related("source", "uploaded_by")[:limit]


def index_for(agency: Agency, period: ReportPeriod) -> service_index.IndexScore | None:
    """QĐ 766 score of one agency in one period: computed criteria from its dossiers, manual ones from inputs."""
    window = window_of(period)
    if window is None:
        return None
    rows = indicator_table(window, by="agency", agency_ids=[agency.pk])
    indicators = rows[0] if rows else {}
    manual = {i.code: float(i.value) for i in ServiceIndexInput.objects.filter(agency=agency, period=period)}
    return service_index.evaluate(indicators, manual)


def manual_inputs(agency: Agency, period: ReportPeriod) -> dict[str, Decimal]:
    return {i.code: i.value for i in ServiceIndexInput.objects.filter(agency=agency, period=period)}


def target_scope_label(target: Target) -> str:
    scope = scope_of(target)
    if scope is None:
        return "Toàn tỉnh"
    names = list(Agency.objects.filter(pk__in=scope).values_list("name", flat=True)[:4])
    more = len(scope) - len(names)
    return ", ".join(names) + (f" và {more} cơ quan khác" if more > 0 else "")
