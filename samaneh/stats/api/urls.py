from django.urls import path, re_path

from samaneh.stats.api import views

app_name = "stats_api"

# DHIS2 clients may put the API version in the path (/api/40/dataValueSets) and a format suffix (.json).
_V = r"(?:\d{2}/)?"
_RESOURCES = "|".join(views.RESOURCES)

urlpatterns = [
    re_path(rf"^{_V}system/info(?:\.json)?$", views.system_info, name="system-info"),
    re_path(rf"^{_V}me(?:\.json)?$", views.me, name="me"),
    re_path(rf"^{_V}dataValueSets(?:\.(?P<fmt>json|csv))?$", views.data_value_sets, name="data-value-sets"),
    re_path(rf"^{_V}dataValues(?:\.json)?$", views.data_value, name="data-value"),
    re_path(rf"^{_V}(?P<resource>{_RESOURCES})(?:\.json)?$", views.metadata_list, name="metadata-list"),
    re_path(rf"^{_V}(?P<resource>{_RESOURCES})/(?P<uid>[A-Za-z0-9]{{11}})(?:\.json)?$", views.metadata_detail,
            name="metadata-detail"),
    path("account/credentials", views.credentials, name="credentials"),
]
