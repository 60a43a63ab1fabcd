from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "dondoc.audit"
    verbose_name = "Nhật ký thay đổi"
