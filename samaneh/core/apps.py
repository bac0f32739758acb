from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "samaneh.core"
    label = "core"
    verbose_name = "هسته"
