from django.apps import AppConfig


class StatsAnalyticsConfig(AppConfig):
    name = "samaneh.stats.analytics"
    label = "stats_analytics"
    verbose_name = "تحلیل داده آماری"
