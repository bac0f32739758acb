"""The secrets and the in-between state of a sign-in.

- Citizen SMS codes: six digits from `secrets`, kept only as an HMAC keyed with SECRET_KEY.
- Staff sign-in: after a correct password the user is *pending*, not logged in; the pending state lives in
  the session for STAFF_PENDING_TTL_SECONDS and dies after STAFF_TOTP_MAX_FAILURES wrong TOTP codes.
- Staff password lockout: a per-username failure counter in the cache (shared by all workers when the
  cache is Redis), so guessing passwords is bounded whether or not the username exists.
"""
import hashlib
import secrets
import time

import segno
from django.core.cache import cache
from django.utils.crypto import constant_time_compare, salted_hmac

from samaneh.core.ratelimit import count_hit

CITIZEN_CODE_DIGITS = 6

STAFF_PENDING_SESSION_KEY = "accounts.staff_pending"
STAFF_PENDING_TTL_SECONDS = 5 * 60
STAFF_TOTP_MAX_FAILURES = 5

STAFF_PASSWORD_MAX_FAILURES = 5
STAFF_PASSWORD_LOCK_SECONDS = 15 * 60


def citizen_code_generate() -> str:
    return f"{secrets.randbelow(10**CITIZEN_CODE_DIGITS):0{CITIZEN_CODE_DIGITS}d}"


def citizen_code_hash(mobile: str, code: str) -> str:
    # The mobile is part of the message so a hash copied to another mobile's row never matches.
    return salted_hmac("samaneh.accounts.citizen-otp", f"{mobile}:{code}", algorithm="sha256").hexdigest()


def citizen_code_matches(mobile: str, code: str, code_hash: str) -> bool:
    return constant_time_compare(citizen_code_hash(mobile, code), code_hash)


def totp_qr_svg(config_url: str) -> str:
    """The otpauth:// URL as an inline SVG QR code, sized by its container (a viewBox, no fixed size), with a
    white background so it scans on dark themes too."""
    return segno.make(config_url, error="m").svg_inline(light="#fff", border=4, omitsize=True, svgclass="totp-qr")


# --- staff: pending sign-in between the password and the TOTP code ---------------------------------------


def staff_pending_start(request, user, next_url: str) -> None:
    request.session[STAFF_PENDING_SESSION_KEY] = {
        "user_id": user.pk,
        "started_at": time.time(),
        "failures": 0,
        "next": next_url,
    }


def staff_pending_get(request):
    """The pending state, or None when there is none; an expired one is removed and reported as "expired"."""
    pending = request.session.get(STAFF_PENDING_SESSION_KEY)
    if pending is None:
        return None
    if time.time() - pending["started_at"] > STAFF_PENDING_TTL_SECONDS:
        staff_pending_clear(request)
        return "expired"
    return pending


def staff_pending_record_failure(request) -> bool:
    """Count one refused TOTP code; True when the limit is reached and the pending state was dropped."""
    pending = request.session[STAFF_PENDING_SESSION_KEY]
    pending["failures"] += 1
    if pending["failures"] >= STAFF_TOTP_MAX_FAILURES:
        staff_pending_clear(request)
        return True
    request.session[STAFF_PENDING_SESSION_KEY] = pending
    return False


def staff_pending_clear(request) -> None:
    request.session.pop(STAFF_PENDING_SESSION_KEY, None)


# --- staff: password lockout ------------------------------------------------------------------------------


def _password_failures_key(username: str) -> str:
    digest = hashlib.sha256(username.strip().casefold().encode("utf-8")).hexdigest()
    return f"accounts:staff-password-failures:{digest}"


def staff_password_locked(username: str) -> bool:
    return (cache.get(_password_failures_key(username)) or 0) >= STAFF_PASSWORD_MAX_FAILURES


def staff_password_record_failure(username: str) -> None:
    key = _password_failures_key(username)
    # The window opens at the first failure.
    failures = count_hit(key, STAFF_PASSWORD_LOCK_SECONDS)
    if failures >= STAFF_PASSWORD_MAX_FAILURES:
        # The lock lasts the full period from the failure that set it, not from the first failure.
        cache.touch(key, STAFF_PASSWORD_LOCK_SECONDS)


def staff_password_clear_failures(username: str) -> None:
    cache.delete(_password_failures_key(username))
