from django.urls import path

from samaneh.stats.viz import views

app_name = "stats_viz"
urlpatterns = [
    path("", views.home, name="home"),
    path("pivot/", views.pivot, name="pivot"),
    path("pivot/export.xlsx", views.pivot_export, name="pivot_export"),
    path("chart/", views.chart, name="chart"),
    path("map/", views.map_view, name="map"),
    path("pickers/periods/", views.period_list, name="period_list"),
    path("pickers/units/<str:uid>/", views.unit_children, name="unit_children"),
    path("saved/", views.visualization_list, name="saved"),
    path("saved/new/", views.visualization_save, name="save"),
    path("saved/<int:pk>/", views.visualization_open, name="saved_open"),
    path("saved/<int:pk>/delete/", views.visualization_delete, name="saved_delete"),
    path("dashboards/", views.dashboards, name="dashboards"),
    path("dashboards/<int:pk>/", views.dashboard, name="dashboard"),
    path("boundaries/<str:kind>.geojson", views.boundaries_geojson, name="boundaries"),
]
