from celery import shared_task
from django.utils import timezone

from samaneh.core.sms import SmsDeliveryError, get_sms_backend


@shared_task(autoretry_for=(SmsDeliveryError,), retry_backoff=True, max_retries=3)
def send_notification_sms(notification_id):
    from samaneh.cases.models import Notification

    notification = Notification.objects.select_related("user").filter(pk=notification_id, sms_sent_at__isnull=True).first()
    if notification is None or not notification.user.mobile:
        return False
    get_sms_backend().send(notification.user.mobile, notification.text)
    Notification.objects.filter(pk=notification.pk).update(sms_sent_at=timezone.now())
    return True


@shared_task
def escalate_overdue_cases():
    from samaneh.cases.services import case_escalate_overdue

    return case_escalate_overdue()
