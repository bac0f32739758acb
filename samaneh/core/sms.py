"""Sending SMS: one interface, the backend chosen by `settings.SMS_BACKEND` (a dotted class path).

Code that sends a message calls `samaneh.core.tasks.send_sms.delay(mobile, text)`; only that task talks to
a backend. `FileSmsBackend` is the development and test backend: it writes each message as one JSON line so
tests, the browser tests and the demo read what was "sent" with `read_outbox()`.
"""
import abc
import json
import os
import urllib.error
import urllib.request
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.utils import timezone
from django.utils.module_loading import import_string


class SmsDeliveryError(Exception):
    """The message did not reach the gateway (network failure or a non-2xx answer); worth retrying."""


class SmsBackend(abc.ABC):
    @abc.abstractmethod
    def send(self, mobile: str, text: str) -> None:
        """Deliver `text` to `mobile` ("09xxxxxxxxx") or raise SmsDeliveryError."""


class FileSmsBackend(SmsBackend):
    def __init__(self, path=None):
        self.path = Path(path or settings.SMS_FILE_PATH)

    def send(self, mobile: str, text: str) -> None:
        line = json.dumps({"to": mobile, "text": text, "at": timezone.now().isoformat()}, ensure_ascii=False) + "\n"
        self.path.parent.mkdir(parents=True, exist_ok=True)
        # One write() on an O_APPEND descriptor keeps lines whole when several workers send at once.
        fd = os.open(self.path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
        try:
            os.write(fd, line.encode("utf-8"))
        finally:
            os.close(fd)


class ConsoleSmsBackend(SmsBackend):
    def send(self, mobile: str, text: str) -> None:
        print(f"[SMS to {mobile}] {text}", flush=True)


class HttpGatewaySmsBackend(SmsBackend):
    """POSTs `{"sender", "to", "text"}` as JSON to `SMS_GATEWAY_URL` with the key in an `X-API-Key` header.

    Providers differ in their field names; a deployment whose provider speaks another shape puts a small
    adapter in front of it rather than a second backend here.
    """

    def __init__(self, url=None, api_key=None, sender=None, timeout=None):
        self.url = url or settings.SMS_GATEWAY_URL
        self.api_key = api_key if api_key is not None else settings.SMS_GATEWAY_API_KEY
        self.sender = sender if sender is not None else settings.SMS_GATEWAY_SENDER
        self.timeout = timeout if timeout is not None else settings.SMS_GATEWAY_TIMEOUT
        if not self.url:
            raise ImproperlyConfigured("HttpGatewaySmsBackend needs SMS_GATEWAY_URL.")

    def send(self, mobile: str, text: str) -> None:
        body = json.dumps({"sender": self.sender, "to": mobile, "text": text}, ensure_ascii=False).encode("utf-8")
        request = urllib.request.Request(
            self.url,
            data=body,
            method="POST",
            headers={"Content-Type": "application/json; charset=utf-8", "X-API-Key": self.api_key},
        )
        # urlopen raises HTTPError for every answer outside 2xx (after following redirects).
        try:
            with urllib.request.urlopen(request, timeout=self.timeout):
                pass
        except urllib.error.HTTPError as exc:
            raise SmsDeliveryError(f"SMS gateway answered HTTP {exc.code} for {mobile}.") from exc
        except (urllib.error.URLError, OSError) as exc:
            raise SmsDeliveryError(f"SMS gateway unreachable: {exc}") from exc


def get_sms_backend() -> SmsBackend:
    return import_string(settings.SMS_BACKEND)()


def read_outbox(path=None) -> list[dict]:
    """Messages written by `FileSmsBackend`, oldest first; an empty list when nothing was sent yet."""
    path = Path(path or settings.SMS_FILE_PATH)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return []
    return [json.loads(line) for line in text.splitlines() if line.strip()]
