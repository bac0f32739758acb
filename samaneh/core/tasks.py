from celery import shared_task

from samaneh.core.sms import SmsDeliveryError, get_sms_backend


@shared_task(
    autoretry_for=(SmsDeliveryError,),
    retry_backoff=5,
    retry_backoff_max=120,
    retry_kwargs={"max_retries": 3},
)
def send_sms(mobile, text):
    """The one place that hands a message to the SMS backend; gateway hiccups are retried with backoff.

    Run eagerly (no broker) with CELERY_TASK_EAGER_PROPAGATES, a failed first try reaches the caller as
    `celery.exceptions.Retry` (its `.exc` is the SmsDeliveryError) instead of being retried later.
    """
    get_sms_backend().send(mobile, text)
