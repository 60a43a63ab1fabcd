"""Periodic job of the reports (Huey): every morning at 07:10 Vietnam time, remind the agencies that have not
sent a report due within DONDOC_REMIND_DAYS days, or past its deadline (each officer once a day)."""

from __future__ import annotations

from huey.contrib.djhuey import HUEY, db_periodic_task

from dondoc.tracking.tasks import local_crontab

from . import services

DAILY = local_crontab(HUEY.utc, minute="10", hour="7")


@db_periodic_task(DAILY, retries=2, retry_delay=300)
def report_reminders() -> int:
    return services.send_report_reminders()
