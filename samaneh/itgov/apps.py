from django.apps import AppConfig


class ItgovConfig(AppConfig):
    name = "samaneh.itgov"
    label = "itgov"
    verbose_name = "بلوغ فناوری اطلاعات و نظارت بر نرم‌افزارها"

    def ready(self):
        from samaneh.cases import registry
        from samaneh.itgov.feeds import register_feeds
        from samaneh.itgov.manifest import MANIFEST

        registry.register(MANIFEST)
        register_feeds()
