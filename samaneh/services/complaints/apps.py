from django.apps import AppConfig


class ComplaintsConfig(AppConfig):
    name = "samaneh.services.complaints"
    label = "complaints"
    verbose_name = "شکایات و درخواست‌های مردمی"

    def ready(self):
        from samaneh.cases import registry
        from samaneh.services.complaints.manifest import MANIFEST

        registry.register(MANIFEST)
        from samaneh.services.complaints import stats_feed  # noqa: F401  (registers its statistics feeds)
