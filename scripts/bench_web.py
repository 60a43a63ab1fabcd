"""Web pages at province scale: build `dondoc demo_scale`'s province (≈250 agencies, three years, ≈30,000 tasks) in a
throw-away database, then time the pages people use most, the dashboard selectors beside their SQL floors, and the
whole site under load (gunicorn + locust on loopback).

    python scripts/bench_web.py [--repeat 20] [--database-url postgres://…/empty_db] [--no-load] [--profile]
                                [--markdown FILE] [--keep]

1. pages through Django's test Client, signed in as the role that uses them (p50/p95 of --repeat warm requests,
   and the SQL queries of one request): the work queue (an agency's focal officer; the standing agency), the
   overdue board, the province's plan of the current year, the province's and an agency's dashboards, an agency's
   report draft and the province's aggregate draft of the current period, and the API's list endpoints;
2. each dashboard selector beside its hand-written SQL floor (scripts/bench_dashboards.py's), same run;
3. a load test: gunicorn (dondoc.wsgi, DEBUG off) on 127.0.0.1 over the same database, and locust headless (users
   signing in, then a weighted mix of those pages: scripts/locustfile_web.py) for a fixed time; requests/s,
   p50/p95 and errors; everything shut down at the end.

Like bench_reports.py it never reads DATABASE_URL: a PostgreSQL run names its (empty) database with --database-url,
and a database that already holds plans is refused. The data's "today" is the real date (the load test's server
runs on the real clock), so the figures are those of the day the benchmark runs.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import json
import math
import os
import platform
import pstats
import random
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_reports import configure  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
VENV_BIN = Path(sys.executable).parent
PASSWORD = "bench-web-only"  # a throw-away data set's accounts
SECRET = "bench-web-only-not-a-secret-key-but-long-enough-for-django-0123456789"

GOALS = {"sqlite": 300.0, "postgresql": 200.0}  # p95 ms per page
FLOOR_RATIO_GOAL = 2.0
RPS_GOAL = 150.0


@dataclass
class Page:
    label: str
    username: str
    url: str
    times: list[float] = field(default_factory=list)
    queries: int = 0
    size: int = 0
    profile: str = ""


def p95(times: list[float]) -> float:
    ordered = sorted(times)
    return ordered[max(0, math.ceil(0.95 * len(ordered)) - 1)]


def ms(seconds: float) -> float:
    return seconds * 1000


# --- the data set ------------------------------------------------------------------------------------------------

def build(a: argparse.Namespace) -> dict[str, int]:
    from dondoc.web import scale

    started = time.perf_counter()
    try:
        counts = scale.build(scale.Options(seed=a.seed, agencies=a.agencies, scale=a.scale, password=PASSWORD),
                             say=lambda line: print("  " + line, flush=True))
    except scale.ScaleError as exc:
        raise SystemExit(str(exc)) from exc
    counts["build_seconds"] = round(time.perf_counter() - started)
    return counts


def existing_counts() -> dict[str, int]:
    """What an earlier run built (--reuse): refused unless it is demo_scale's province."""
    from dondoc.accounts.models import User
    from dondoc.agencies.models import Agency
    from dondoc.plans.models import Plan, Task
    from dondoc.reports.models import Report
    from dondoc.tracking.models import Evidence, Extension, Notification, ProgressUpdate

    if not User.objects.filter(username="thuongtruc2").exists() or not Plan.objects.exists():
        raise SystemExit("--reuse: this database does not hold a data set of bench_web.py (demo_scale).")
    return {"agencies": Agency.objects.filter(is_group=False).count(), "users": User.objects.count(),
            "plans": Plan.objects.count(), "tasks": Task.objects.count(),
            "progress_updates": ProgressUpdate.objects.count(), "evidence": Evidence.objects.count(),
            "extensions": Extension.objects.count(), "reports": Report.objects.count(),
            "notifications": Notification.objects.count(), "build_seconds": 0}


def pick(today: date) -> dict[str, Any]:
    """The accounts and addresses of the pages timed (and of the load test)."""
    from django.db.models import Count, Q
    from django.urls import reverse

    from dondoc.accounts.models import Role, User
    from dondoc.agencies.models import Agency
    from dondoc.plans.models import Plan, ReportPeriod
    from dondoc.reports.models import Report

    plan = Plan.objects.get(year=today.year, parent=None)
    # the busiest agency: the one leading most open tasks this year (its officers' lists are the longest)
    busiest = (Agency.objects.filter(task_roles__role="lead", task_roles__task__plan__year=today.year)
               .annotate(n=Count("task_roles", filter=~Q(task_roles__task__status__in=["done", "cancelled"])))
               .order_by("-n", "pk").first())
    assert busiest is not None
    period = (ReportPeriod.objects.filter(plan=plan, data_from__lte=today).order_by("-data_to").first())
    drafts = Report.objects.filter(period=period, scope=Report.Scope.AGENCY, state=Report.State.DRAFT)
    # the agency draft with most tasks behind it: a department's or a district's when there is one
    draft = (drafts.filter(agency__level__code__in=["department", "district"]).order_by("agency__name").first()
             or drafts.order_by("pk").first())
    aggregate = Report.objects.filter(period=period, scope=Report.Scope.PROVINCE).order_by("-version").first()
    users = {u.username: u for u in User.objects.filter(Q(agency=busiest) | Q(username="thuongtruc")
                                                        | Q(agency=draft.agency if draft else None))}
    focal = next(u for u in users.values() if u.agency_id == busiest.pk and u.role == Role.FOCAL)
    leader = next(u for u in users.values() if u.agency_id == busiest.pk and u.role == Role.LEADER)
    return {"plan": plan, "busiest": busiest, "period": period, "draft": draft, "aggregate": aggregate,
            "focal": focal, "leader": leader, "standing": users["thuongtruc"],
            "draft_focal": User.objects.get(agency=draft.agency, role=Role.FOCAL) if draft else None,
            "login": reverse("login")}


def pages_of(chosen: dict[str, Any]) -> list[Page]:
    from django.urls import reverse

    standing, focal, leader = chosen["standing"].username, chosen["focal"].username, chosen["leader"].username
    busiest, plan = chosen["busiest"], chosen["plan"]
    pages = [
        Page(f"work queue: focal officer ({busiest.name})", focal, reverse("work_queue")),
        Page("work queue: standing agency (whole province)", standing, reverse("work_queue")),
        Page("overdue board (standing agency)", standing, reverse("overdue_board")),
        Page(f"province plan {plan.year} ({plan.tasks.count():,} tasks)", standing,
             reverse("plan_detail", args=[plan.pk])),
        Page("province dashboard", standing, reverse("dashboard")),
        Page(f"agency dashboard (leader, {busiest.name})", leader, reverse("dashboard_agency", args=[busiest.pk])),
    ]
    if chosen["draft"] is not None:
        pages.append(Page(f"report draft: {chosen['draft'].agency.name}, {chosen['period'].name}",
                          chosen["draft_focal"].username, reverse("report_detail", args=[chosen["draft"].pk])))
    if chosen["aggregate"] is not None:
        pages.append(Page(f"report draft: province aggregate, {chosen['period'].name}", standing,
                          reverse("report_detail", args=[chosen["aggregate"].pk])))
    for name in ("plan", "task", "milestone", "update", "agency", "report", "target"):
        pages.append(Page(f"API {reverse(f'api_{name}-list')}", standing, reverse(f"api_{name}-list")))
    pages.append(Page(f"API {reverse('api_task-list')} (focal officer)", focal, reverse("api_task-list")))
    return pages


# --- 1. pages ------------------------------------------------------------------------------------------------------

def measure_pages(pages: list[Page], repeat: int, profile: bool) -> None:
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from dondoc.accounts.models import User

    clients: dict[str, Client] = {}
    for page in pages:
        client = clients.get(page.username)
        if client is None:
            client = clients[page.username] = Client()
            client.force_login(User.objects.get(username=page.username))

        def get(url: str = page.url, client: Client = client) -> Any:
            response = client.get(url)
            if response.status_code != 200:
                raise SystemExit(f"{url} answered {response.status_code}")
            return response

        page.size = len(get().content)  # warm: templates compiled, caches and the database's pages read
        with CaptureQueriesContext(connection) as queries:
            get()
        page.queries = len(queries)
        if profile:
            page.profile = profile_of(get, queries.captured_queries)
        for _ in range(repeat):
            started = time.perf_counter()
            get()
            page.times.append(time.perf_counter() - started)
        print(f"  {page.label}: p50 {ms(statistics.median(page.times)):.0f} ms, p95 {ms(p95(page.times)):.0f} ms, "
              f"{page.queries} queries", flush=True)


def profile_of(get: Callable[[], Any], queries: list[dict[str, Any]]) -> str:
    """Where one request spends its time: the top functions (cumulative) and the slowest SQL statements."""
    profiler = cProfile.Profile()
    profiler.runcall(get)
    out = io.StringIO()
    stats = pstats.Stats(profiler, stream=out).sort_stats("cumulative")
    stats.print_stats(r"dondoc|django/template/base|django/db/models/query|django/db/backends", 22)
    slow = sorted(queries, key=lambda q: float(q["time"]), reverse=True)[:5]
    total = sum(float(q["time"]) for q in queries)
    out.write(f"SQL: {len(queries)} queries, {total * 1000:.1f} ms in the database\n")
    for q in slow:
        out.write(f"  {float(q['time']) * 1000:7.1f} ms  {q['sql'][:300]}\n")
    return out.getvalue()


# --- 2. the dashboard selectors beside their SQL floors ------------------------------------------------------------

def measure_floors(repeat: int, today: date) -> list[tuple[str, list[float], list[float], str]]:
    from bench_dashboards import selector_steps, timed

    rows = []
    for _name, label, ours, floor, compare in selector_steps(today.year, today):
        times, result = timed(ours, repeat)
        floor_times, floor_result = timed(floor, repeat)
        verdict = "equal"
        try:
            compare(result, floor_result)
        except SystemExit as exc:  # the floors' check stops bench_dashboards; here the table says so
            verdict = f"DIFFERENT: {exc}"[:300]
        rows.append((label, times, floor_times, verdict))
        print(f"  {label}: {ms(statistics.median(times)):.1f} ms, floor {ms(statistics.median(floor_times)):.1f} ms, "
              f"{verdict}", flush=True)
    return rows


# --- 3. the load test ----------------------------------------------------------------------------------------------

def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class CpuMeter:
    """Samples the CPU time (user + system) of a process and its children every quarter second, from /proc, so the
    server's CPU cost per request can be read over any interval of the run (other work on the machine aside)."""

    def __init__(self, pid: int) -> None:
        import threading

        self.pid = pid
        self.samples: list[tuple[float, float]] = []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self.tick = os.sysconf("SC_CLK_TCK")

    def _cpu(self) -> float:
        total = 0
        for entry in Path("/proc").iterdir():
            if not entry.name.isdigit():
                continue
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(entry.name) == self.pid or int(fields[1]) == self.pid:  # fields[1]: the parent's id
                total += int(fields[11]) + int(fields[12])  # utime, stime
        return total / self.tick

    def _run(self) -> None:
        while not self._stop.is_set():
            self.samples.append((time.time(), self._cpu()))
            self._stop.wait(0.25)

    def __enter__(self) -> CpuMeter:
        self._thread.start()
        return self

    def __exit__(self, *_exc: Any) -> None:
        self._stop.set()
        self._thread.join()

    def between(self, start: float, end: float) -> float | None:
        inside = [cpu for at, cpu in self.samples if start <= at <= end]
        return inside[-1] - inside[0] if len(inside) >= 2 else None


def locust_plan(chosen: dict[str, Any], tmp: Path, think: tuple[float, float], agencies: int = 60) -> Path:
    """Who the load test's users are and where they go: the standing agency's officers, and the focal officers and
    leaders of a sample of agencies (each with its own dashboard, plan and report draft)."""
    from django.urls import reverse

    from dondoc.accounts.models import Role, User
    from dondoc.plans.models import Plan
    from dondoc.reports.models import Report

    period, plan = chosen["period"], chosen["plan"]
    standing_pages = [
        [4, "work queue (standing)", reverse("work_queue")], [3, "overdue board", reverse("overdue_board")],
        [1, "province plan", reverse("plan_detail", args=[plan.pk])], [1, "province dashboard", reverse("dashboard")],
        [2, "API tasks", reverse("api_task-list")], [1, "API progress updates", reverse("api_update-list")],
        [1, "API plans", reverse("api_plan-list")], [1, "API reports", reverse("api_report-list")],
    ]
    if chosen["aggregate"] is not None:
        standing_pages.append([1, "report draft (aggregate)", reverse("report_detail",
                                                                      args=[chosen["aggregate"].pk])])
    officers = list(User.objects.filter(role__in=[Role.FOCAL, Role.LEADER], agency__plans__year=plan.year)
                    .exclude(agency=plan.owner).select_related("agency").order_by("pk"))
    random.Random(8).shuffle(officers)
    own_plans = dict(Plan.objects.filter(year=plan.year, parent=plan).values_list("owner_id", "pk"))
    drafts = dict(Report.objects.filter(period=period, scope=Report.Scope.AGENCY).values_list("agency_id", "pk"))
    accounts = []
    for user in officers[:agencies * 2]:
        pages = [[6, "work queue (agency)", reverse("work_queue")],
                 [3, "agency dashboard", reverse("dashboard_agency", args=[user.agency_id])],
                 [2, "agency plan", reverse("plan_detail", args=[own_plans[user.agency_id]])],
                 [2, "API tasks (agency)", reverse("api_task-list")]]
        if user.agency_id in drafts:
            pages.append([2, "report draft (agency)", reverse("report_detail", args=[drafts[user.agency_id]])])
        accounts.append({"username": user.username, "pages": pages})
    path = tmp / "locust-plan.json"
    path.write_text(json.dumps({"password": PASSWORD, "login": chosen["login"], "think": list(think),
                                "standing": {"users": ["thuongtruc", "thuongtruc2", "thuongtruc3"],
                                             "pages": standing_pages},
                                "agency": accounts}, ensure_ascii=False), "utf-8")
    return path


def load_test(a: argparse.Namespace, url: str, tmp: Path, chosen: dict[str, Any]) -> dict[str, Any]:
    port = free_port()
    env = {**os.environ, "DATABASE_URL": url, "DONDOC_DATA_DIR": str(tmp), "DEBUG": "0", "SECRET_KEY": SECRET,
           "SECURE_COOKIES": "0",  # plain HTTP on loopback: the session cookie must travel without TLS
           "ALLOWED_HOSTS": "127.0.0.1,localhost", "DONDOC_QUEUE": "immediate", "LOG_LEVEL": "WARNING",
           "DJANGO_SETTINGS_MODULE": "dondoc.settings"}
    worker_class = "gthread" if a.threads > 1 else "sync"
    server_cmd = [str(VENV_BIN / "gunicorn"), "dondoc.wsgi", "--bind", f"127.0.0.1:{port}", "--workers",
                  str(a.workers), "--threads", str(a.threads), "--worker-class", worker_class, "--timeout", "120",
                  "--log-level", "warning"]
    plan = locust_plan(chosen, tmp, (a.think_min, a.think_max))
    prefix = tmp / "locust"
    locust_cmd = [str(VENV_BIN / "locust"), "-f", str(ROOT / "scripts" / "locustfile_web.py"), "--headless",
                  "-u", str(a.users), "-r", str(a.spawn_rate), "--run-time", f"{a.seconds}s", "--host",
                  f"http://127.0.0.1:{port}", "--csv", str(prefix), "--only-summary", "--stop-timeout", "10",
                  "--loglevel", "WARNING"]
    log = (tmp / "gunicorn.log").open("w")
    server = subprocess.Popen(server_cmd, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
                              start_new_session=True)
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=5) as response:
                    if response.status == 200:
                        break
            except OSError:
                pass
            if server.poll() is not None or time.monotonic() > deadline:
                raise SystemExit(f"gunicorn did not start: {(tmp / 'gunicorn.log').read_text()[-2000:]}")
            time.sleep(0.5)
        load_before = os.getloadavg()[0]
        started = time.perf_counter()
        with CpuMeter(server.pid) as meter:
            done = subprocess.run(locust_cmd, cwd=ROOT, env={**os.environ, "DONDOC_LOCUST_PLAN": str(plan)},
                                  capture_output=True, text=True, timeout=a.seconds + 120)
        elapsed = time.perf_counter() - started
        load_after = os.getloadavg()[0]
    finally:
        if server.poll() is None:
            server.send_signal(signal.SIGTERM)  # the master stops its workers gracefully
            try:
                server.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(server.pid, signal.SIGKILL)  # the group this run started, by its id
                server.wait()
        log.close()
    stats_file = Path(f"{prefix}_stats.csv")
    if not stats_file.exists():
        raise SystemExit(f"locust wrote no statistics:\n{done.stdout[-2000:]}\n{done.stderr[-2000:]}")
    import csv

    rows = list(csv.DictReader(stats_file.open(encoding="utf-8")))
    failures_file = Path(f"{prefix}_failures.csv")
    failures = list(csv.DictReader(failures_file.open(encoding="utf-8"))) if failures_file.exists() else []
    sign_file = Path(f"{plan}.signin.json")
    written = json.loads(sign_file.read_text("utf-8")) if sign_file.exists() else {}
    steady = written.get("steady", {})
    server_cpu = meter.between(steady["from"], steady["to"]) if "from" in steady and "to" in steady else None
    return {"rows": rows, "failures": failures, "elapsed": elapsed, "server": " ".join(server_cmd[1:]),
            "sign_ins": written.get("sign_ins", []), "server_cpu": server_cpu,
            "steady_seconds": steady["to"] - steady["from"] if "from" in steady and "to" in steady else None,
            "locust": " ".join(["locust", *locust_cmd[1:]]), "load": (load_before, load_after),
            "server_errors": (tmp / "gunicorn.log").read_text()[-3000:]}


# --- output --------------------------------------------------------------------------------------------------------

def machine(vendor: str) -> str:
    import django
    from django.db import connection

    if vendor == "sqlite":
        import sqlite3

        db = f"SQLite {sqlite3.sqlite_version}"
    else:
        with connection.cursor() as cursor:
            cursor.execute("SHOW server_version")
            db = f"PostgreSQL {cursor.fetchone()[0].split()[0]}"
    memory = ""
    try:
        kb = int(next(line for line in Path("/proc/meminfo").read_text().splitlines()
                      if line.startswith("MemTotal")).split()[1])
        memory = f", {kb / 1024 / 1024:.0f} GB"
    except (OSError, StopIteration, ValueError):
        pass
    return (f"{os.cpu_count()} cores{memory}, {platform.system()} {platform.release()}, Python "
            f"{platform.python_version()}, Django {django.get_version()}, {db}")


def report(a: argparse.Namespace, vendor: str, counts: dict[str, int], pages: list[Page],
           floors: list[tuple[str, list[float], list[float], str]], load: dict[str, Any] | None,
           today: date, started: float) -> str:
    goal = GOALS.get(vendor, 200.0)
    out = io.StringIO()

    def w(line: str = "") -> None:
        out.write(line + "\n")

    w(f"#### {'SQLite' if vendor == 'sqlite' else 'PostgreSQL'}")
    w()
    built = f"built in {counts['build_seconds']} s" if counts["build_seconds"] else "of an earlier run (--reuse)"
    w(f"Run on {date.today():%Y-%m-%d} (data as of {today:%d/%m/%Y}): {machine(vendor)}; load average "
      f"{os.getloadavg()[0]:.1f} at the end. Data set {built}: "
      + ", ".join(f"{counts[k]:,} {k.replace('_', ' ')}" for k in (
          "agencies", "users", "plans", "tasks", "progress_updates", "evidence", "extensions", "reports",
          "dossiers", "assessments_published", "notifications") if k in counts) + ".")
    w()
    w(f"Pages (Django test Client, signed in as shown; {a.repeat} warm requests each; goal p95 < {goal:.0f} ms):")
    w()
    w("| page | user | p50 ms | p95 ms | queries | kB | goal |")
    w("| --- | --- | ---: | ---: | ---: | ---: | --- |")
    for p in pages:
        verdict = "met" if ms(p95(p.times)) < goal else "**missed**"
        w(f"| {p.label} | {p.username} | {ms(statistics.median(p.times)):.0f} | {ms(p95(p.times)):.0f} | "
          f"{p.queries} | {p.size / 1000:.0f} | {verdict} |")
    w()
    w(f"Dashboard selectors (province {today.year}) beside their SQL floors ({a.repeat} warm runs; goal ≤ "
      f"{FLOOR_RATIO_GOAL:g}× the floor):")
    w()
    w("| selector | median ms | p95 ms | floor median ms | ÷ floor | figures | goal |")
    w("| --- | ---: | ---: | ---: | ---: | --- | --- |")
    for label, times, floor_times, verdict in floors:
        ratio = statistics.median(times) / statistics.median(floor_times)
        ok = "met" if ratio <= FLOOR_RATIO_GOAL else "**missed**"
        w(f"| {label} | {ms(statistics.median(times)):.1f} | {ms(p95(times)):.1f} | "
          f"{ms(statistics.median(floor_times)):.1f} | {ratio:.2f} | {verdict} | {ok} |")
    w()
    if load is not None:
        rows = load["rows"]
        total = next((r for r in rows if r["Name"] == "Aggregated"), None)
        signed = [s["seconds"] for s in load["sign_ins"]]
        w(f"Load test: `gunicorn {load['server']}` and `{load['locust']}` (think time {a.think_min:g}–"
          f"{a.think_max:g} s; load average {load['load'][0]:.1f} → {load['load'][1]:.1f}). Every user signs in "
          f"first: {len(signed)} sign-ins (login page + POST), "
          + (f"p50 {ms(statistics.median(signed)):.0f} ms, p95 {ms(p95(signed)):.0f} ms, "
             f"{sum(1 for s in load['sign_ins'] if not s['ok'])} refused; " if signed else "")
          + "the figures below are the steady state after the last sign-in (locust's statistics reset then):")
        w()
        w("| request | count | failures | req/s | p50 ms | p95 ms |")
        w("| --- | ---: | ---: | ---: | ---: | ---: |")
        for r in rows:
            name = "**all**" if r["Name"] == "Aggregated" else r["Name"]
            w(f"| {name} | {int(r['Request Count']):,} | {r['Failure Count']} | {float(r['Requests/s']):.1f} | "
              f"{r['50%']} | {r['95%']} |")
        w()
        if total is not None:
            rps, errors = float(total["Requests/s"]), int(total["Failure Count"])
            w(f"Throughput {rps:.1f} req/s (goal ≥ {RPS_GOAL:g}: {'met' if rps >= RPS_GOAL else '**missed**'}), "
              f"{errors} errors (goal 0: {'met' if errors == 0 else '**missed**'}).")
            requests = int(total["Request Count"])
            if load["server_cpu"] and requests:
                per = load["server_cpu"] / requests
                share = load["server_cpu"] / load["steady_seconds"] if load["steady_seconds"] else 0
                w(f"The server's processes used {load['server_cpu']:.1f} CPU-seconds over the steady state's "
                  f"{load['steady_seconds']:.0f} s ({share:.2f} of the machine's {os.cpu_count()} cores): "
                  f"{per * 1000:.0f} ms of CPU per request, so {os.cpu_count()} cores given to it alone would "
                  f"serve about {(os.cpu_count() or 1) / per:.0f} req/s of this mix.")
        for f in load["failures"][:10]:
            w(f"- failure: {f.get('Method', '')} {f.get('Name', '')}: {f.get('Error', '')} "
              f"({f.get('Occurrences', '')}×)")
        w()
    w(f"Whole run {time.perf_counter() - started:.0f} s.")
    return out.getvalue()


def figures(a: argparse.Namespace, vendor: str, counts: dict[str, int], pages: list[Page],
            floors: list[tuple[str, list[float], list[float], str]], load: dict[str, Any] | None,
            today: date) -> dict[str, Any]:
    out: dict[str, Any] = {
        "vendor": vendor, "machine": machine(vendor), "cores": os.cpu_count() or 1, "day": today.isoformat(),
        "counts": counts,
        "pages": [{"label": p.label, "user": p.username, "p50": ms(statistics.median(p.times)), "p95": ms(p95(p.times)),
                   "queries": p.queries, "kb": p.size / 1000} for p in pages],
        "floors": [{"label": label, "median": ms(statistics.median(t)), "p95": ms(p95(t)),
                    "floor": ms(statistics.median(f)), "verdict": verdict} for label, t, f, verdict in floors]}
    if load is not None:
        total = next((r for r in load["rows"] if r["Name"] == "Aggregated"), None)
        signed = [s["seconds"] for s in load["sign_ins"]]
        out["load"] = {
            "server": load["server"], "users": a.users, "seconds": a.seconds,
            "rps": float(total["Requests/s"]) if total else 0.0,
            "requests": int(total["Request Count"]) if total else 0,
            "failures": int(total["Failure Count"]) if total else 0, "p50": total["50%"] if total else "",
            "p95": total["95%"] if total else "", "server_cpu": load["server_cpu"],
            "steady_seconds": load["steady_seconds"], "load": load["load"],
            "sign_in_p50": ms(statistics.median(signed)) if signed else None,
            "sign_in_p95": ms(p95(signed)) if signed else None}
    return out


def combine(runs: list[dict[str, Any]]) -> str:
    """The pages and floors of several runs side by side (one column pair per database), then their load tests."""
    names = {"sqlite": "SQLite", "postgresql": "PostgreSQL"}
    out = io.StringIO()

    def w(line: str = "") -> None:
        out.write(line + "\n")

    head = " | ".join(f"{names.get(r['vendor'], r['vendor'])} p50 / p95 ms (goal p95 < "
                      f"{GOALS.get(r['vendor'], 200):.0f})" for r in runs)
    w(f"| page | user | {head} | queries |")
    w("| --- | --- | " + " | ".join("---:" for _ in runs) + " | ---: |")
    for i, page in enumerate(runs[0]["pages"]):
        cells = []
        for r in runs:
            p = r["pages"][i]
            mark = "" if p["p95"] < GOALS.get(r["vendor"], 200) else " ✗"
            cells.append(f"{p['p50']:.0f} / {p['p95']:.0f}{mark}")
        queries = "/".join(str(r["pages"][i]["queries"]) for r in runs)
        w(f"| {page['label']} | {page['user']} | {' | '.join(cells)} | {queries} |")
    w()
    head = " | ".join(f"{names.get(r['vendor'], r['vendor'])} median / floor ms (÷)" for r in runs)
    w(f"| selector | {head} |")
    w("| --- | " + " | ".join("---:" for _ in runs) + " |")
    for i, floor in enumerate(runs[0]["floors"]):
        cells = []
        for r in runs:
            f = r["floors"][i]
            ratio = f["median"] / f["floor"] if f["floor"] else float("inf")
            mark = "" if ratio <= FLOOR_RATIO_GOAL else " ✗"
            same = "" if f["verdict"] == "equal" else " (figures differ)"
            cells.append(f"{f['median']:.1f} / {f['floor']:.1f} ({ratio:.2f}){mark}{same}")
        w(f"| {floor['label']} | {' | '.join(cells)} |")
    w()
    w("| load test | req/s (goal ≥ 150) | errors | p50 / p95 ms | sign-in p50 / p95 ms | server CPU per request | "
      "all cores' worth |")
    w("| --- | ---: | ---: | ---: | ---: | ---: | ---: |")
    for r in runs:
        load = r.get("load")
        if not load:
            continue
        per = load["server_cpu"] / load["requests"] if load.get("server_cpu") and load["requests"] else None
        sign = (f"{load['sign_in_p50']:.0f} / {load['sign_in_p95']:.0f}" if load.get("sign_in_p50") is not None
                else "—")
        w(f"| {names.get(r['vendor'], r['vendor'])}, {load['users']} users, {load['seconds']} s | {load['rps']:.1f} | "
          f"{load['failures']} | {load['p50']} / {load['p95']} | {sign} | "
          + (f"{per * 1000:.0f} ms | ≈{r.get('cores', 1) / per:.0f} req/s |" if per else "— | — |"))
    return out.getvalue()


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--repeat", type=int, default=20, help="timed requests of each page (after one warm-up)")
    ap.add_argument("--database-url", default="",
                    help="an empty database to fill (default: a new SQLite file in a temporary folder)")
    ap.add_argument("--seed", type=int, default=1, help="demo_scale's seed")
    ap.add_argument("--agencies", type=int, default=250, help="demo_scale --agencies")
    ap.add_argument("--scale", type=float, default=1.0, help="demo_scale --scale")
    ap.add_argument("--no-load", action="store_true", help="skip the load test")
    ap.add_argument("--workers", type=int, default=4, help="gunicorn workers (default 4)")
    ap.add_argument("--threads", type=int, default=1, help="threads per worker (more than 1: gthread workers)")
    ap.add_argument("--users", type=int, default=50, help="locust users (default 50)")
    ap.add_argument("--spawn-rate", type=int, default=50, help="locust users started per second (default 50)")
    ap.add_argument("--seconds", type=int, default=60, help="load test duration (default 60)")
    ap.add_argument("--think-min", type=float, default=0.0, help="each user's least pause between pages, s")
    ap.add_argument("--think-max", type=float, default=0.2, help="each user's longest pause between pages, s")
    ap.add_argument("--profile", action="store_true", help="print where one request of each page spends its time")
    ap.add_argument("--markdown", default="", help="write the results as a markdown section to this file")
    ap.add_argument("--json", default="", help="write the figures as JSON to this file (for --combine)")
    ap.add_argument("--combine", nargs="+", default=[], metavar="JSON",
                    help="print one markdown table of the pages, floors and load tests of earlier --json runs "
                         "(SQLite beside PostgreSQL) and stop")
    ap.add_argument("--keep", action="store_true", help="keep the temporary folder (and the SQLite file)")
    ap.add_argument("--reuse", default="",
                    help="time again over the data set an earlier --keep run left in this folder (with its "
                         "--database-url for PostgreSQL): no new data set")
    a = ap.parse_args()
    if a.combine:
        print(combine([json.loads(Path(f).read_text("utf-8")) for f in a.combine]))
        return 0
    tmp = Path(a.reuse) if a.reuse else Path(tempfile.mkdtemp(prefix="dondoc-bench-web-"))
    url = a.database_url or f"sqlite:///{tmp / 'bench.sqlite3'}"
    try:
        return run(a, url, tmp)
    finally:
        if a.keep or a.reuse:
            print(f"giữ lại {tmp}")
        else:
            shutil.rmtree(tmp, ignore_errors=True)


def run(a: argparse.Namespace, url: str, tmp: Path) -> int:
    started = time.perf_counter()
    os.environ["SECRET_KEY"] = SECRET
    configure(url, tmp)
    from django.core.management import call_command
    from django.db import connection
    from django.test.utils import setup_test_environment
    from django.utils import timezone

    vendor = connection.vendor
    call_command("migrate", verbosity=0)
    if a.reuse:
        counts = existing_counts()
        print(f"database: {vendor}; the data set of {a.reuse}", flush=True)
    else:
        print(f"database: {vendor}; building the province (demo_scale)", flush=True)
        counts = build(a)  # ends with the planner statistics refreshed (ANALYZE), as demo_scale does
    today = timezone.localdate()
    setup_test_environment()  # the test Client's host is allowed
    chosen = pick(today)
    pages = pages_of(chosen)
    print("pages:", flush=True)
    measure_pages(pages, a.repeat, a.profile)
    print("dashboard selectors and their SQL floors:", flush=True)
    floors = measure_floors(a.repeat, today)
    load = None
    if not a.no_load:
        connection.close()  # the server's workers have the database to themselves
        print(f"load test: {a.users} users for {a.seconds} s", flush=True)
        load = load_test(a, url, tmp, chosen)
    text = report(a, vendor, counts, pages, floors, load, today, started)
    print()
    print(text)
    if a.profile:
        for page in pages:
            print(f"\n=== {page.label} ===\n{page.profile}")
    if load is not None and load["server_errors"].strip():
        print("gunicorn log (end):\n" + load["server_errors"])
    if a.markdown:
        Path(a.markdown).write_text(text, "utf-8")
        print(f"markdown: {a.markdown}")
    if a.json:
        Path(a.json).write_text(json.dumps(figures(a, vendor, counts, pages, floors, load, today), ensure_ascii=False,
                                           indent=1), "utf-8")
        print(f"json: {a.json}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
