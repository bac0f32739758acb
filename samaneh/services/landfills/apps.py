from django.apps import AppConfig


class LandfillsConfig(AppConfig):
    name = "samaneh.services.landfills"
    label = "landfills"
    verbose_name = "بانک مراکز دفن پسماند روستایی"
