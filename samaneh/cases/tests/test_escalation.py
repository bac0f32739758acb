"""An overdue case climbs to the parent unit, its deadline counted in Jalali working days: Fridays and
Iran's official holidays do not count."""
import datetime as dt
import io
import zoneinfo

import holidays
import pytest
from django.core.management import call_command
from django.utils import timezone

from samaneh.accounts.roles import Role
from samaneh.cases.models import Case, CaseEvent
from samaneh.cases.services import case_escalate_overdue, case_transition, deadline_after
from samaneh.cases.tasks import escalate_overdue_cases
from samaneh.core.jalali import format_jalali
from samaneh.core.models import AuditEntry
from samaneh.services.complaints.workflow import ANSWER_DAYS
from tests.factories import CitizenFactory, RoleFactory, open_complaint

pytestmark = pytest.mark.django_db

TEHRAN = zoneinfo.ZoneInfo("Asia/Tehran")
# Wednesday 3 Ordibehesht 1404, 10:00 in Tehran. Thursday the 24th is an official holiday (martyrdom of
# Imam Ja'far al-Sadiq) and Friday the 25th the weekly closed day, so the first working day after it is
# Saturday the 26th.
OPENED = dt.datetime(2025, 4, 23, 10, 0, tzinfo=TEHRAN)


@pytest.fixture(autouse=True)
def _calendar(settings):
    settings.WEEKLY_CLOSED_WEEKDAYS = (4,)
    settings.EXTRA_CLOSED_DAYS = {}


@pytest.fixture
def citizen():
    return CitizenFactory()


def opened_on_wednesday(tree, citizen, unit_key="city1"):
    """A complaint as if filed at OPENED: its deadline from the engine's own rule, started then."""
    case = open_complaint(applicant=citizen, unit=tree[unit_key])
    Case.objects.filter(pk=case.pk).update(
        created_at=OPENED, deadline=deadline_after(tree[unit_key], ANSWER_DAYS, OPENED)
    )
    case.refresh_from_db()
    return case


def test_the_window_really_holds_a_friday_and_an_official_holiday():
    official = holidays.country_holidays("IR", years=2025)
    assert OPENED.date().weekday() == 2  # Wednesday
    assert dt.date(2025, 4, 24) in official and dt.date(2025, 4, 24).weekday() == 3  # Thursday, not a Friday
    assert dt.date(2025, 4, 25).weekday() == 4 and dt.date(2025, 5, 2).weekday() == 4  # two Fridays
    assert not any(dt.date(2025, 4, 26) + dt.timedelta(days=n) in official for n in range(16))


def test_the_deadline_skips_the_friday_and_the_holiday(tree, citizen):
    case = opened_on_wednesday(tree, citizen)
    # Working days: Sat 26, Sun 27, Mon 28, Tue 29, Wed 30 April, Thu 1 May, (Fri 2 May closed), Sat 3 May.
    assert case.deadline == dt.datetime(2025, 5, 3, 10, 0, tzinfo=TEHRAN)
    assert format_jalali(case.deadline) == "۱۴۰۴/۰۲/۱۳"


def test_an_overdue_case_moves_to_the_parent_unit_with_a_fresh_deadline_a_history_line_and_an_audit_entry(
    tree, citizen
):
    case = opened_on_wednesday(tree, citizen)
    assert case_escalate_overdue(now=case.deadline - dt.timedelta(minutes=1)) == 0

    late = case.deadline + dt.timedelta(minutes=1)  # Saturday 3 May, 10:01
    assert case_escalate_overdue(now=late) == 1
    case.refresh_from_db()
    assert case.responsible_unit == tree["d1"] and case.escalations == 1 and case.assigned_to is None
    # Sun 4 … Thu 8 May, (Fri 9 closed), Sat 10, Sun 11: seven working days from the Saturday.
    assert case.deadline == dt.datetime(2025, 5, 11, 10, 1, tzinfo=TEHRAN)
    event = CaseEvent.objects.get(case=case, action="escalate")
    assert (event.from_unit, event.to_unit, event.actor, event.public) == (tree["city1"], tree["d1"], None, True)
    entry = AuditEntry.objects.get(action="case.escalate", object_id=str(case.pk))
    assert entry.before["responsible_unit"] == tree["city1"].pk and entry.after["responsible_unit"] == tree["d1"].pk

    # Its new deadline has not passed: running again changes nothing.
    assert case_escalate_overdue(now=late + dt.timedelta(hours=1)) == 0
    # Missed again: on to the county.
    assert case_escalate_overdue(now=case.deadline + dt.timedelta(minutes=1)) == 1
    case.refresh_from_db()
    assert case.responsible_unit == tree["c1"] and case.escalations == 2


def test_a_case_waiting_for_the_applicant_does_not_escalate(tree, citizen):
    staff = RoleFactory(role=Role.MUNICIPALITY_STAFF, org_unit=tree["city1"]).user
    case = open_complaint(applicant=citizen, unit=tree["city1"])
    case_transition(case=case, action="request_info", user=staff, text="پلاک را بنویسید")
    assert case_escalate_overdue(now=timezone.now() + dt.timedelta(days=365)) == 0
    case.refresh_from_db()
    assert case.responsible_unit == tree["city1"] and not CaseEvent.objects.filter(action="escalate").exists()


def test_a_closed_case_does_not_escalate(tree, citizen):
    staff = RoleFactory(role=Role.MUNICIPALITY_STAFF, org_unit=tree["city1"]).user
    case = opened_on_wednesday(tree, citizen)
    case_transition(case=case, action="close", user=staff, text="تکراری")
    Case.objects.filter(pk=case.pk).update(deadline=OPENED)  # even with a stale deadline left behind
    assert case_escalate_overdue(now=OPENED + dt.timedelta(days=365)) == 0
    assert Case.objects.get(pk=case.pk).responsible_unit == tree["city1"]


def test_a_case_at_the_top_of_the_tree_has_nowhere_to_go(tree, citizen):
    case = opened_on_wednesday(tree, citizen, unit_key="country")
    assert case_escalate_overdue(now=OPENED + dt.timedelta(days=365)) == 0
    assert Case.objects.get(pk=case.pk).responsible_unit == tree["country"]


def make_overdue_now(case):
    Case.objects.filter(pk=case.pk).update(deadline=timezone.now() - dt.timedelta(minutes=5))


def test_the_management_command_escalates_and_says_how_many(tree, citizen):
    cases = [open_complaint(applicant=citizen, unit=tree["city1"]) for _n in range(2)]
    waiting = open_complaint(applicant=citizen, unit=tree["v1"])
    for case in cases:
        make_overdue_now(case)
    out = io.StringIO()
    call_command("escalate_overdue_cases", stdout=out)
    assert out.getvalue().strip().endswith(("2", "۲"))
    assert set(Case.objects.filter(pk__in=[c.pk for c in cases]).values_list("responsible_unit", flat=True)) == {
        tree["d1"].pk
    }
    assert Case.objects.get(pk=waiting.pk).responsible_unit == tree["v1"]


def test_the_celery_task_runs_eagerly_and_returns_the_count(tree, citizen):
    case = open_complaint(applicant=citizen, unit=tree["v1"])
    make_overdue_now(case)
    assert escalate_overdue_cases.delay().get() == 1
    assert Case.objects.get(pk=case.pk).responsible_unit == tree["rd1"]
    assert escalate_overdue_cases.delay().get() == 0
