from django.urls import path

from samaneh.services.complaints import views

app_name = "complaints"
urlpatterns = [
    path("", views.mine, name="mine"),
    path("new/", views.new, name="new"),
    path("new/questions/", views.category_questions, name="questions"),
    path("<int:pk>/", views.case_detail, name="case"),
    path("<int:pk>/filed/", views.filed, name="filed"),
    path("<int:pk>/act/", views.case_act, name="act"),
    path("<int:pk>/rate/", views.case_rate, name="rate"),
    path("map.json", views.map_config, name="map-config"),
    path("staff/<int:pk>/duplicates/", views.duplicates, name="duplicates"),
    path("staff/merge/", views.merge, name="merge"),
]
