"""Every write of sign-in: citizen SMS codes, citizen accounts, staff TOTP devices.

A refusal is raised as `SignInRefused` with a Persian message for the user. Where a refusal must still
leave a trace (a wrong code counts as an attempt), the trace is committed first and the refusal raised
after the transaction, so the exception does not roll the trace back.
"""
from datetime import timedelta

from celery.exceptions import Retry
from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django_otp.plugins.otp_totp.models import TOTPDevice

from samaneh.accounts import otp
from samaneh.accounts.models import CitizenOtpChallenge
from samaneh.core.ratelimit import count_hit
from samaneh.core.sms import SmsDeliveryError
from samaneh.core.tasks import send_sms
from samaneh.core.text import localize_digits


class SignInRefused(Exception):
    def __init__(self, message):
        super().__init__(message)
        self.message = message


def _minutes_left(until, now):
    return localize_digits(max(1, -(-int((until - now).total_seconds()) // 60)))


def _lock_message(until, now):
    return _(
        "به دلیل تلاش‌های نادرست پیاپی، ورود با این شماره همراه تا %(minutes)s دقیقه دیگر ممکن نیست."
    ) % {"minutes": _minutes_left(until, now)}


def _active_lock(mobile, now):
    return (
        CitizenOtpChallenge.objects.filter(mobile=mobile, locked_until__gt=now)
        .order_by("-locked_until")
        .values_list("locked_until", flat=True)
        .first()
    )


def _ip_allowance_take(client_ip):
    """Count one SMS against the sender's address; False once the hourly cap is reached.

    The per-mobile limits stop one number being flooded; this stops one address flooding many numbers.
    """
    if not client_ip:
        return True
    return count_hit(f"citizen-otp-ip:{client_ip}", 3600) <= settings.CITIZEN_OTP_MAX_PER_IP_PER_HOUR


def citizen_otp_send(*, mobile: str, client_ip: str | None = None) -> CitizenOtpChallenge:
    """Create a fresh code for `mobile` (already normalised to 09xxxxxxxxx) and send it by SMS.

    The same answer is given whether or not the mobile belongs to an account. The newest challenge is
    the only one `citizen_otp_verify` looks at, so sending a code retires every older one.
    """
    code = otp.citizen_code_generate()
    with transaction.atomic():
        now = timezone.now()
        locked_until = _active_lock(mobile, now)
        if locked_until:
            raise SignInRefused(_lock_message(locked_until, now))
        recent = CitizenOtpChallenge.objects.filter(mobile=mobile, created_at__gt=now - timedelta(hours=1))
        last = recent.order_by("-created_at").first()
        if last is not None:
            wait = settings.CITIZEN_OTP_RESEND_SECONDS - (now - last.created_at).total_seconds()
            if wait > 0:
                raise SignInRefused(
                    _("کد تازه فرستاده شده است؛ برای درخواست دوباره %(seconds)s ثانیه صبر کنید.")
                    % {"seconds": localize_digits(int(wait) + 1)}
                )
        if recent.count() < settings.CITIZEN_OTP_MAX_PER_HOUR and not _ip_allowance_take(client_ip):
            raise SignInRefused(_("از این نشانی درخواست کد بیش از اندازه بوده است؛ یک ساعت دیگر دوباره تلاش کنید."))
        if recent.count() >= settings.CITIZEN_OTP_MAX_PER_HOUR:
            raise SignInRefused(
                _("برای هر شماره همراه در یک ساعت بیش از %(count)s کد فرستاده نمی‌شود؛ کمی بعد دوباره تلاش کنید.")
                % {"count": localize_digits(settings.CITIZEN_OTP_MAX_PER_HOUR)}
            )
        challenge = CitizenOtpChallenge.objects.create(
            mobile=mobile,
            code_hash=otp.citizen_code_hash(mobile, code),
            expires_at=now + timedelta(seconds=settings.CITIZEN_OTP_TTL_SECONDS),
        )
    minutes = localize_digits(max(1, settings.CITIZEN_OTP_TTL_SECONDS // 60))
    # The code stays an ASCII run: SMS readers and autofill (autocomplete="one-time-code") look for it.
    text = _("کد ورود شما به سامانه: %(code)s — این کد تا %(minutes)s دقیقه معتبر است.") % {
        "code": code,
        "minutes": minutes,
    }
    # Sent after the commit so a slow gateway never holds the database's write lock. With eager Celery
    # a failed delivery surfaces here; the challenge is then withdrawn so the citizen may ask again at once.
    try:
        send_sms.delay(mobile, text)
    except (SmsDeliveryError, Retry):
        challenge.delete()
        raise SignInRefused(_("فرستادن پیامک ممکن نشد؛ چند لحظه بعد دوباره تلاش کنید.")) from None
    return challenge


def citizen_otp_verify(*, mobile: str, code: str):
    """Check `code` against the newest challenge of `mobile`; on success return the citizen's account.

    The account is created on first sign-in (username = mobile, no usable password). Staff accounts that
    carry the same mobile are never signed in this way.
    """
    user, refusal = _citizen_otp_check(mobile=mobile, code=code)
    if refusal:
        raise SignInRefused(refusal)
    return user


@transaction.atomic
def _citizen_otp_check(*, mobile, code):
    now = timezone.now()
    locked_until = _active_lock(mobile, now)
    if locked_until:
        return None, _lock_message(locked_until, now)
    challenge = (
        CitizenOtpChallenge.objects.select_for_update().filter(mobile=mobile).order_by("-created_at", "-pk").first()
    )
    if challenge is None:
        return None, _("برای این شماره همراه کدی فرستاده نشده است؛ ابتدا کد ورود بگیرید.")
    if challenge.used_at is not None:
        return None, _("این کد ورود پیش‌تر به کار رفته است؛ کد تازه بگیرید.")
    if challenge.expires_at <= now:
        return None, _("کد ورود منقضی شده است؛ کد تازه بگیرید.")
    if not otp.citizen_code_matches(mobile, code, challenge.code_hash):
        challenge.attempts += 1
        if challenge.attempts >= settings.CITIZEN_OTP_MAX_ATTEMPTS:
            challenge.locked_until = now + timedelta(seconds=settings.CITIZEN_OTP_LOCK_SECONDS)
            challenge.save(update_fields=["attempts", "locked_until"])
            return None, _lock_message(challenge.locked_until, now)
        challenge.save(update_fields=["attempts"])
        left = settings.CITIZEN_OTP_MAX_ATTEMPTS - challenge.attempts
        return None, _("کد ورود نادرست است؛ %(left)s بار دیگر می‌توانید تلاش کنید.") % {"left": localize_digits(left)}
    challenge.used_at = now
    challenge.save(update_fields=["used_at"])

    User = get_user_model()
    holders = list(User.objects.filter(Q(mobile=mobile) | Q(username=mobile)))
    if any(not holder.is_citizen for holder in holders):
        return None, _("این شماره همراه به حساب کارکنان تعلق دارد؛ از «ورود کارکنان» وارد شوید.")
    user = next((holder for holder in holders if holder.mobile == mobile), None) or (holders[0] if holders else None)
    if user is None:
        user = User.objects.create_user(username=mobile, mobile=mobile, is_citizen=True)
    elif not user.is_active:
        return None, _("این حساب غیرفعال شده است.")
    return user, None


def staff_totp_device_for_enrolment(*, user) -> TOTPDevice:
    """The user's unconfirmed TOTP device, created once so reloading the page keeps the same secret."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("pk").first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name=_("برنامه احراز هویت"), confirmed=False)
    return device


def staff_totp_confirm(*, device: TOTPDevice, token: str) -> TOTPDevice:
    """Confirm an enrolment with the first code the authenticator shows."""
    _totp_check([device], token)
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    return device


def staff_totp_verify(*, user, token: str) -> TOTPDevice:
    """Return the confirmed device that accepts `token`."""
    return _totp_check(list(TOTPDevice.objects.devices_for_user(user, confirmed=True)), token)


def _totp_check(devices, token):
    # django-otp throttles each device after a failure (1 s, 2 s, 4 s …) and records every failure itself.
    allowed = [device for device in devices if device.verify_is_allowed()[0]]
    if devices and not allowed:
        raise SignInRefused(_("پس از کد نادرست باید چند ثانیه صبر کنید؛ کد تازه را دوباره وارد کنید."))
    for device in allowed:
        if device.verify_token(token):
            return device
    raise SignInRefused(_("کد تأیید نادرست است."))
