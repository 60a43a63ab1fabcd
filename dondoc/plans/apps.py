from django.apps import AppConfig


class PlansConfig(AppConfig):
    name = "dondoc.plans"
    verbose_name = "Kế hoạch"
