from django.apps import AppConfig


class IndicatorsConfig(AppConfig):
    name = "dondoc.indicators"
    verbose_name = "Chỉ tiêu và số liệu một cửa"
