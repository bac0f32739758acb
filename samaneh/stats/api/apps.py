from django.apps import AppConfig


class StatsApiConfig(AppConfig):
    name = "samaneh.stats.api"
    label = "stats_api"
    verbose_name = "API سازگار با DHIS2"
