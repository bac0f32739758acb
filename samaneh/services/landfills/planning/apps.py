from django.apps import AppConfig


class LandfillsPlanningConfig(AppConfig):
    name = "samaneh.services.landfills.planning"
    label = "landfills_planning"
    verbose_name = "برنامه‌ریزی تجمیع مراکز دفن"
