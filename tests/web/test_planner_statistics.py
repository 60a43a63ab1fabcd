"""The planner statistics (web/database.py): gathered after migrate and by the hourly job, on either database."""

from __future__ import annotations

import pytest
from django.db import connection

from dondoc.agencies.models import Agency
from dondoc.plans.models import Plan, Task, TaskAgency
from dondoc.web import tasks
from dondoc.web.database import refresh_planner_statistics

pytestmark = pytest.mark.django_db(transaction=True)


def analysed_tables() -> set[str]:
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("SELECT DISTINCT tbl FROM sqlite_stat1")
        else:
            cursor.execute("SELECT relname FROM pg_stat_user_tables WHERE last_analyze IS NOT NULL")
        return {row[0] for row in cursor.fetchall()}


def forget_statistics() -> None:
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("DELETE FROM sqlite_stat1")
        else:
            cursor.execute("SELECT pg_stat_reset()")


def some_tasks() -> None:
    """SQLite keeps no statistics of an empty table."""
    agency = Agency.objects.create(name="Sở Tư pháp")
    plan = Plan.objects.create(title="Kế hoạch thử", year=2025, owner=agency)
    for n in range(3):
        task = Task.objects.create(plan=plan, number=str(n), order=n, content=f"Nhiệm vụ {n}")
        TaskAgency.objects.create(task=task, agency=agency, role=TaskAgency.Role.LEAD, text=agency.name)


def test_migrate_left_statistics_and_refreshing_gathers_them_again() -> None:
    assert "django_migrations" in analysed_tables()  # the test database was migrated: post_migrate analysed it
    some_tasks()
    forget_statistics()
    assert "plans_task" not in analysed_tables()
    refresh_planner_statistics()
    assert {"plans_task", "plans_taskagency", "agencies_agency"} <= analysed_tables()


def test_the_hourly_job_refreshes_them() -> None:
    some_tasks()
    forget_statistics()
    tasks.refresh_statistics.call_local()
    assert "plans_task" in analysed_tables()
