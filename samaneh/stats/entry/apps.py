from django.apps import AppConfig


class StatsEntryConfig(AppConfig):
    name = "samaneh.stats.entry"
    label = "stats_entry"
    verbose_name = "ورود داده و کنترل کیفیت"
