from django.apps import AppConfig


class StatsConfig(AppConfig):
    name = "samaneh.stats"
    label = "stats"
    verbose_name = "سامانه جامع آماری"
