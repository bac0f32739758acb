"""API keys of Open311 clients, and the per-key limit on POSTs.

A key is `<8-character prefix><secret>`. Only the prefix (to find the row) and an HMAC of the whole key
keyed with SECRET_KEY are stored. Keys are long random strings, so a fast keyed hash is enough; a slow
password hash would cost every API call a few hundred milliseconds for nothing.
"""
import time

from django.conf import settings
from django.utils.crypto import constant_time_compare, salted_hmac
from django.utils.translation import gettext as _

from samaneh.core.ratelimit import count_hit
from samaneh.core.text import localize_digits
from samaneh.services.complaints.models import Open311Client
from samaneh.services.complaints.open311.formats import Open311Error

KEY_PREFIX_LENGTH = 8
POSTS_PER_MINUTE = 30


def key_hash(raw_key):
    return salted_hmac("samaneh.open311.api_key", raw_key, algorithm="sha256").hexdigest()


def client_for_key(raw_key):
    """The active client holding `raw_key`, or None."""
    raw_key = (raw_key or "").strip()
    if len(raw_key) <= KEY_PREFIX_LENGTH:
        return None
    digest = key_hash(raw_key)
    candidates = Open311Client.objects.filter(key_prefix=raw_key[:KEY_PREFIX_LENGTH], is_active=True)
    for client in candidates.select_related("user"):
        if constant_time_compare(client.key_hash, digest):
            return client
    return None


def require_client(raw_key):
    """The client for `raw_key`; the spec's 403 when the key is missing, unknown or retired."""
    if not (raw_key or "").strip():
        raise Open311Error(403, _("کلید API (پارامتر api_key) فرستاده نشده است."))
    client = client_for_key(raw_key)
    if client is None:
        raise Open311Error(403, _("کلید API نامعتبر است یا غیرفعال شده است."))
    return client


def optional_client(raw_key):
    """No key: None (reads need none). A key that is sent must be valid: 403 otherwise."""
    if not (raw_key or "").strip():
        return None
    return require_client(raw_key)


def count_post(client):
    """Count one POST against the client's per-minute allowance; 429 past it."""
    limit = getattr(settings, "OPEN311_POSTS_PER_MINUTE", POSTS_PER_MINUTE)
    minute = int(time.time() // 60)
    used = count_hit(f"open311-posts:{client.pk}:{minute}", 120)
    if used > limit:
        raise Open311Error(
            429,
            _("این برنامه در هر دقیقه حداکثر %(limit)s درخواست ثبت می‌کند؛ یک دقیقه دیگر دوباره بفرستید.")
            % {"limit": localize_digits(limit)},
        )
