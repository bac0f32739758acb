"""The complaints feed: received and answered per unit per Jalali month, written by the scheduled task and
the management command, idempotent, and closed to people's uploads."""
import datetime as dt
import io

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from samaneh.accounts.roles import Role
from samaneh.cases.models import Case
from samaneh.cases.services import case_transition
from samaneh.services.complaints.models import Complaint
from samaneh.stats import feeds, periods
from samaneh.stats.io.models import ImportJob
from samaneh.stats.io.tasks import feeds_run_recent
from samaneh.stats.io.tests.conftest import upload
from samaneh.stats.models import DataSetElement, DataValue
from samaneh.stats.uids import org_unit_uid
from tests.factories import CitizenFactory, RoleFactory, open_complaint

TEHRAN = timezone.get_default_timezone()


def _at(day, hour=12, minute=0):
    return dt.datetime.combine(day, dt.time(hour, minute), tzinfo=TEHRAN)


@pytest.fixture
def complaints(meta):
    """Two months, two units. Month A: two complaints to Karaj city (one answered in A, one in B), the
    second received at 23:30 on A's last evening. Month B: one to the village, received at 00:30 on B's
    first night, and one to Karaj city later escalated to the county (it still counts where it arrived)."""
    tree = meta.tree
    m = type("Complaints", (), {})()
    m.b = periods.current(periods.MONTHLY).previous()
    m.a = m.b.previous()
    citizen = CitizenFactory()
    clerk = RoleFactory(role=Role.MUNICIPALITY_STAFF, org_unit=tree["city1"]).user

    def opened(unit, moment):
        case = open_complaint(applicant=citizen, unit=unit)
        Case.objects.filter(pk=case.pk).update(created_at=moment)
        return case

    def answered(case, moment):
        case_transition(case=case, action="answer", user=clerk, text="رسیدگی شد")
        Complaint.objects.filter(pk=case.pk).update(answered_at=moment)

    first = opened(tree["city1"], _at(m.a.start, 9))
    answered(first, _at(m.a.start, 15))
    second = opened(tree["city1"], _at(m.a.end, 23, 30))
    answered(second, _at(m.b.start, 10))
    opened(tree["v1"], _at(m.b.start, 0, 30))
    escalated = opened(tree["city1"], _at(m.b.start, 11))
    Case.objects.filter(pk=escalated.pk).update(responsible_unit=tree["c1"])
    return m


def _values(code):
    return {
        (v.period, v.org_unit_id): v.value
        for v in DataValue.objects.filter(data_element__code=code)
    }


def test_feed_counts_per_unit_and_month(meta, complaints):
    tree = meta.tree
    for feed in (feeds.get("complaints.received"), feeds.get("complaints.answered")):
        for period in (complaints.a, complaints.b):
            summary = feeds.feed_run(feed, period)
            assert summary.status == "SUCCESS" and not summary.conflicts
    a, b = complaints.a.id, complaints.b.id
    assert _values("CMP_RECEIVED") == {(a, tree["city1"].pk): "2", (b, tree["city1"].pk): "1", (b, tree["v1"].pk): "1"}
    assert _values("CMP_ANSWERED") == {(a, tree["city1"].pk): "1", (b, tree["city1"].pk): "1"}
    assert set(DataValue.objects.values_list("stored_by", flat=True)) == {
        "feed:complaints.received", "feed:complaints.answered"
    }


def test_rerun_updates_instead_of_duplicating(meta, complaints):
    feed = feeds.get("complaints.received")
    first = feeds.feed_run(feed, complaints.b)
    count = DataValue.objects.count()
    again = feeds.feed_run(feed, complaints.b)
    assert (first.imported, first.updated) == (2, 0)
    assert (again.imported, again.updated) == (0, 2)
    assert DataValue.objects.count() == count
    open_complaint(applicant=CitizenFactory(), unit=meta.tree["v1"])  # one more arrives this month…
    Case.objects.filter(complaint__isnull=False).order_by("-pk").update(created_at=_at(complaints.b.start, 13))
    feeds.feed_run(feed, complaints.b)
    assert _values("CMP_RECEIVED")[(complaints.b.id, meta.tree["v1"].pk)] == "2"  # …and the rerun counts it


def test_people_cannot_overwrite_a_feed_element(officer_client, meta, complaints):
    feed = feeds.get("complaints.received")
    feeds.feed_run(feed, complaints.b)
    element = feeds.feed_element_ensure(feed)
    DataSetElement.objects.create(data_set=meta.monthly, data_element=element, sort_order=9)
    line = f"{element.uid},{complaints.b.id},{org_unit_uid(meta.tree['city1'])},,,99"
    response = upload(officer_client, meta.monthly, f"dataelement,period,orgunit,categoryoptioncombo,"
                      f"attributeoptioncombo,value\n{line}\n".encode(), name="data.csv")
    assert response.status_code == 302
    summary = ImportJob.objects.get().dry_run_summary
    assert summary["imported"] + summary["updated"] == 0 and summary["ignored"] == 1
    assert "خودکار محاسبه می‌شود" in summary["conflicts"][0]["message"]
    assert _values("CMP_RECEIVED")[(complaints.b.id, meta.tree["city1"].pk)] == "1"


def test_scheduled_task_runs_current_and_previous_period(meta, complaints):
    open_complaint(applicant=CitizenFactory(), unit=meta.tree["city1"])  # this month
    results = feeds_run_recent.delay().get()
    current = periods.current(periods.MONTHLY)
    ran = {(r["feed"], r["period"]) for r in results}
    assert {("complaints.received", current.id), ("complaints.received", complaints.b.id),
            ("complaints.answered", current.id), ("complaints.answered", complaints.b.id)} <= ran
    assert all(r["status"] == "SUCCESS" for r in results if r["feed"].startswith("complaints."))
    assert _values("CMP_RECEIVED")[(current.id, meta.tree["city1"].pk)] == "1"
    assert (complaints.a.id, meta.tree["city1"].pk) not in _values("CMP_RECEIVED")  # older months stay as they were


def test_management_command(meta, complaints):
    out = io.StringIO()
    call_command("stats_feeds_run", "--period", complaints.a.id.replace("1", "۱"), "--feed", "complaints.received",
                 stdout=out)
    assert f"complaints.received {complaints.a.id}: 1 جدید" in out.getvalue()
    assert _values("CMP_RECEIVED") == {(complaints.a.id, meta.tree["city1"].pk): "2"}
    assert _values("CMP_ANSWERED") == {}
    with pytest.raises(CommandError, match="ثبت نشده"):
        call_command("stats_feeds_run", "--feed", "no.such.feed")
    with pytest.raises(CommandError, match="شناسه دوره معتبری نیست"):
        call_command("stats_feeds_run", "--period", "14xx")
    with pytest.raises(CommandError, match="دوره ماهانه می‌خواهد"):
        call_command("stats_feeds_run", "--period", str(complaints.a.year), "--feed", "complaints.answered")
    with pytest.raises(CommandError, match="هیچ خوراکی"):
        call_command("stats_feeds_run", "--period", f"{complaints.a.year}W3")  # no weekly feed is registered
