from django.urls import path

from samaneh.cases import attachment_views

app_name = "attachments"
urlpatterns = [
    path("<int:pk>/", attachment_views.download, name="download"),
    path("case/<int:case_pk>/add/", attachment_views.add, name="add"),
]
