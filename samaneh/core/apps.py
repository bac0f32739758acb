from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "samaneh.core"
    label = "core"
    verbose_name = "هسته"

    def ready(self):
        from samaneh.core import signals  # noqa: F401  (connects the audit receivers)
