from django.contrib.auth.views import LogoutView
from django.urls import path

from samaneh.accounts import views

app_name = "accounts"

urlpatterns = [
    path("login/", views.citizen_login, name="citizen-login"),
    path("login/code/", views.citizen_verify, name="citizen-verify"),
    path("staff/login/", views.staff_login, name="staff-login"),
    path("staff/enroll/", views.staff_enroll, name="staff-enroll"),
    path("staff/otp/", views.staff_otp, name="staff-otp"),
    # Django's LogoutView accepts POST only and then goes to LOGOUT_REDIRECT_URL (the home page).
    path("logout/", LogoutView.as_view(), name="logout"),
]
