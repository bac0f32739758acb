"""Fill the automatic statistics feeds now: `manage.py stats_feeds_run [--period 140307] [--feed CODE]`."""
from django.core.management.base import BaseCommand, CommandError

from samaneh.stats import feeds, periods
from samaneh.stats.io.tasks import feeds_run


class Command(BaseCommand):
    help = "Run the registered statistics feeds for a period (default: the current and previous period of each)."

    def add_arguments(self, parser):
        parser.add_argument("--period", help="Jalali period id, e.g. 140307 or 1403Q2")
        parser.add_argument("--feed", help="one feed code, e.g. complaints.received")

    def handle(self, *args, period=None, feed=None, **options):
        chosen = None
        if feed:
            try:
                chosen = feeds.get(feed)
            except LookupError:
                known = ", ".join(f.code for f in feeds.all_feeds()) or "-"
                raise CommandError(f"خوراک «{feed}» ثبت نشده است؛ خوراک‌های ثبت‌شده: {known}") from None
        target = None
        if period:
            try:
                target = periods.parse(period)
            except periods.PeriodError as error:
                raise CommandError(str(error)) from None
            if chosen is not None and chosen.period_type != target.type:
                wanted = periods.PERIOD_TYPE_LABELS[chosen.period_type]
                raise CommandError(f"خوراک «{feed}» دوره {wanted} می‌خواهد، نه {target.id}")
        results = feeds_run(period=target, code=feed)
        if not results:
            raise CommandError("هیچ خوراکی با این نوع دوره اجرا نشد")
        failed = False
        for code, period_id, summary in results:
            if isinstance(summary, str):
                failed = True
                self.stderr.write(f"{code} {period_id}: خطا — {summary}")
                continue
            self.stdout.write(
                f"{code} {period_id}: {summary.imported} جدید، {summary.updated} به‌روزشده، "
                f"{summary.ignored} نادیده، {len(summary.conflicts)} ناسازگاری"
            )
        if failed:
            raise CommandError("اجرای برخی خوراک‌ها ناموفق بود")
