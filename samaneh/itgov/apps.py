from django.apps import AppConfig


class ItgovConfig(AppConfig):
    name = "samaneh.itgov"
    label = "itgov"
    verbose_name = "بلوغ فناوری اطلاعات و نظارت بر نرم‌افزارها"
