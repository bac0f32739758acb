"""Who is calling the API: HTTP Basic with an API credential, or the signed-in web session.

Basic never accepts the web password (the web asks for a TOTP code as well); it checks the separate API
password from `ApiCredential`. Failed Basic attempts are counted per client address and per username
through core.ratelimit; past the limit the answer is 429 until the window passes. CSRF is waived only for
Basic-authenticated requests: a browser sends the session cookie by itself, never a Basic header we did
not ask it to store.
"""
import base64
import binascii
import functools

from django.conf import settings
from django.core.cache import cache
from django.contrib.auth.hashers import check_password, make_password
from django.http import JsonResponse
from django.middleware.csrf import CsrfViewMiddleware
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt

from samaneh.core.audit import client_ip
from samaneh.core.ratelimit import count_hit
from samaneh.stats.api.models import ApiCredential

REALM = "DHIS2"
FAILURE_WINDOW = 15 * 60


def failure_limit():
    return getattr(settings, "STATS_API_BASIC_FAILURES", 10)


def error(status, message, http_status=None, **extra):
    """DHIS2's WebMessage shape for an error."""
    body = {
        "httpStatus": http_status or {401: "Unauthorized", 403: "Forbidden", 404: "Not Found", 409: "Conflict",
                                      413: "Payload Too Large", 415: "Unsupported Media Type",
                                      429: "Too Many Requests", 405: "Method Not Allowed",
                                      500: "Internal Server Error"}.get(status, "Bad Request"),
        "httpStatusCode": status,
        "status": "ERROR",
        "message": message,
        **extra,
    }
    return JsonResponse(body, status=status, json_dumps_params={"ensure_ascii": False})


def _unauthorized(message):
    response = error(401, message)
    response["WWW-Authenticate"] = f'Basic realm="{REALM}", charset="UTF-8"'
    return response


def _basic_credentials(header):
    try:
        decoded = base64.b64decode(header.split(" ", 1)[1].strip(), validate=True).decode("utf-8")
    except (IndexError, binascii.Error, UnicodeDecodeError):
        return None
    username, sep, password = decoded.partition(":")
    return (username, password) if sep else None


def _basic_user(request, header):
    """(user, None) or (None, error response)."""
    ip = client_ip(request) or "unknown"
    credentials = _basic_credentials(header)
    username = credentials[0] if credentials else ""
    keys = [f"stats_api:basic_fail:ip:{ip}"] + ([f"stats_api:basic_fail:user:{username.lower()}"] if username else [])
    if any((cache.get(k) or 0) >= failure_limit() for k in keys):
        response = error(429, "تلاش‌های ناموفق ورود زیاد بوده است؛ چند دقیقه دیگر دوباره امتحان کنید. "
                              "Too many failed sign-in attempts; try again in a few minutes.")
        response["Retry-After"] = str(FAILURE_WINDOW)
        return None, response
    credential = None
    if credentials:
        credential = (
            ApiCredential.objects.select_related("user")
            .filter(user__username=username, active=True, user__is_active=True)
            .first()
        )
    if credential is not None:
        valid = check_password(credentials[1], credential.password)
    else:
        # Hash anyway, so the answer's timing does not tell which usernames hold an API password.
        make_password(credentials[1] if credentials else "")
        valid = False
    if not valid:
        for key in keys:
            count_hit(key, FAILURE_WINDOW)
        return None, _unauthorized(
            "نام کاربری یا گذرواژه API نادرست است (گذرواژه ورود به وب اینجا پذیرفته نیست؛ گذرواژه API را در "
            "صفحه «گذرواژه API» بسازید). Invalid username or API password (the web password is not accepted "
            "here; create an API password on the API credentials page)."
        )
    ApiCredential.objects.filter(pk=credential.pk).update(last_used=timezone.now())
    return credential.user, None


def api_view(methods):
    """Decorator: allowed methods, authentication (Basic or session), CSRF for session writes only."""

    def decorate(view):
        @csrf_exempt
        @functools.wraps(view)
        def wrapper(request, *args, **kwargs):
            if request.method not in methods:
                response = error(405, f"روش {request.method} برای این نشانی پشتیبانی نمی‌شود")
                response["Allow"] = ", ".join(methods)
                return response
            header = request.META.get("HTTP_AUTHORIZATION", "")
            if header[:6].lower() == "basic ":
                user, refusal = _basic_user(request, header)
                if refusal is not None:
                    return refusal
                request.user = user
                request.api_basic = True
            elif header:
                return _unauthorized("فقط احراز هویت Basic یا نشست وب پذیرفته است. Only Basic or session "
                                     "authentication is supported.")
            else:
                if not request.user.is_authenticated:
                    return _unauthorized("برای استفاده از API وارد شوید. Authentication required.")
                request.api_basic = False
                if request.method not in ("GET", "HEAD", "OPTIONS"):
                    reason = CsrfViewMiddleware(lambda r: None).process_view(request, None, (), {})
                    if reason is not None:
                        return error(403, "درخواست بدون توکن CSRF پذیرفته نیست. CSRF check failed.")
            return view(request, *args, **kwargs)

        return wrapper

    return decorate
