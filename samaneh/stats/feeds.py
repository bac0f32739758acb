"""Automatic feeds: other services declare data elements they compute, and a scheduled task fills them.

    from samaneh.stats import feeds
    feeds.register(feeds.Feed(
        code="complaints.received", element_code="CMP_RECEIVED",
        name="شکایات و درخواست‌های دریافتی", name_en="Complaints and requests received",
        value_type="INTEGER_ZERO_OR_POSITIVE", aggregation_type="SUM", period_type=periods.MONTHLY,
        compute=received_per_unit,   # compute(period) -> iterable of (org_unit_id, number)
    ))

`feed_run(feed, period)` makes sure the element exists (by `element_code`, marked with `feed=code`
so people cannot type over it) and writes the computed values through the one data-value write
path (`datavalues.datavalues_import`, trusted: no user scope, no lock). Registration happens in
each app's `AppConfig.ready()`.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, Iterable

from django.db import transaction

from samaneh.stats import periods
from samaneh.stats.models import DataElement
from samaneh.stats.uids import org_unit_uid

_feeds: dict[str, "Feed"] = {}


@dataclass(frozen=True)
class Feed:
    code: str
    element_code: str
    name: str
    compute: Callable[[periods.Period], Iterable[tuple[int, float]]]
    period_type: str = periods.MONTHLY
    name_en: str = ""
    value_type: str = "NUMBER"
    aggregation_type: str = "SUM"
    description: str = ""


def register(feed: Feed) -> Feed:
    existing = _feeds.get(feed.code)
    if existing is not None and existing != feed:
        raise ValueError(f"feed {feed.code!r} registered twice")
    _feeds[feed.code] = feed
    return feed


def all_feeds() -> list[Feed]:
    return sorted(_feeds.values(), key=lambda f: f.code)


def get(code: str) -> Feed:
    try:
        return _feeds[code]
    except KeyError:
        raise LookupError(f"no feed {code!r}") from None


@transaction.atomic
def feed_element_ensure(feed: Feed) -> DataElement:
    from samaneh.stats.services import default_combo_ensure

    element, created = DataElement.objects.get_or_create(
        code=feed.element_code,
        defaults={
            "name": feed.name, "name_en": feed.name_en, "value_type": feed.value_type,
            "aggregation_type": feed.aggregation_type, "category_combo": default_combo_ensure(),
            "description": feed.description, "feed": feed.code,
        },
    )
    if not created and element.feed != feed.code:
        element.feed = feed.code
        element.save(update_fields=["feed", "last_updated"])
    return element


def feed_run(feed: Feed, period: periods.Period | str):
    """Compute and store one period of one feed; returns the import summary."""
    from samaneh.stats.datavalues import datavalues_import

    period = periods.parse(period) if isinstance(period, str) else period
    if period.type != feed.period_type:
        raise periods.PeriodError(f"خوراک {feed.code} دوره {feed.period_type} می‌خواهد، نه {period.id}")
    element = feed_element_ensure(feed)
    rows = [
        {"dataElement": element.uid, "period": period.id, "orgUnit": org_unit_uid(unit_id), "value": value}
        for unit_id, value in feed.compute(period)
    ]
    return datavalues_import(user=None, rows=rows, trusted=True, stored_by=f"feed:{feed.code}")
