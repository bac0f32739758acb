from django.urls import path

from samaneh.geo import views

app_name = "geo"

urlpatterns = [
    path("", views.browse, name="browse"),
    path("<int:pk>/", views.unit_detail, name="unit"),
    path("<int:pk>/workspace/", views.workspace, name="workspace"),
]
