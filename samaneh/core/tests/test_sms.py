import pytest
from celery.exceptions import Retry
from django.core.exceptions import ImproperlyConfigured

from samaneh.core.sms import (
    ConsoleSmsBackend,
    FileSmsBackend,
    HttpGatewaySmsBackend,
    SmsDeliveryError,
    get_sms_backend,
    read_outbox,
)
from samaneh.core.tasks import send_sms
from tests.sms_gateway import SmsGateway


@pytest.fixture
def gateway_settings(settings):
    settings.SMS_GATEWAY_API_KEY = "key-123"
    settings.SMS_GATEWAY_SENDER = "3000123"
    settings.SMS_GATEWAY_TIMEOUT = 2
    return settings


def test_file_backend_appends_one_json_line_per_message(settings, tmp_path):
    path = tmp_path / "deep" / "dir" / "outbox.jsonl"
    backend = FileSmsBackend(path)
    backend.send("09123456789", "کد ورود شما: 123456\nخط دوم")
    backend.send("09350000000", "پیام دوم")

    lines = path.read_text(encoding="utf-8").splitlines()
    assert len(lines) == 2  # the newline inside the text stays escaped inside its JSON line
    outbox = read_outbox(path)
    assert [m["to"] for m in outbox] == ["09123456789", "09350000000"]
    assert outbox[0]["text"] == "کد ورود شما: 123456\nخط دوم"
    assert outbox[0]["at"].endswith("+00:00")


def test_read_outbox_is_empty_before_anything_is_sent(settings):
    assert read_outbox() == []


def test_get_sms_backend_builds_the_configured_class(settings):
    settings.SMS_BACKEND = "samaneh.core.sms.ConsoleSmsBackend"
    assert isinstance(get_sms_backend(), ConsoleSmsBackend)


def test_console_backend_prints(capsys):
    ConsoleSmsBackend().send("09123456789", "سلام")
    assert "09123456789" in capsys.readouterr().out


def test_send_sms_task_writes_to_the_default_file_outbox(settings):
    send_sms.delay("09123456789", "کد ورود شما به سامانه: 654321")
    assert read_outbox(settings.SMS_FILE_PATH)[-1]["text"] == "کد ورود شما به سامانه: 654321"


def test_http_gateway_posts_json_with_key_and_sender(gateway_settings):
    with SmsGateway(200) as gateway:
        gateway_settings.SMS_GATEWAY_URL = gateway.url
        HttpGatewaySmsBackend().send("09123456789", "کد ورود: 111222")

    [request] = gateway.requests
    assert request["path"] == "/send"
    assert request["api_key"] == "key-123"
    assert request["content_type"].startswith("application/json")
    assert request["body"] == {"sender": "3000123", "to": "09123456789", "text": "کد ورود: 111222"}


def test_http_gateway_500_raises_delivery_error(gateway_settings):
    with SmsGateway(500) as gateway:
        gateway_settings.SMS_GATEWAY_URL = gateway.url
        with pytest.raises(SmsDeliveryError, match="500"):
            HttpGatewaySmsBackend().send("09123456789", "x")
    assert len(gateway.requests) == 1


def test_http_gateway_unreachable_raises_delivery_error(gateway_settings):
    with SmsGateway(200) as gateway:
        url = gateway.url
    gateway_settings.SMS_GATEWAY_URL = url  # the server is closed: connection refused
    with pytest.raises(SmsDeliveryError, match="unreachable"):
        HttpGatewaySmsBackend().send("09123456789", "x")


def test_http_gateway_without_url_is_a_configuration_error(gateway_settings):
    gateway_settings.SMS_GATEWAY_URL = ""
    with pytest.raises(ImproperlyConfigured):
        HttpGatewaySmsBackend()


@pytest.fixture
def celery_retries_inline():
    """Let eager Celery run the retries in place (countdowns are not waited for) instead of raising Retry."""
    conf = send_sms.app.conf
    before = conf.task_eager_propagates
    conf.task_eager_propagates = False
    yield
    conf.task_eager_propagates = before


def test_send_sms_task_retries_three_times_then_fails(gateway_settings, celery_retries_inline):
    gateway_settings.SMS_BACKEND = "samaneh.core.sms.HttpGatewaySmsBackend"
    with SmsGateway(503) as gateway:
        gateway_settings.SMS_GATEWAY_URL = gateway.url
        result = send_sms.delay("09123456789", "x")
    assert result.state == "FAILURE"
    assert isinstance(result.result, SmsDeliveryError)
    assert len(gateway.requests) == 4  # the first try and three retries


def test_send_sms_task_eager_failure_reaches_the_caller(gateway_settings):
    gateway_settings.SMS_BACKEND = "samaneh.core.sms.HttpGatewaySmsBackend"
    with SmsGateway(500) as gateway:
        gateway_settings.SMS_GATEWAY_URL = gateway.url
        with pytest.raises(Retry) as caught:
            send_sms.delay("09123456789", "x")
    assert isinstance(caught.value.exc, SmsDeliveryError)
