"""Background jobs of the plans app (Huey: embedded SQLite queue by default, Redis when configured)."""

from __future__ import annotations

from huey.contrib.djhuey import db_task

from . import imports


@db_task(retries=1, retry_delay=5)
def read_import(draft_id: int) -> None:
    imports.read_draft(draft_id)
