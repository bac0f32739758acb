from django.apps import AppConfig


class LandfillsPrioritiesConfig(AppConfig):
    name = "samaneh.services.landfills.priorities"
    label = "landfills_priorities"
    verbose_name = "اولویت‌بندی تأمین اعتبار"
