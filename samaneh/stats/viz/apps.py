from django.apps import AppConfig


class StatsVizConfig(AppConfig):
    name = "samaneh.stats.viz"
    label = "stats_viz"
    verbose_name = "جدول محوری، نمودار، نقشه و داشبورد"
