from django.apps import AppConfig


class WebConfig(AppConfig):
    name = "samaneh.web"
    label = "web"
    verbose_name = "وب"
