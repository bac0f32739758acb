from django.urls import path

from . import views

app_name = "landfills_planning"
urlpatterns = [
    path("", views.index, name="index"),
    path("compare/", views.compare, name="compare"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/sites/", views.sites_save, name="sites"),
    path("<int:pk>/candidates/", views.candidate_add, name="candidate-add"),
    path("<int:pk>/candidates/<int:candidate_id>/remove/", views.candidate_remove, name="candidate-remove"),
    path("<int:pk>/matrix/", views.matrix_upload, name="matrix"),
    path("<int:pk>/matrix/clear/", views.matrix_clear, name="matrix-clear"),
    path("<int:pk>/run/", views.run_start, name="run"),
    path("<int:pk>/results/", views.results, name="results"),
    path("<int:pk>/results.xlsx", views.export, name="export"),
    path("runs/<int:pk>/", views.run_status, name="run-status"),
]
