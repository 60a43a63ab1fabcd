"""The dashboards at province scale: build a province's year (scripts/bench_reports.py's dataset: ≈250 agencies,
≈30,000 tasks, ≈60,000 progress updates) in a throw-away database, add published PAR-Index results and targets
with actuals, then time each dashboard selector beside its hand-written SQL floor, and each full page.

    python scripts/bench_dashboards.py [--repeat 20] [--database-url postgres://…/empty_db] [--keep]

For every selector the script runs one raw SQL query (connection.cursor(), no ORM) that computes the same
figures, checks that both give the same numbers (it stops with the differences otherwise), and prints the median
and 95th percentile of `--repeat` warm runs of each. The pages are rendered through Django's test Client as a
signed-in standing-agency user: the province's dashboard, one agency's, and the biggest XLSX download (heatmap).

Like bench_reports.py it never reads DATABASE_URL: a PostgreSQL run names its (empty) database with
--database-url. The clock is frozen on bench_reports.TODAY (20/12/2025) so every run computes the same figures.
"""

from __future__ import annotations

import argparse
import math
import random
import shutil
import statistics
import sys
import tempfile
import time
from collections import defaultdict
from collections.abc import Callable
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_reports import TODAY, YEAR, build, configure  # noqa: E402

SEED = 766
LEAVES = 8  # leaf criteria of each generated framework


# --- what bench_reports.py does not build: PAR-Index results, targets with actuals -----------------------------

def add_scoring(world: dict[str, Any], rnd: random.Random) -> dict[str, int]:
    """A small framework per level and year (departments 2024 and 2025, districts 2025), every department and
    district assessed and published with a random index."""
    from django.utils import timezone

    from dondoc.scoring.models import Assessment, Criterion, Framework

    reporters = world["reporters"]
    by_level: dict[str, list[Any]] = defaultdict(list)
    for agency in reporters:
        by_level[agency.level.code].append(agency)
    assessments = 0
    for level, year in (("department", YEAR - 1), ("department", YEAR), ("district", YEAR)):
        framework = Framework.objects.create(
            code=f"par-{level}-{year}", name=f"Chỉ số CCHC {level} năm {year}", year=year, level=level,
            total_points=Decimal(100), published_at=timezone.make_aware(datetime(year + 1, 3, 15, 9)))
        Criterion.objects.bulk_create([
            Criterion(framework=framework, code=str(i + 1), title=f"Tiêu chí thành phần {i + 1}",
                      max_points=Decimal(100) / LEAVES, rule="manual", order=i, depth=1) for i in range(LEAVES)])
        rows = []
        for agency in by_level[level]:
            index = Decimal(str(round(rnd.uniform(60, 95), 2)))
            rows.append(Assessment(framework=framework, agency=agency, status=Assessment.Status.PUBLISHED,
                                   self_total=index, final_total=index, max_total=Decimal(100), index=index))
        Assessment.objects.bulk_create(rows)
        assessments += len(rows)
    return {"assessments_published": assessments}


def add_targets(world: dict[str, Any], rnd: random.Random) -> dict[str, int]:
    """Actuals for the province plan's three targets in its periods; two targets per cascaded plan (assigned to
    its agency), with two report periods each and actuals for most."""
    from dondoc.importer.text import key
    from dondoc.indicators.models import TargetActual
    from dondoc.plans.models import Plan, ReportPeriod, Target

    plan = world["plan"]
    periods = list(plan.report_periods.all())
    actuals = []
    for target in plan.targets.all():
        for period in periods:
            if rnd.random() < 0.8:
                actuals.append(TargetActual(target=target, period=period, value=Decimal(rnd.randint(80, 100)),
                                            source=TargetActual.Source.MANUAL))
    children = list(Plan.objects.filter(parent=plan).select_related("owner"))
    child_periods = ReportPeriod.objects.bulk_create([
        ReportPeriod(plan=child, name=name, data_from=date(YEAR - 1, 12, 15), data_to=end, submit_by=end)
        for child in children for name, end in ((f"6 tháng đầu năm {YEAR}", date(YEAR, 6, 14)),
                                                (f"Năm {YEAR}", date(YEAR, 12, 14)))])
    periods_of: dict[int, list[Any]] = defaultdict(list)
    for p in child_periods:
        periods_of[p.plan_id].append(p)
    texts = [("Tỷ lệ hồ sơ giải quyết đúng hạn đạt tối thiểu 98%", 98, ">="),
             ("Thời gian giải quyết trung bình tối đa 5 ngày", 5, "<=")]
    targets = Target.objects.bulk_create([
        Target(plan=child, text=text, value=value, unit="%" if value > 10 else "ngày", comparator=comparator,
               order=i, search_key=key(text)[:900])
        for child in children for i, (text, value, comparator) in enumerate(texts)])
    Through = Target.agencies.through
    Through.objects.bulk_create([Through(target_id=t.pk, agency_id=child.owner_id)
                                 for t, child in zip(targets, [c for c in children for _ in texts], strict=True)])
    for target in targets:
        for period in periods_of[target.plan_id]:
            if rnd.random() < 0.7:
                value = rnd.uniform(90, 100) if target.comparator == ">=" else rnd.uniform(2, 8)
                actuals.append(TargetActual(target=target, period=period, value=Decimal(str(round(value, 2))),
                                            source=TargetActual.Source.MANUAL))
    TargetActual.objects.bulk_create(actuals, batch_size=5000)
    return {"targets": len(targets) + plan.targets.count(), "target_actuals": len(actuals)}


# --- the SQL floors: the same figures from one raw query each --------------------------------------------------

def fetch(sql: str, params: list[Any]) -> list[tuple[Any, ...]]:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def bucket_sql(t: str) -> tuple[str, list[str]]:
    """SUM(CASE …) columns of the seven status buckets and the heatmap's due / on time, for table alias t; the
    placeholders are all today's date."""
    not_overdue = f"({t}.due_date IS NULL OR {t}.due_date >= %s)"
    cases = [
        f"{t}.status = 'not_started' AND {not_overdue}",
        f"{t}.status = 'in_progress' AND {not_overdue}",
        f"{t}.status = 'awaiting_approval' AND {not_overdue}",
        f"{t}.status = 'done' AND ({t}.due_date IS NULL OR {t}.completed_on IS NULL"
        f" OR {t}.completed_on <= {t}.due_date)",
        f"{t}.status = 'done' AND {t}.completed_on > {t}.due_date",
        f"{t}.status NOT IN ('done', 'cancelled') AND {t}.due_date < %s",
        f"{t}.status = 'cancelled' OR ({t}.status = 'paused' AND {not_overdue})",
        f"{t}.due_date IS NOT NULL AND {t}.status <> 'cancelled' AND ({t}.status = 'done' OR {t}.due_date < %s)",
        f"{t}.status = 'done' AND {t}.due_date IS NOT NULL AND ({t}.completed_on IS NULL"
        f" OR {t}.completed_on <= {t}.due_date)",
    ]
    names = ["not_started", "in_progress", "awaiting_approval", "done_on_time", "done_late", "overdue", "stopped",
             "due", "on_time"]
    return ", ".join(f"SUM(CASE WHEN {c} THEN 1 ELSE 0 END)" for c in cases), names


def placeholders(sql: str, today: date) -> list[Any]:
    return [today] * sql.count("%s")


def floor_area(year: int, today: date) -> dict[str, list[int]]:
    columns, _names = bucket_sql("t")
    sql = (f"SELECT COALESCE(s.area, ''), {columns} FROM plans_task t JOIN plans_plan p ON p.id = t.plan_id "
           f"LEFT JOIN plans_section s ON s.id = t.section_id WHERE p.year = %s GROUP BY COALESCE(s.area, '')")
    return _by_area(fetch(sql, [*placeholders(columns, today), year]))


def _by_area(rows: list[tuple[Any, ...]]) -> dict[str, list[int]]:
    from dondoc.importer.normalise.area import AREA_NAMES

    out: dict[str, list[int]] = {}
    for area, *counts in rows:
        code = area if area in AREA_NAMES else "khac"
        out[code] = [a + int(b) for a, b in zip(out.get(code, [0] * 9), counts, strict=True)][:7]
    return out


def floor_agencies(year: int, today: date) -> dict[tuple[int, str], list[int]]:
    columns, _names = bucket_sql("t")
    sql = (f"SELECT ta.agency_id, COALESCE(s.area, ''), {columns} FROM plans_taskagency ta "
           f"JOIN plans_task t ON t.id = ta.task_id JOIN plans_plan p ON p.id = t.plan_id "
           f"LEFT JOIN plans_section s ON s.id = t.section_id WHERE ta.role = 'lead' AND p.year = %s "
           f"GROUP BY ta.agency_id, COALESCE(s.area, '')")
    from dondoc.importer.normalise.area import AREA_NAMES

    out: dict[tuple[int, str], list[int]] = {}
    for agency_id, area, *counts in fetch(sql, [*placeholders(columns, today), year]):
        code = area if area in AREA_NAMES else "khac"
        out[(agency_id, code)] = [a + int(b) for a, b in zip(out.get((agency_id, code), [0] * 9), counts,
                                                             strict=True)]
    return out


def floor_trend(year: int, days: list[date]) -> list[int]:
    columns = ", ".join("SUM(CASE WHEN t.due_date < %s AND t.status <> 'cancelled' AND (t.completed_on IS NULL "
                        "OR t.completed_on > %s) THEN 1 ELSE 0 END)" for _ in days)
    sql = f"SELECT {columns} FROM plans_task t JOIN plans_plan p ON p.id = t.plan_id WHERE p.year = %s"
    row = fetch(sql, [*[d for day in days for d in (day, day)], year])[0]
    return [int(v or 0) for v in row]


def floor_targets(year: int) -> dict[int, list[int]]:
    """The latest period with a scope-wide actual of each target, judged as indicators.metrics.achievement."""
    sql = """
        WITH ranked AS (
            SELECT a.target_id, a.value, ROW_NUMBER() OVER (PARTITION BY a.target_id
                   ORDER BY rp.data_to DESC, rp.submit_by DESC, rp.name DESC) AS n
            FROM indicators_targetactual a
            JOIN plans_reportperiod rp ON rp.id = a.period_id
            JOIN plans_target t ON t.id = a.target_id
            WHERE a.agency_id IS NULL AND rp.plan_id = t.plan_id AND (t.period_id IS NULL OR t.period_id = a.period_id)
        ), judged AS (
            SELECT t.plan_id, CASE
                WHEN l.value IS NULL OR t.value IS NULL THEN 'no_data'
                WHEN t.comparator = '<=' THEN CASE WHEN l.value <= t.value THEN 'met' ELSE 'not_met' END
                WHEN t.comparator = '=' AND t.value < 100 THEN CASE WHEN l.value = t.value THEN 'met' ELSE 'not_met' END
                WHEN l.value >= t.value THEN 'met' ELSE 'not_met' END AS state
            FROM plans_target t JOIN plans_plan p ON p.id = t.plan_id
            LEFT JOIN ranked l ON l.target_id = t.id AND l.n = 1
            WHERE p.year = %s
        )
        SELECT plan_id, SUM(CASE WHEN state = 'met' THEN 1 ELSE 0 END),
               SUM(CASE WHEN state = 'not_met' THEN 1 ELSE 0 END), SUM(CASE WHEN state = 'no_data' THEN 1 ELSE 0 END)
        FROM judged GROUP BY plan_id"""
    return {plan_id: [int(a), int(b), int(c)] for plan_id, a, b, c in fetch(sql, [year])}


def floor_rankings() -> dict[str, dict[int, tuple[float, int]]]:
    """Each level's latest published framework, its published assessments ranked (ties share a rank)."""
    sql = """
        WITH latest AS (
            SELECT id, level FROM (
                SELECT f.id, f.level, ROW_NUMBER() OVER (PARTITION BY f.level
                       ORDER BY f.year DESC, f.published_at DESC) AS n
                FROM scoring_framework f WHERE f.published_at IS NOT NULL) x WHERE n = 1)
        SELECT l.level, a.agency_id, a."index", RANK() OVER (PARTITION BY l.level ORDER BY a."index" DESC)
        FROM scoring_assessment a JOIN latest l ON l.id = a.framework_id WHERE a.status = 'published'"""
    out: dict[str, dict[int, tuple[float, int]]] = defaultdict(dict)
    for level, agency_id, index, rank in fetch(sql, []):
        out[level][agency_id] = (round(float(index), 2), int(rank))
    return dict(out)


def floor_grades(year: int, as_of: date) -> dict[int, tuple[float | None, int]]:
    """The departments' task-completion scores with the default weights (on time and excused 1, late 0.5,
    overdue 0), from each lead task's outcome (scoring.rules.task_outcome)."""
    sql = """
        WITH first_due AS (
            SELECT e.task_id, MIN(e.old_due) AS due FROM tracking_extension e WHERE e.decision = 'approved'
            GROUP BY e.task_id
        ), outcome AS (
            SELECT ta.agency_id, CASE
                WHEN t.status = 'cancelled' THEN 'excluded'
                WHEN t.status = 'done' THEN CASE
                    WHEN t.due_date IS NULL OR t.completed_on IS NULL THEN 'on_time'
                    WHEN t.completed_on <= COALESCE(fd.due, t.due_date) THEN 'on_time'
                    WHEN t.completed_on <= t.due_date THEN 'excused' ELSE 'late' END
                WHEN t.due_date IS NULL THEN 'excluded'
                WHEN t.due_date < %s THEN 'not_done' ELSE 'not_due' END AS o
            FROM plans_taskagency ta JOIN plans_task t ON t.id = ta.task_id JOIN plans_plan p ON p.id = t.plan_id
            LEFT JOIN first_due fd ON fd.task_id = t.id
            WHERE ta.role = 'lead' AND p.year = %s
        )
        SELECT a.id, SUM(CASE WHEN o.o IN ('on_time', 'excused') THEN 1.0 WHEN o.o = 'late' THEN 0.5 ELSE 0 END),
               SUM(CASE WHEN o.o IN ('on_time', 'excused', 'late', 'not_done') THEN 1 ELSE 0 END)
        FROM agencies_agency a JOIN agencies_level lv ON lv.id = a.level_id
        LEFT JOIN outcome o ON o.agency_id = a.id
        WHERE lv.code = 'department' AND NOT a.is_group GROUP BY a.id"""
    from dondoc.scoring.rules import quantize

    out = {}
    for agency_id, weighted, graded in fetch(sql, [as_of, year]):
        graded = int(graded or 0)
        # rounded half-up to two places, as scoring.rules.quantize does
        score = float(quantize(Decimal(str(weighted)) * 100 / graded)) if graded else None
        out[agency_id] = (score, graded)
    return out


# --- the selectors' figures in the floors' shapes ---------------------------------------------------------------

def from_area(rows: list[Any]) -> dict[str, list[int]]:
    return {r.key: r.values for r in rows if r.total}


def from_agencies(breakdown: Any) -> dict[tuple[int, str], list[int]]:
    """Per (agency, area): the seven buckets are checked on the agencies' totals, due / on time per cell."""
    return {(row.agency_id, code): [cell.due, cell.on_time]
            for row in breakdown.heatmap.rows for (code, _name), cell in zip(breakdown.heatmap.areas, row.cells,
                                                                             strict=True) if cell.due}


def floor_agency_shapes(raw: dict[tuple[int, str], list[int]]) -> tuple[dict[int, list[int]],
                                                                         dict[tuple[int, str], list[int]]]:
    totals: dict[int, list[int]] = {}
    cells = {}
    for (agency_id, code), counts in raw.items():
        totals[agency_id] = [a + b for a, b in zip(totals.get(agency_id, [0] * 7), counts[:7], strict=True)]
        if counts[7]:
            cells[(agency_id, code)] = counts[7:]
    return totals, cells


def check(name: str, ours: Any, floor: Any) -> None:
    if ours == floor:
        return
    if not isinstance(ours, dict):
        ours, floor = dict(enumerate(ours)), dict(enumerate(floor))
    diff = [(k, ours.get(k), floor.get(k)) for k in sorted(set(ours) | set(floor), key=str)
            if ours.get(k) != floor.get(k)]
    raise SystemExit(f"{name}: the selector and its SQL floor disagree (key, selector, floor): {diff[:10]}")


# --- timing -------------------------------------------------------------------------------------------------------

def timed(fn: Callable[[], Any], repeat: int) -> tuple[list[float], Any]:
    result = fn()  # warm: caches, the database's pages, Django's compiled templates
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - start)
    return times, result


def p95(times: list[float]) -> float:
    ordered = sorted(times)
    return ordered[max(0, math.ceil(0.95 * len(ordered)) - 1)]


def ms(seconds: float) -> str:
    return f"{seconds * 1000:9.1f}"


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--repeat", type=int, default=20, help="timed runs of each step (after one warm-up run)")
    ap.add_argument("--database-url", default="",
                    help="an empty database to fill (default: a new SQLite file in a temporary folder)")
    ap.add_argument("--keep", action="store_true", help="keep the temporary folder (and the SQLite file)")
    a = ap.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="dondoc-bench-dashboards-"))
    url = a.database_url or f"sqlite:///{tmp / 'bench.sqlite3'}"
    try:
        return run(a, url, tmp)
    finally:
        if a.keep:
            print(f"giữ lại {tmp}")
        else:
            shutil.rmtree(tmp, ignore_errors=True)


def run(a: argparse.Namespace, url: str, tmp: Path) -> int:
    configure(url, tmp)
    import time_machine
    from django.core.management import call_command
    from django.db import connection
    from django.test.utils import setup_test_environment

    rnd = random.Random(SEED)
    start = time.perf_counter()
    call_command("migrate", verbosity=0)
    migrate_s = time.perf_counter() - start
    start = time.perf_counter()
    world = build(random.Random(YEAR))  # bench_reports' dataset, its own seed: the same as `make bench-reports`
    counts = dict(world["counts"])
    counts |= add_scoring(world, rnd)
    counts |= add_targets(world, rnd)
    build_s = time.perf_counter() - start
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    print(f"database: {connection.vendor}; migrate {migrate_s:.1f} s, dataset {build_s:.1f} s")
    print("dataset: " + ", ".join(f"{k} {v:,}" for k, v in counts.items()))

    setup_test_environment()  # the test Client's host is allowed
    traveller = time_machine.travel(datetime(TODAY.year, TODAY.month, TODAY.day, 9), tick=True)
    traveller.start()
    try:
        return measure(a, world)
    finally:
        traveller.stop()


Step = tuple[str, str, Callable[[], Any], Callable[[], Any], Callable[[Any, Any], None]]


def selector_steps(year: int, today: date) -> list[Step]:
    """The province dashboard's selectors for `year` seen on `today`, each as (name, label, selector, its SQL floor,
    the check that both give the same figures). scripts/bench_web.py runs them too."""
    from dondoc.dashboards import selectors
    from dondoc.scoring.selectors import as_of_for

    scope = selectors.Scope(year=year, today=today)
    days = [d for d, _label in selectors.trend_days(year, today)]

    def compare_agencies(ours: Any, raw: Any) -> None:
        totals, cells = floor_agency_shapes(raw)
        check("agency totals", {r.agency_id: r.values for r in ours.rows}, totals)
        check("heatmap cells", from_agencies(ours), cells)

    as_of = as_of_for(year, today)
    return [
        ("areas", "status_by_area (a)", lambda: selectors.status_by_area(scope), lambda: floor_area(year, today),
         lambda o, f: check("status_by_area", from_area(o), f)),
        ("breakdown", "agency_breakdown (b, c: per agency, heatmap)", lambda: selectors.agency_breakdown(scope),
         lambda: floor_agencies(year, today), compare_agencies),
        ("trend", "overdue_trend (d)", lambda: selectors.overdue_trend(scope), lambda: floor_trend(year, days),
         lambda o, f: check("overdue_trend", [p.overdue for p in o], f)),
        ("targets", "targets_by_plan (e)", lambda: selectors.targets_by_plan(scope), lambda: floor_targets(year),
         lambda o, f: check("targets_by_plan", {p.plan.pk: p.values for p in o}, f)),
        ("rankings", "par_rankings (f)", selectors.par_rankings, floor_rankings,
         lambda o, f: check("par_rankings", {r.level: {x.agency.pk: (round(float(x.index), 2), x.rank)
                                                       for x in r.rows} for r in o}, f)),
        ("grades", "department_grades (f; the selector also grades last year)",
         lambda: selectors.department_grades(year, today), lambda: floor_grades(year, as_of),
         lambda o, f: check("department_grades", {g.agency.pk: (
             float(g.grade.score) if g.grade.score is not None else None, g.grade.graded) for g in o}, f)),
    ]


def measure(a: argparse.Namespace, world: dict[str, Any]) -> int:
    from django.test import Client
    from django.urls import reverse

    from dondoc.agencies.models import Agency
    from dondoc.dashboards import selectors

    rows: list[tuple[str, list[float], list[float] | None]] = []

    def pair(label: str, ours: Callable[[], Any], floor: Callable[[], Any] | None,
             compare: Callable[[Any, Any], None] | None) -> Any:
        times, result = timed(ours, a.repeat)
        floor_times = None
        if floor is not None and compare is not None:
            floor_times, floor_result = timed(floor, a.repeat)
            compare(result, floor_result)
        rows.append((label, times, floor_times))
        return result

    results = {name: pair(label, ours, floor, compare)
               for name, label, ours, floor, compare in selector_steps(YEAR, TODAY)}
    areas, breakdown, trend, targets, rankings, grades = (
        results[n] for n in ("areas", "breakdown", "trend", "targets", "rankings", "grades"))
    agency = max((r for r in breakdown.rows if r.linkable), key=lambda r: r.total)
    agency_obj = Agency.objects.get(pk=agency.agency_id)
    agency_scope = selectors.Scope(year=YEAR, today=TODAY, agency=agency_obj)
    pair(f"agency_dashboard ({agency_obj.name}, {agency.total} tasks)",
         lambda: selectors.agency_dashboard(agency_scope), None, None)

    client = Client()
    client.force_login(world["admin"])
    pages = [("page: province dashboard", reverse("dashboard")),
             ("page: agency dashboard", reverse("dashboard_agency", args=[agency_obj.pk])),
             ("page: XLSX of the heatmap", reverse("dashboard_xlsx") + "?chart=heatmap")]
    sizes = {}
    for label, url in pages:
        def get(url: str = url) -> Any:
            response = client.get(url)
            assert response.status_code == 200, (url, response.status_code)
            return response
        times, response = timed(get, a.repeat)
        sizes[label] = len(response.content)
        rows.append((f"{label} ({sizes[label] / 1e3:.0f} kB)", times, None))

    total = selectors.total_row(areas)
    print(f"figures: {total.total:,} tasks of {YEAR}, overdue now {total.counts['overdue']:,}, "
          f"{len(breakdown.rows)} lead agencies, trend {[p.overdue for p in trend][:3]}…"
          f"{[p.overdue for p in trend][-1]}, {sum(p.total for p in targets):,} targets in {len(targets)} plans, "
          f"{sum(len(r.rows) for r in rankings)} ranked in {len(rankings)} levels, {len(grades)} departments graded")
    print("every selector's figures equal its SQL floor's")
    width = max(len(label) for label, _, _ in rows)
    print(f"\n{'step (n = ' + str(a.repeat) + ' warm runs)':<{width}}  {'median ms':>9}  {'p95 ms':>9}  "
          f"{'floor med':>9}  {'floor p95':>9}  {'÷ floor':>7}")
    for label, times, floor in rows:
        median = statistics.median(times)
        floor_cols = (f"{ms(statistics.median(floor))}  {ms(p95(floor))}  {median / statistics.median(floor):7.2f}"
                      if floor else f"{'—':>9}  {'—':>9}  {'—':>7}")
        print(f"{label:<{width}}  {ms(median)}  {ms(p95(times))}  {floor_cols}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
