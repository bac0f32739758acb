from django.urls import path

from samaneh.geo import api

app_name = "geo_api"

urlpatterns = [
    path("org-units/", api.OrgUnitListApi.as_view(), name="org-unit-list"),
    path("org-units/<int:pk>/", api.OrgUnitDetailApi.as_view(), name="org-unit-detail"),
]
