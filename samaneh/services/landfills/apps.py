from django.apps import AppConfig


class LandfillsConfig(AppConfig):
    name = "samaneh.services.landfills"
    label = "landfills"
    verbose_name = "بانک مراکز دفن پسماند روستایی"

    def ready(self):
        from samaneh.services.landfills import stats_feed  # noqa: F401  (registers its statistics feeds)
