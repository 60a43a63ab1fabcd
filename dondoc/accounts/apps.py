from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "dondoc.accounts"
    verbose_name = "Người dùng và vai trò"

    def ready(self) -> None:
        from . import signals  # noqa: F401 - connects the user audit's receivers
