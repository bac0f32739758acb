from django.urls import path

from samaneh.services.complaints import dashboard_views

app_name = "complaints_dashboard"

urlpatterns = [
    path("", dashboard_views.dashboard, name="index"),
    path("export.xlsx", dashboard_views.export, name="export"),
]
