"""Periodic jobs of the follow-up (Huey): daily reminders at 07:00 and the weekly digest on Mondays at 07:30,
Vietnam time. The worker that `make run` starts (`dondoc run_huey`, embedded SQLite queue) runs them, as does a
worker on a Redis queue (DONDOC_QUEUE=redis://…); `dondoc send_reminders` runs them by hand.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings
from huey import crontab
from huey.contrib.djhuey import HUEY, db_periodic_task

from . import reminders


def local_crontab(utc: bool, **fields: str) -> Callable[[datetime], bool]:
    """A crontab read in the project's time zone (Asia/Ho_Chi_Minh). Huey hands periodic tasks a naive UTC
    timestamp when it runs in UTC (its default) and a naive local one otherwise; either is turned into the
    project's wall-clock time before the crontab fields are compared."""
    matches = crontab(**fields)
    zone = ZoneInfo(settings.TIME_ZONE)

    def validate(timestamp: datetime) -> bool:
        if timestamp.tzinfo is not None:
            timestamp = timestamp.astimezone(zone).replace(tzinfo=None)
        elif utc:
            timestamp = timestamp.replace(tzinfo=UTC).astimezone(zone).replace(tzinfo=None)
        return matches(timestamp)

    return validate


DAILY = local_crontab(HUEY.utc, minute="0", hour="7")
MONDAY_MORNING = local_crontab(HUEY.utc, minute="30", hour="7", day_of_week="1")


@db_periodic_task(DAILY, retries=2, retry_delay=300)
def daily_reminders() -> dict[str, Any]:
    """Recurring periods of the year, reminders of what is due soon and what is overdue (each once)."""
    return reminders.run_job()


@db_periodic_task(MONDAY_MORNING, retries=2, retry_delay=300)
def weekly_digest() -> int:
    """Overdue counts per agency and area, and what falls due this week, to the standing agency."""
    return reminders.send_digest()
