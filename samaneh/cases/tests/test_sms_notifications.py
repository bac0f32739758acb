"""The citizen hears about their case by SMS: sent by a Celery task once the change is committed, never
for someone without a mobile, and retried when the gateway fails without being marked as sent."""
import pytest

from samaneh.accounts.roles import Role
from samaneh.celery import app as celery_app
from samaneh.cases.models import Notification
from samaneh.cases.services import case_transition
from samaneh.cases.tasks import send_notification_sms
from samaneh.core.sms import SmsDeliveryError, read_outbox
from tests.factories import CitizenFactory, RoleFactory, UserFactory, open_complaint
from tests.sms_gateway import SmsGateway

pytestmark = pytest.mark.django_db


@pytest.fixture
def citizen():
    return CitizenFactory()


def test_opening_a_case_texts_the_tracking_code_after_the_commit(tree, citizen, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        case = open_complaint(applicant=citizen, unit=tree["city1"])
    assert read_outbox() == []  # nothing leaves before the transaction commits
    assert callbacks
    for callback in callbacks:
        callback()
    [sms] = read_outbox()
    assert sms["to"] == citizen.mobile
    assert case.tracking_code in sms["text"] and "ثبت شد" in sms["text"]
    assert Notification.objects.get(case=case, user=citizen).sms_sent_at is not None


def test_a_public_step_taken_by_staff_texts_the_citizen(tree, citizen, django_capture_on_commit_callbacks):
    staff = RoleFactory(role=Role.MUNICIPALITY_STAFF, org_unit=tree["city1"]).user
    case = open_complaint(applicant=citizen, unit=tree["city1"])
    with django_capture_on_commit_callbacks(execute=True):
        case_transition(case=case, action="answer", user=staff, text="لامپ تعویض شد")
    [sms] = read_outbox()
    assert sms["to"] == citizen.mobile
    assert sms["text"] == f"پرونده {case.tracking_code}: پاسخ داده شد"


def test_the_citizens_own_step_sends_them_nothing(tree, citizen, django_capture_on_commit_callbacks):
    staff = RoleFactory(role=Role.MUNICIPALITY_STAFF, org_unit=tree["city1"]).user
    case = open_complaint(applicant=citizen, unit=tree["city1"])
    case_transition(case=case, action="request_info", user=staff, text="پلاک را بنویسید")
    with django_capture_on_commit_callbacks(execute=True):
        case_transition(case=case, action="provide_info", user=citizen, text="پلاک ۱۲")
    assert read_outbox() == []


def test_someone_without_a_mobile_gets_an_in_app_notice_and_no_sms(tree, django_capture_on_commit_callbacks):
    applicant = UserFactory()  # staff filing on paper's behalf: no mobile on record
    assert not applicant.mobile
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        case = open_complaint(applicant=applicant, unit=tree["city1"])
    assert callbacks == [] and read_outbox() == []
    notification = Notification.objects.get(case=case, user=applicant)
    assert not notification.by_sms and notification.sms_sent_at is None


@pytest.fixture
def gateway_settings(settings):
    settings.SMS_BACKEND = "samaneh.core.sms.HttpGatewaySmsBackend"
    settings.SMS_GATEWAY_API_KEY = "test-key"
    settings.SMS_GATEWAY_SENDER = "3000"
    settings.SMS_GATEWAY_TIMEOUT = 5
    return settings


@pytest.fixture
def failures_kept_like_a_worker():
    """Run eagerly, Celery re-runs a retried task at once (no countdown) only when a failure is kept in
    the task's result, as a worker keeps it, instead of being raised to the caller."""
    previous = celery_app.conf.task_eager_propagates
    celery_app.conf.task_eager_propagates = False
    yield
    celery_app.conf.task_eager_propagates = previous


def sms_notification(tree, citizen):
    case = open_complaint(applicant=citizen, unit=tree["city1"])  # its own SMS callback is never run here
    return Notification.objects.get(case=case, user=citizen, by_sms=True)


def test_a_failing_gateway_is_retried_and_nothing_is_marked_as_sent(
    tree, citizen, gateway_settings, failures_kept_like_a_worker
):
    notification = sms_notification(tree, citizen)
    with SmsGateway(failures=100) as gateway:
        gateway_settings.SMS_GATEWAY_URL = gateway.url
        result = send_notification_sms.apply(args=[notification.pk])
    assert result.failed() and isinstance(result.result, SmsDeliveryError)
    assert len(gateway.bodies) == 1 + send_notification_sms.max_retries
    assert gateway.bodies[0]["to"] == citizen.mobile
    notification.refresh_from_db()
    assert notification.sms_sent_at is None


def test_a_gateway_hiccup_is_retried_and_the_message_sent_once(
    tree, citizen, gateway_settings, failures_kept_like_a_worker
):
    notification = sms_notification(tree, citizen)
    with SmsGateway(failures=1) as gateway:
        gateway_settings.SMS_GATEWAY_URL = gateway.url
        assert send_notification_sms.apply(args=[notification.pk]).get() is True
    assert len(gateway.bodies) == 2
    notification.refresh_from_db()
    assert notification.sms_sent_at is not None
    # Already sent: a late duplicate of the task sends nothing more.
    assert send_notification_sms.apply(args=[notification.pk]).get() is False
