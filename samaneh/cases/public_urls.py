from django.urls import path

from samaneh.cases import public_views

app_name = "track"
urlpatterns = [
    path("", public_views.status, name="status"),
    path("<str:code>.json", public_views.detail_json, name="detail-json"),
    path("<str:code>/", public_views.detail, name="detail"),
]
