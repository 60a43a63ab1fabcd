from django.apps import AppConfig


class WebConfig(AppConfig):
    name = "dondoc.web"
    verbose_name = "Giao diện"
