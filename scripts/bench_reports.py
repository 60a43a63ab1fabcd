"""Periodic reports at province scale: build a province's year of data in a throw-away database, then time the
province's yearly aggregate (compose) and, when dondoc.reports.documents exists, its Word and Excel documents.

    python scripts/bench_reports.py [--repeat 5] [--database-url postgres://…/empty_db] [--keep]

The dataset (fixed random seed): ≈250 agencies (departments, districts, communes under the province), the
province's 2025 plan with its default report periods and one cascaded plan per agency, ≈30,000 tasks over the
seven areas, each with a lead agency and a realistic status, ≈60,000 progress updates spread over the year with
evidence and extension requests, and ≈200 agencies' submitted yearly reports.

By default it runs on a new SQLite file in a temporary folder (deleted afterwards unless --keep). It never reads
DATABASE_URL: a PostgreSQL run names its (empty) database with --database-url, so a real database is not filled
by accident; a database that already holds plans is refused.
"""

from __future__ import annotations

import argparse
import cProfile
import json
import os
import pstats
import random
import shutil
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]

YEAR = 2025
#: the day the benchmark composes on: after the yearly window (15/12/2024 → 14/12/2025) closed
TODAY = date(YEAR, 12, 20)
#: a day inside the yearly window, for the open-window variant (current states instead of history)
OPEN_DAY = date(YEAR, 11, 30)

DEPARTMENTS = [
    "Văn phòng Ủy ban nhân dân tỉnh", "Sở Nội vụ", "Sở Tư pháp", "Sở Tài chính", "Sở Công Thương",
    "Sở Nông nghiệp và Môi trường", "Sở Xây dựng", "Sở Khoa học và Công nghệ", "Sở Giáo dục và Đào tạo", "Sở Y tế",
    "Sở Văn hóa, Thể thao và Du lịch", "Sở Dân tộc và Tôn giáo", "Sở Ngoại vụ", "Thanh tra tỉnh",
    "Ban Quản lý các khu công nghiệp", "Ban Quản lý dự án đầu tư xây dựng", "Đài Phát thanh và Truyền hình tỉnh",
    "Trung tâm Phục vụ hành chính công tỉnh", "Công an tỉnh", "Bộ Chỉ huy quân sự tỉnh", "Bảo hiểm xã hội tỉnh",
    "Cục Thuế tỉnh", "Kho bạc Nhà nước tỉnh", "Cục Thống kê tỉnh", "Trường Cao đẳng Y tế", "Trường Cao đẳng nghề",
    "Quỹ Đầu tư phát triển tỉnh", "Ban Dân tộc tỉnh",
]
DISTRICTS = ["Mường Xanh", "Lạc Sơn", "Kim Bôi", "Tân Lạc", "Mai Châu", "Lương Sơn", "Yên Thủy", "Đà Bắc",
             "Cao Phong", "Lạc Thủy", "Thành phố Hòa Bình Xanh"]
COMMUNE_FIRST = ["Tân", "Phú", "An", "Bình", "Hòa", "Thạnh", "Long", "Mỹ", "Đông", "Tây", "Nam", "Bắc", "Quảng",
                 "Vĩnh", "Hưng", "Thuận"]
COMMUNE_SECOND = ["Lợi", "Hòa", "Phú", "Thịnh", "Xuân", "An", "Lộc", "Sơn", "Thành", "Tiến", "Hải", "Trung", "Minh",
                  "Phong"]
N_COMMUNES = 211
TASKS_PER = {"department": 160, "district": 200, "commune": 110}
PROVINCE_TASKS = 150
REPORTING = 200  # agencies with a submitted yearly report
DRAFTING = 20  # agencies with a draft only

VERBS = ["Rà soát", "Triển khai", "Kiểm tra", "Tổ chức", "Xây dựng", "Đánh giá", "Tuyên truyền", "Số hóa",
         "Chuẩn hóa", "Tập huấn"]
OBJECTS = {
    "chi_dao": "công tác chỉ đạo, điều hành cải cách hành chính",
    "the_che": "văn bản quy phạm pháp luật thuộc thẩm quyền",
    "tthc": "thủ tục hành chính và quy trình nội bộ",
    "to_chuc_bo_may": "tổ chức bộ máy, vị trí việc làm",
    "cong_vu": "đội ngũ cán bộ, công chức, viên chức",
    "tai_chinh_cong": "cơ chế tự chủ tài chính của đơn vị sự nghiệp",
    "chinh_quyen_so": "dịch vụ công trực tuyến và dữ liệu số",
    "": "nhiệm vụ được giao khác",
}


# --- Django on a throw-away database ----------------------------------------------------------------------------

def configure(database_url: str, data_dir: Path) -> None:
    os.environ["DONDOC_DATA_DIR"] = str(data_dir)
    os.environ["DATABASE_URL"] = database_url
    os.environ["DONDOC_QUEUE"] = "immediate"
    os.environ["DEBUG"] = "0"  # no query log
    os.environ.setdefault("SECRET_KEY", "bench-reports-only-not-a-secret")
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    os.environ["DJANGO_SETTINGS_MODULE"] = "dondoc.settings"
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()


@contextmanager
def explicit_created_at(*models: Any) -> Iterator[None]:
    """bulk_create keeping the created_at given (auto_now_add would stamp every row with now)."""
    fields = [m._meta.get_field("created_at") for m in models]
    for f in fields:
        f.auto_now_add = False
    try:
        yield
    finally:
        for f in fields:
            f.auto_now_add = True


def aware(day: date, rnd: random.Random) -> datetime:
    from django.utils import timezone

    moment = datetime(day.year, day.month, day.day, rnd.randint(7, 17), rnd.randint(0, 59), rnd.randint(0, 59))
    return timezone.make_aware(moment)


def day_between(rnd: random.Random, first: date, last: date) -> date:
    if last <= first:
        return first
    return first + timedelta(days=rnd.randint(0, (last - first).days))


# --- the dataset --------------------------------------------------------------------------------------------------

def build(rnd: random.Random) -> dict[str, Any]:
    from django.db import transaction

    from dondoc.accounts.models import Role, User
    from dondoc.agencies.models import Agency, Level
    from dondoc.agencies.services import ensure_levels
    from dondoc.importer.normalise.area import AREA_NAMES
    from dondoc.importer.text import key
    from dondoc.plans.models import Plan, Section, Status, Target, Task, TaskAgency
    from dondoc.reports.services import ensure_periods
    from dondoc.tracking.models import Evidence, Extension, ProgressUpdate

    if Plan.objects.exists():
        raise SystemExit("Cơ sở dữ liệu đã có kế hoạch: hãy dùng một cơ sở dữ liệu trống cho phép đo.")
    ensure_levels()
    levels = {lv.code: lv for lv in Level.objects.all()}
    counts: dict[str, int] = {}

    def agency(name: str, level: str, parent: Agency | None, short: str = "") -> Agency:
        return Agency(name=name, short_name=short, level=levels[level], parent=parent,
                      search_key=key(f"{name} {short}"))

    with transaction.atomic():
        province = Agency.objects.bulk_create([agency("Ủy ban nhân dân tỉnh Hòa Bình Xanh", "province", None)])[0]
        departments = Agency.objects.bulk_create([agency(n, "department", province) for n in DEPARTMENTS])
        districts = Agency.objects.bulk_create([agency(f"Ủy ban nhân dân huyện {n}", "district", province)
                                                for n in DISTRICTS])
        names = [f"{a} {b}" for a in COMMUNE_FIRST for b in COMMUNE_SECOND if a != b][:N_COMMUNES]
        communes = Agency.objects.bulk_create([agency(f"Ủy ban nhân dân xã {n}", "commune",
                                                      districts[i % len(districts)]) for i, n in enumerate(names)])
        reporters = [*departments, *districts, *communes]
        kind_of = ({a.pk: "department" for a in departments} | {a.pk: "district" for a in districts}
                   | {a.pk: "commune" for a in communes})
        counts["agencies"] = 1 + len(reporters)

        admin = User.objects.create_user(username="thuongtruc", role=Role.STANDING, agency=departments[1])
        leaders = {a.pk: u for a, u in zip(reporters, User.objects.bulk_create([
            User(username=f"lanhdao{i}", role=Role.LEADER, agency=a, first_name="Lãnh đạo", last_name=str(i))
            for i, a in enumerate(reporters)]), strict=True)}

        plan = Plan(kind="Kế hoạch", number="150/KH-UBND", title=f"Kế hoạch cải cách hành chính năm {YEAR}",
                    issuer_name=province.name, owner=province, year=YEAR, issued_date=date(YEAR - 1, 12, 20),
                    place="Hòa Bình Xanh", signer="Nguyễn Văn A")
        plan.save()
        periods = ensure_periods(plan, admin)
        Target.objects.bulk_create([
            Target(plan=plan, text="Tỷ lệ hồ sơ giải quyết đúng hạn đạt tối thiểu 98%", value=98, unit="%", order=1),
            Target(plan=plan, text="100% thủ tục hành chính đủ điều kiện được cung cấp dịch vụ công trực tuyến "
                                   "toàn trình", value=100, unit="%", order=2),
            Target(plan=plan, text="Chỉ số hài lòng của người dân đạt trên 85%", value=85, unit="%", order=3)])
        children = Plan.objects.bulk_create([
            Plan(kind="Kế hoạch", number=f"{10 + i}/KH-{i:03d}", title=f"Kế hoạch cải cách hành chính năm {YEAR} "
                 f"của {a.name}", issuer_name=a.name, owner=a, year=YEAR, parent=plan,
                 issued_date=date(YEAR, 1, rnd.randint(5, 25)), search_key=key(f"{10 + i}/KH {a.name}"))
            for i, a in enumerate(reporters)])
        counts["plans"] = 1 + len(children)
        areas = [*AREA_NAMES, ""]
        sections = Section.objects.bulk_create([
            Section(plan=p, number=str(j + 1), title=(AREA_NAMES.get(area) or "Nhiệm vụ khác").upper(), area=area,
                    order=j) for p in [plan, *children] for j, area in enumerate(areas)])
        section_of = {(s.plan_id, s.area): s for s in sections}

        # tasks: the province plan's led by the departments, each cascaded plan's by its owner
        specs: list[tuple[Plan, Agency]] = [(plan, rnd.choice(departments)) for _ in range(PROVINCE_TASKS)]
        for child in children:
            owner = next(a for a in reporters if a.pk == child.owner_id)
            n = TASKS_PER[kind_of[owner.pk]]
            specs.extend((child, owner) for _ in range(rnd.randint(int(n * 0.8), int(n * 1.2))))
        tasks, leads_of, finals = [], [], []
        order: dict[int, int] = {}
        for p, lead in specs:
            area = rnd.choices(areas, weights=[6, 10, 18, 8, 12, 8, 16, 4])[0]
            order[p.pk] = order.get(p.pk, 0) + 1
            due = None if rnd.random() < 0.1 else rnd.choice([
                date(YEAR, m, 28) for m in range(1, 13)] + [date(YEAR, 3, 31), date(YEAR, 6, 30), date(YEAR, 9, 30),
                                                             date(YEAR, 12, 31), date(YEAR, 12, 15)])
            status = rnd.choices([Status.DONE, Status.IN_PROGRESS, Status.NOT_STARTED, Status.AWAITING_APPROVAL,
                                  Status.PAUSED, Status.CANCELLED], weights=[45, 30, 12, 6, 4, 3])[0]
            progress = {Status.DONE: 100, Status.AWAITING_APPROVAL: 100, Status.NOT_STARTED: 0,
                        Status.CANCELLED: rnd.randint(0, 30)}.get(status, rnd.randint(10, 90))
            completed = None
            if status == Status.DONE:
                target = due or date(YEAR, rnd.randint(2, 11), 15)
                completed = min(max(target + timedelta(days=rnd.randint(-90, 40)), date(YEAR, 1, 10)),
                                TODAY - timedelta(days=2))
            content = (f"{rnd.choice(VERBS)} {OBJECTS[area]} (nhiệm vụ {order[p.pk]} của "
                       f"{lead.name if p.parent_id else 'tỉnh'})")
            tasks.append(Task(plan=p, section=section_of[(p.pk, area)], number=str(order[p.pk]), order=order[p.pk],
                              content=content, output="Báo cáo, văn bản", lead_text=lead.name,
                              deadline_text=f"{due:%d/%m/%Y}" if due else "Thường xuyên", continuous=due is None,
                              status=status, progress=progress, due_date=due, completed_on=completed,
                              search_key=key(content)))
            leads_of.append(lead)
            finals.append((status, progress, completed, due))
        tasks = Task.objects.bulk_create(tasks, batch_size=2000)
        counts["tasks"] = len(tasks)
        roles = [TaskAgency(task=t, agency=lead, role=TaskAgency.Role.LEAD, text=lead.name)
                 for t, lead in zip(tasks, leads_of, strict=True)]
        for t, lead in zip(tasks, leads_of, strict=True):
            if rnd.random() < 0.25:
                other = rnd.choice(departments)
                if other.pk != lead.pk:
                    roles.append(TaskAgency(task=t, agency=other, role=TaskAgency.Role.COORDINATING, text=other.name))
        TaskAgency.objects.bulk_create(roles, batch_size=5000)
        counts["task_agencies"] = len(roles)

        # each task's history: progress entries over the year ending in its current state
        updates: list[ProgressUpdate] = []
        for t, lead, (status, progress, completed, due) in zip(tasks, leads_of, finals, strict=True):
            if status == Status.NOT_STARTED:
                steps = [] if rnd.random() < 0.5 else [("", 0)]
            elif status == Status.DONE:  # a completion request first, unless a manager closed it directly
                steps = [(Status.IN_PROGRESS, rnd.randint(10, 90))]
                steps += [(Status.AWAITING_APPROVAL, 100)] * (rnd.random() < 0.4) + [(Status.DONE, 100)]
            elif status == Status.AWAITING_APPROVAL:
                steps = [(Status.IN_PROGRESS, rnd.randint(10, 90)), (Status.AWAITING_APPROVAL, 100)]
            else:
                steps = [(Status.IN_PROGRESS, rnd.randint(5, max(6, progress)))] * (rnd.random() < 0.4)
                steps.append((status, progress))
            last = completed or day_between(rnd, date(YEAR, 4, 1), TODAY - timedelta(days=1))
            days = sorted(day_between(rnd, date(YEAR, 1, 5), last) for _ in steps)
            for (st, pr), day in zip(steps, days, strict=True):
                if st == "":
                    kind, text = ProgressUpdate.Kind.CONTRIBUTION, "Đã phối hợp cung cấp thông tin"
                elif st == Status.AWAITING_APPROVAL:
                    kind, text = ProgressUpdate.Kind.COMPLETION_REQUEST, "Đề nghị xác nhận hoàn thành"
                elif st == Status.DONE:
                    kind, text = ProgressUpdate.Kind.APPROVAL, "Lãnh đạo xác nhận hoàn thành"
                else:
                    kind, text = ProgressUpdate.Kind.PROGRESS, f"Đã thực hiện được {pr}% khối lượng công việc"
                updates.append(ProgressUpdate(task=t, kind=kind, agency=lead, author=leaders.get(lead.pk), text=text,
                                              progress=pr if st else None, status=st, reported_on=day,
                                              created_at=aware(day, rnd)))
            if due and rnd.random() < 0.15:  # an urging letter on a late task
                day = day_between(rnd, due, TODAY)
                updates.append(ProgressUpdate(task=t, kind=ProgressUpdate.Kind.URGING, text="Văn bản đôn đốc",
                                              reported_on=day, created_at=aware(day, rnd)))
        with explicit_created_at(ProgressUpdate):
            updates = ProgressUpdate.objects.bulk_create(updates, batch_size=5000)
        counts["progress_updates"] = len(updates)

        kinds = list(Evidence.DocumentKind.values)
        evidence = []
        for i, u in enumerate(updates):
            if u.status in (Status.IN_PROGRESS, Status.DONE, Status.AWAITING_APPROVAL) and rnd.random() < 0.12:
                kind = rnd.choice(kinds)
                evidence.append(Evidence(update=u, kind=kind, number=f"{i % 900 + 1}/{kind.upper()[:2]}-CCHC",
                                         issued_on=u.created_at.date(), issuer=u.agency.name if u.agency else "",
                                         original_name=f"van-ban-{i}.pdf" if rnd.random() < 0.5 else "",
                                         size=rnd.randint(20_000, 900_000)))
        Evidence.objects.bulk_create(evidence, batch_size=5000)
        counts["evidence"] = len(evidence)

        extensions = []
        for t, lead, (_, _, _, due) in zip(tasks, leads_of, finals, strict=True):
            if due and rnd.random() < 0.04:
                asked = day_between(rnd, date(YEAR, 1, 10), min(due, TODAY - timedelta(days=1)))
                extensions.append(Extension(
                    task=t, agency=lead, old_due=due - timedelta(days=45), new_due=due, reason="Chờ hướng dẫn của Bộ",
                    decision=rnd.choice(Extension.Decision.values), created_at=aware(asked, rnd)))
        with explicit_created_at(Extension):
            Extension.objects.bulk_create(extensions, batch_size=5000)
        counts["extensions"] = len(extensions)

    year_period = next(p for p in periods if p.name == f"Năm {YEAR}")
    return {"province": province, "reporters": reporters, "leaders": leaders, "admin": admin, "plan": plan,
            "period": year_period, "counts": counts}


def submit_reports(world: dict[str, Any], rnd: random.Random) -> float:
    """≈200 agencies' submitted yearly reports (figures composed and frozen as submission does), some drafts;
    returns the median time of one agency's compose."""
    from django.utils import timezone

    from dondoc.reports.compose import compose
    from dondoc.reports.models import Report
    from dondoc.reports.narrative import agency_draft

    period = world["period"]
    chosen = rnd.sample(world["reporters"], REPORTING + DRAFTING)
    rows, took = [], []
    for i, agency in enumerate(chosen):
        start = time.perf_counter()
        data = compose(period, agency.pk, today=TODAY)
        took.append(time.perf_counter() - start)
        report = Report(period=period, agency=agency, scope=Report.Scope.AGENCY, number=f"{i + 1}/BC-CCHC",
                        created_by=world["leaders"][agency.pk], **agency_draft(data))
        if i < REPORTING:
            sent = datetime(YEAR, 12, 5, 8) + timedelta(hours=rnd.randint(0, 14 * 24))  # a few after 14/12
            report.state, report.snapshot = Report.State.SUBMITTED, data.to_json()
            report.approved_by, report.submitted_at = world["leaders"][agency.pk], timezone.make_aware(sent)
        rows.append(report)
    Report.objects.bulk_create(rows)
    world["counts"]["reports_submitted"] = REPORTING
    world["counts"]["reports_draft"] = DRAFTING
    return statistics.median(took)


# --- timing -------------------------------------------------------------------------------------------------------

def timed(fn: Callable[[], Any], repeat: int) -> tuple[list[float], Any]:
    times, result = [], None
    for _ in range(repeat):
        start = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - start)
    return times, result


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--repeat", type=int, default=5, help="repetitions of each timing (min and median printed)")
    ap.add_argument("--database-url", default="",
                    help="an empty database to fill (default: a new SQLite file in a temporary folder)")
    ap.add_argument("--doc-repeat", type=int, default=1, help="repetitions of each document (slow: default 1)")
    ap.add_argument("--profile", action="store_true", help="print where one aggregate compose spends its time")
    ap.add_argument("--keep", action="store_true", help="keep the temporary folder (and the SQLite file)")
    a = ap.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="dondoc-bench-reports-"))
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
    from django.core.management import call_command
    from django.db import connection

    from dondoc.reports import documents, selectors
    from dondoc.reports.compose import compose
    from dondoc.reports.models import Report
    from dondoc.reports.narrative import province_draft

    rnd = random.Random(YEAR)
    engine = connection.vendor
    start = time.perf_counter()
    call_command("migrate", verbosity=0)
    migrate_s = time.perf_counter() - start
    start = time.perf_counter()
    world = build(rnd)
    build_s = time.perf_counter() - start
    start = time.perf_counter()
    one_agency = submit_reports(world, rnd)
    reports_s = time.perf_counter() - start
    if engine == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    period = world["period"]
    counts = world["counts"]
    print(f"database: {engine}; migrate {migrate_s:.1f} s, dataset {build_s:.1f} s, "
          f"{REPORTING + DRAFTING} agencies' reports {reports_s:.1f} s")
    print("dataset: " + ", ".join(f"{k} {v:,}" for k, v in counts.items()))

    rows: list[tuple[str, list[float]]] = [("compose, one agency (median of its reports' setup)", [one_agency])]

    def aggregate(today: Any = TODAY) -> Any:
        return compose(period, None, today=today, reports=selectors.latest_per_agency(period).values())

    times, data = timed(aggregate, a.repeat)
    rows.append((f"compose, province yearly aggregate ({period.name}, window closed)", times))
    times, _ = timed(lambda: aggregate(OPEN_DAY), a.repeat)
    rows.append((f"compose, province yearly aggregate (window open, {OPEN_DAY:%d/%m})", times))
    times, text = timed(lambda: json.dumps(data.to_json(), ensure_ascii=False), a.repeat)
    rows.append((f"snapshot to JSON ({len(text.encode()) / 1e6:.1f} MB)", times))
    print(f"aggregate: {data.totals['total']:,} tasks in {len(data.areas)} areas, {len(data.agencies)} agencies, "
          f"{len(data.documents):,} documents; totals {data.totals}")

    if a.profile:
        profiler = cProfile.Profile()
        profiler.runcall(aggregate)
        pstats.Stats(profiler).sort_stats("cumulative").print_stats(30)

    report = Report.objects.create(period=period, agency=world["province"], scope=Report.Scope.PROVINCE,
                                   number="200/BC-UBND", created_by=world["admin"],
                                   **province_draft(data, selectors.latest_submitted_per_agency(period).values()))
    for name, render in (("render_docx", documents.render_docx), ("render_xlsx", documents.render_xlsx)):
        if a.doc_repeat < 1:
            continue
        if a.profile:
            profiler = cProfile.Profile()
            profiler.runcall(render, report, data)
            pstats.Stats(profiler).sort_stats("cumulative").print_stats(25)
        times, content = timed(lambda render=render: render(report, data), a.doc_repeat)
        size = len(content) if isinstance(content, bytes | bytearray) else 0
        rows.append((f"{name}(aggregate report) ({size / 1e6:.1f} MB)", times))

    width = max(len(label) for label, _ in rows)
    print(f"\n{'step':<{width}}  {'n':>2}  {'min s':>7}  {'median s':>8}  {'max s':>7}")
    for label, times in rows:
        print(f"{label:<{width}}  {len(times):>2}  {min(times):7.3f}  {statistics.median(times):8.3f}  "
              f"{max(times):7.3f}")
    target = statistics.median(rows[1][1])
    print(f"\ntarget: province yearly aggregate < 10 s — median {target:.2f} s: "
          f"{'met' if target < 10 else 'NOT met'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
