from django.apps import AppConfig


class GeoConfig(AppConfig):
    name = "samaneh.geo"
    label = "geo"
    verbose_name = "تقسیمات کشوری"
