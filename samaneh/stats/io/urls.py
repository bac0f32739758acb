from django.urls import path

from samaneh.stats.io import views

app_name = "stats_io"
urlpatterns = [
    path("", views.index, name="index"),
    path("template/", views.template, name="template"),
    path("jobs/<int:pk>/", views.job, name="job"),
    path("jobs/<int:pk>/confirm/", views.confirm, name="confirm"),
    path("jobs/<int:pk>/progress/", views.progress, name="progress"),
]
