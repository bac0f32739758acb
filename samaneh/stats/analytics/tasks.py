from celery import shared_task
from django.db import transaction


@shared_task(name="stats_analytics.analytics_refresh")
def analytics_refresh(full=False):
    """Bring the analytics summary up to date with the stored values (see services.analytics_refresh)."""
    from samaneh.stats.analytics.services import analytics_refresh as refresh

    report = refresh(full=full)
    return {"elements": report.elements, "rows": report.rows, "seconds": round(report.seconds, 3)}


def analytics_refresh_after_commit():
    """For writers: queue a refresh once the current transaction commits (answers are right before it, too)."""
    transaction.on_commit(analytics_refresh.delay)
