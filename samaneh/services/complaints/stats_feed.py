"""What the complaints service feeds into the statistical system: per responsible unit and Jalali month,
the complaints and requests received and those answered.

- received: cases opened in the month, counted at the unit they were first routed to (the engine's
  «open» event). A case later escalated or sent to the inspection office still counts where it arrived,
  so a month's figure does not move when the case does.
- answered: complaints whose first answer fell in the month, counted at the unit that answered.

Months are Jalali and their edges local (Tehran) midnight, like the complaints dashboards.
"""
import datetime as dt

from django.db.models import Count
from django.db.models.functions import Coalesce
from django.utils import timezone

from samaneh.stats import feeds, periods

SERVICE = "complaints"


def _local_range(period):
    zone = timezone.get_default_timezone()
    start = dt.datetime.combine(period.start, dt.time.min, tzinfo=zone)
    end = dt.datetime.combine(period.end + dt.timedelta(days=1), dt.time.min, tzinfo=zone)
    return start, end


def received_per_unit(period):
    from samaneh.cases.models import CaseEvent

    start, end = _local_range(period)
    rows = (
        CaseEvent.objects.filter(
            action="open", case__service=SERVICE, case__complaint__isnull=False,
            case__created_at__gte=start, case__created_at__lt=end, to_unit__isnull=False,
        )
        .order_by()
        .values("to_unit")
        .annotate(n=Count("case", distinct=True))
    )
    return [(row["to_unit"], row["n"]) for row in rows]


def answered_per_unit(period):
    from samaneh.services.complaints.models import Complaint

    start, end = _local_range(period)
    rows = (
        Complaint.objects.filter(answered_at__gte=start, answered_at__lt=end)
        .order_by()
        .values(unit=Coalesce("answering_unit", "case__responsible_unit"))
        .annotate(n=Count("pk"))
    )
    return [(row["unit"], row["n"]) for row in rows]


RECEIVED = feeds.Feed(
    code="complaints.received", element_code="CMP_RECEIVED",
    name="شکایات و درخواست‌های دریافتی", name_en="Complaints and requests received",
    value_type="INTEGER_ZERO_OR_POSITIVE", aggregation_type="SUM", period_type=periods.MONTHLY,
    description="شمار شکایات و درخواست‌هایی که در ماه به واحد مسئول رسیده است (محاسبه خودکار از سامانه شکایات).",
    compute=received_per_unit,
)
ANSWERED = feeds.Feed(
    code="complaints.answered", element_code="CMP_ANSWERED",
    name="شکایات و درخواست‌های پاسخ‌داده‌شده", name_en="Complaints and requests answered",
    value_type="INTEGER_ZERO_OR_POSITIVE", aggregation_type="SUM", period_type=periods.MONTHLY,
    description="شمار شکایات و درخواست‌هایی که نخستین پاسخ آن‌ها در ماه داده شده است، به تفکیک واحد پاسخ‌دهنده.",
    compute=answered_per_unit,
)

# Registered on import, from ComplaintsConfig.ready().
feeds.register(RECEIVED)
feeds.register(ANSWERED)
