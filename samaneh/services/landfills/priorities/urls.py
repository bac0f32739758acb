from django.urls import path

from samaneh.services.landfills.priorities import views

app_name = "landfills_priorities"

urlpatterns = [
    path("", views.ranking, name="ranking"),
    path("ranking.xlsx", views.ranking, {"fmt": "xlsx"}, name="ranking-xlsx"),
    path("ranking.pdf", views.ranking, {"fmt": "pdf"}, name="ranking-pdf"),
    path("sites/<int:pk>/", views.site_detail, name="site"),
    path("allocate/", views.allocate, name="allocate"),
    path("allocate.xlsx", views.allocate, {"fmt": "xlsx"}, name="allocate-xlsx"),
    path("allocate.pdf", views.allocate, {"fmt": "pdf"}, name="allocate-pdf"),
    path("weights/", views.weights, name="weights"),
]
