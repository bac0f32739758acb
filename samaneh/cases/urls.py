from django.urls import path

from samaneh.cases import views

app_name = "cases"

urlpatterns = [
    path("", views.queue, name="queue"),
    path("export/", views.queue_export, name="queue-export"),
    path("assign/", views.queue_assign, name="queue-assign"),
    path("units/", views.unit_picker, name="unit-picker"),
    path("notifications/", views.notifications, name="notifications"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/transition/", views.transition, name="transition"),
    path("<int:pk>/refer/", views.refer, name="refer"),
    path("<int:pk>/assign/", views.assign, name="assign"),
    path("<int:pk>/comment/", views.comment, name="comment"),
]
