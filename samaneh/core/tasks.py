from celery import shared_task

from samaneh.core.sms import SmsDeliveryError, get_sms_backend


@shared_task(
    autoretry_for=(SmsDeliveryError,),
    retry_backoff=True,
    retry_backoff_max=60,
    retry_kwargs={"max_retries": 3},
)
def send_sms(mobile, text):
    """The one place that hands a message to the SMS backend; gateway hiccups are retried with backoff."""
    get_sms_backend().send(mobile, text)
