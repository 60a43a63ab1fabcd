from django.apps import AppConfig


class DashboardsConfig(AppConfig):
    name = "dondoc.dashboards"
    verbose_name = "Bảng điều khiển"
