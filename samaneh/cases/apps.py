from django.apps import AppConfig


class CasesConfig(AppConfig):
    name = "samaneh.cases"
    label = "cases"
    verbose_name = "پرونده‌ها"
