from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "dondoc.api"
    verbose_name = "API cho hệ thống thông tin báo cáo"
