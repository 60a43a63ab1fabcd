from django.apps import AppConfig


class PublicConfig(AppConfig):
    name = "dondoc.public"
    verbose_name = "Trang công khai"
