from django.apps import AppConfig


class TrackingConfig(AppConfig):
    name = "dondoc.tracking"
    verbose_name = "Theo dõi, đôn đốc"

    def ready(self) -> None:
        from . import audit  # noqa: F401 - registers the tracked models with django-auditlog
