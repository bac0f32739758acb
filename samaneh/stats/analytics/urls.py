from django.urls import path

from samaneh.stats.analytics import views

app_name = "stats_analytics"
urlpatterns = [
    path("analytics", views.analytics, name="analytics"),
    path("analytics.json", views.analytics, name="analytics_json"),
    path("analytics.csv", views.analytics, {"fmt": "csv"}, name="analytics_csv"),
]
