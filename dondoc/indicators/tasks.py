"""Background job: a dossier export can take minutes at province scale, so it never runs in a request."""

from __future__ import annotations

from huey.contrib.djhuey import db_task

from . import services


@db_task()
def import_dossiers(import_id: int, mapping: dict[str, str]) -> None:
    services.run_import(import_id, mapping)
