from django.apps import AppConfig


class ReportsConfig(AppConfig):
    name = "dondoc.reports"
    verbose_name = "Báo cáo định kỳ"
