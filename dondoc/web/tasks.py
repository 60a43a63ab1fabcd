"""The job queue's hourly upkeep of the database's planner statistics (web/database.py)."""

from __future__ import annotations

from huey.contrib.djhuey import HUEY, db_periodic_task

from dondoc.tracking.tasks import local_crontab

from .database import refresh_planner_statistics

HOURLY = local_crontab(HUEY.utc, minute="17")


@db_periodic_task(HOURLY, retries=1, retry_delay=600)
def refresh_statistics() -> None:
    refresh_planner_statistics()
