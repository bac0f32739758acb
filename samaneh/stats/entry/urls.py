from django.urls import path

from samaneh.stats.entry import views

app_name = "stats_entry"

FORM = "form/<str:data_set_uid>/<str:unit_uid>/<str:period_id>/"

urlpatterns = [
    path("", views.home, name="home"),
    path(FORM, views.form, name="form"),
    path(FORM + "value/", views.value, name="value"),
    path(FORM + "complete/", views.complete, name="complete"),
    path(FORM + "uncomplete/", views.uncomplete, name="uncomplete"),
    path(FORM + "approve/", views.approve, name="approve"),
    path(FORM + "unapprove/", views.unapprove, name="unapprove"),
    path(FORM + "reopen/", views.reopen, name="reopen"),
    path("validation/", views.validation_report, name="validation"),
    path("completeness/", views.completeness, name="completeness"),
]
