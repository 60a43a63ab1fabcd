from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "dondoc.accounts"
    verbose_name = "Người dùng và vai trò"
