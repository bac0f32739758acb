from django.urls import path

from samaneh.geo import dehyari_views

app_name = "dehyaris"
urlpatterns = [
    path("import/", dehyari_views.import_dehyaris, name="import"),
    path("template.csv", dehyari_views.download_template, name="template"),
]
