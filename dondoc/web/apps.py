from typing import Any

from django.apps import AppConfig, apps
from django.db.models.signals import post_migrate


def _refresh_statistics(sender: AppConfig, using: str, **kwargs: Any) -> None:
    from .database import refresh_planner_statistics

    refresh_planner_statistics(using)


class WebConfig(AppConfig):
    name = "dondoc.web"
    verbose_name = "Giao diện"

    def ready(self) -> None:
        # post_migrate is sent once per app that has models (this one has none), after every table exists: the
        # plans app's signal stands for the whole migrate
        post_migrate.connect(_refresh_statistics, sender=apps.get_app_config("plans"),
                             dispatch_uid="dondoc-refresh-statistics")
