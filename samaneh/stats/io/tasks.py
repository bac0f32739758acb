"""Celery tasks of the statistics import: a confirmed file import, and the automatic feeds."""
import logging

from celery import shared_task

from samaneh.stats import feeds, periods

logger = logging.getLogger(__name__)


@shared_task
def import_job_run(job_id):
    from samaneh.stats.io import services

    job = services.import_job_run(job_id=job_id)
    return job.status


def feeds_run(*, period=None, code=None, today=None):
    """Run the registered feeds (or the one named `code`) for `period`, or for the current and the
    previous period of each feed's type. Returns [(feed code, period id, summary or error text)].

    One feed failing does not stop the others: its error is logged and returned in place of a summary.
    """
    chosen = [feeds.get(code)] if code else feeds.all_feeds()
    results = []
    for feed in chosen:
        if period is not None:
            if period.type != feed.period_type:
                continue
            targets = [period]
        else:
            current = periods.current(feed.period_type, today)
            targets = [current.previous(), current]
        for target in targets:
            try:
                results.append((feed.code, target.id, feeds.feed_run(feed, target)))
            except Exception as error:
                logger.exception("stats feed %s for %s failed", feed.code, target.id)
                results.append((feed.code, target.id, str(error)))
    return results


@shared_task
def feeds_run_recent():
    """Celery beat: refresh every feed for its current and previous period (late answers still count)."""
    return [
        {"feed": code, "period": period_id,
         "status": getattr(summary, "status", "ERROR"),
         "imported": getattr(summary, "imported", 0), "updated": getattr(summary, "updated", 0)}
        for code, period_id, summary in feeds_run()
    ]
