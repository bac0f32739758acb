from django.apps import AppConfig


class StatsIoConfig(AppConfig):
    name = "samaneh.stats.io"
    label = "stats_io"
    verbose_name = "ورود و خروج داده آماری"
