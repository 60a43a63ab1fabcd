from django.apps import AppConfig


class AgenciesConfig(AppConfig):
    name = "dondoc.agencies"
    verbose_name = "Cơ quan, đơn vị"
