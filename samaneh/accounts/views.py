"""Sign-in pages. Citizens: mobile → SMS code. Staff: password → TOTP (enrolment the first time).

A staff user is logged in only after a correct TOTP code, so every authenticated staff session is
OTP-verified (`request.user.is_verified()`), which the admin requires.
"""
from base64 import b32encode

import django_otp
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import REDIRECT_FIELD_NAME, get_user_model, login
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import NON_FIELD_ERRORS
from django.http import HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_http_methods
from django_otp.plugins.otp_totp.models import TOTPDevice

from samaneh.accounts import otp, services
from samaneh.accounts.forms import CitizenCodeForm, CitizenMobileForm, StaffAuthenticationForm, TotpTokenForm
from samaneh.core.text import localize_digits

MODEL_BACKEND = "django.contrib.auth.backends.ModelBackend"
CITIZEN_MOBILE_SESSION_KEY = "accounts.citizen_mobile"
CITIZEN_NEXT_SESSION_KEY = "accounts.citizen_next"


def _safe_next(request):
    candidate = request.POST.get(REDIRECT_FIELD_NAME) or request.GET.get(REDIRECT_FIELD_NAME) or ""
    allowed = url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    )
    if allowed:
        return candidate
    return ""


def _redirect_after_login(next_url):
    return HttpResponseRedirect(next_url or reverse(settings.LOGIN_REDIRECT_URL))


# --- citizens ---------------------------------------------------------------------------------------------


@never_cache
@require_http_methods(["GET", "POST"])
def citizen_login(request):
    next_url = _safe_next(request)
    form = CitizenMobileForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        mobile = form.cleaned_data["mobile"]
        try:
            services.citizen_otp_send(mobile=mobile, client_ip=request.META.get("REMOTE_ADDR"))
        except services.SignInRefused as refusal:
            form.add_error("mobile", refusal.message)
        else:
            request.session[CITIZEN_MOBILE_SESSION_KEY] = mobile
            request.session[CITIZEN_NEXT_SESSION_KEY] = next_url
            messages.success(
                request, _("کد ورود به شماره %(mobile)s پیامک شد.") % {"mobile": localize_digits(mobile)}
            )
            return redirect("accounts:citizen-verify")
    return render(
        request,
        "accounts/citizen_login.html",
        {
            "form": form,
            "next": next_url,
            "pending_mobile": request.session.get(CITIZEN_MOBILE_SESSION_KEY),
        },
    )


@never_cache
@require_http_methods(["GET", "POST"])
def citizen_verify(request):
    mobile = request.session.get(CITIZEN_MOBILE_SESSION_KEY)
    if not mobile:
        messages.info(request, _("ابتدا شماره همراه خود را وارد کنید تا کد ورود برایتان پیامک شود."))
        return redirect("accounts:citizen-login")

    if request.method == "POST" and "resend" in request.POST:
        try:
            services.citizen_otp_send(mobile=mobile, client_ip=request.META.get("REMOTE_ADDR"))
        except services.SignInRefused as refusal:
            messages.error(request, refusal.message)
        else:
            messages.success(request, _("کد ورود تازه پیامک شد؛ کدهای پیشین دیگر پذیرفته نمی‌شوند."))
        return redirect("accounts:citizen-verify")

    form = CitizenCodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            user = services.citizen_otp_verify(mobile=mobile, code=form.cleaned_data["code"])
        except services.SignInRefused as refusal:
            form.add_error("code", refusal.message)
        else:
            next_url = request.session.get(CITIZEN_NEXT_SESSION_KEY, "")
            login(request, user, backend=MODEL_BACKEND)
            request.session.pop(CITIZEN_MOBILE_SESSION_KEY, None)
            request.session.pop(CITIZEN_NEXT_SESSION_KEY, None)
            return _redirect_after_login(next_url)
    return render(
        request,
        "accounts/citizen_verify.html",
        {"form": form, "mobile": mobile, "ttl_minutes": max(1, settings.CITIZEN_OTP_TTL_SECONDS // 60)},
    )


# --- staff ------------------------------------------------------------------------------------------------


@sensitive_post_parameters("password")
@never_cache
@require_http_methods(["GET", "POST"])
def staff_login(request):
    next_url = _safe_next(request)
    form = StaffAuthenticationForm(request, data=request.POST or None)
    if request.method == "POST":
        if form.is_valid():
            user = form.get_user()
            otp.staff_password_clear_failures(form.cleaned_data["username"])
            otp.staff_pending_start(request, user, next_url)
            if _has_confirmed_device(user):
                return redirect("accounts:staff-otp")
            return redirect("accounts:staff-enroll")
        if form.has_error(NON_FIELD_ERRORS, "invalid_login"):
            otp.staff_password_record_failure(form.cleaned_data["username"])
    return render(request, "accounts/staff_login.html", {"form": form, "next": next_url})


def _back_to_password_step(request, message):
    otp.staff_pending_clear(request)
    messages.warning(request, message)
    return redirect("accounts:staff-login")


def _pending_user(request):
    """(pending state, user, None) for the second step, or (None, None, redirect to the password step)."""
    pending = otp.staff_pending_get(request)
    if pending == "expired":
        message = _("زمان وارد کردن کد تأیید گذشت؛ دوباره نام کاربری و گذرواژه را وارد کنید.")
        return None, None, _back_to_password_step(request, message)
    if pending is None:
        return None, None, _back_to_password_step(request, _("ابتدا نام کاربری و گذرواژه را وارد کنید."))
    user = get_user_model().objects.filter(pk=pending["user_id"], is_active=True, is_citizen=False).first()
    if user is None:
        return None, None, _back_to_password_step(request, _("ابتدا نام کاربری و گذرواژه را وارد کنید."))
    return pending, user, None


def _has_confirmed_device(user):
    return TOTPDevice.objects.devices_for_user(user, confirmed=True).exists()


def _complete_staff_login(request, user, device, next_url):
    otp.staff_pending_clear(request)
    login(request, user, backend=MODEL_BACKEND)
    django_otp.login(request, device)
    return _redirect_after_login(next_url)


@never_cache
@require_http_methods(["GET", "POST"])
def staff_enroll(request):
    pending, user, back = _pending_user(request)
    if back:
        return back
    if _has_confirmed_device(user):
        return redirect("accounts:staff-otp")
    device = services.staff_totp_device_for_enrolment(user=user)
    form = TotpTokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.staff_totp_confirm(device=device, token=form.cleaned_data["token"])
        except services.SignInRefused as refusal:
            if otp.staff_pending_record_failure(request):
                message = _("کد تأیید چند بار نادرست وارد شد؛ دوباره نام کاربری و گذرواژه را وارد کنید.")
                return _back_to_password_step(request, message)
            form.add_error("token", refusal.message)
        else:
            return _complete_staff_login(request, user, device, pending["next"])
    secret = b32encode(device.bin_key).decode()
    return render(
        request,
        "accounts/staff_enroll.html",
        {
            "form": form,
            "qr_svg": otp.totp_qr_svg(device.config_url),
            "secret_groups": [secret[i : i + 4] for i in range(0, len(secret), 4)],
            "issuer": settings.OTP_TOTP_ISSUER,
            "username": user.get_username(),
        },
    )


@never_cache
@require_http_methods(["GET", "POST"])
def staff_otp(request):
    pending, user, back = _pending_user(request)
    if back:
        return back
    if not _has_confirmed_device(user):
        return redirect("accounts:staff-enroll")
    form = TotpTokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            device = services.staff_totp_verify(user=user, token=form.cleaned_data["token"])
        except services.SignInRefused as refusal:
            if otp.staff_pending_record_failure(request):
                message = _("کد تأیید چند بار نادرست وارد شد؛ دوباره نام کاربری و گذرواژه را وارد کنید.")
                return _back_to_password_step(request, message)
            form.add_error("token", refusal.message)
        else:
            return _complete_staff_login(request, user, device, pending["next"])
    return render(request, "accounts/staff_otp.html", {"form": form, "username": user.get_username()})


def admin_login_redirect(request, extra_context=None):
    """Stands in for the admin's own login form, which would skip the TOTP step (same signature as
    `AdminSite.login`, whose place it takes)."""
    return redirect_to_login(request.GET.get(REDIRECT_FIELD_NAME) or reverse("admin:index"), "accounts:staff-login")
