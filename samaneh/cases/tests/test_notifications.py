"""The notifications page and the navbar's unread count."""
import datetime as dt

import pytest
from django.contrib.auth.models import AnonymousUser
from django.template import Context, Template
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone

from samaneh.accounts.roles import Role
from samaneh.cases.models import Notification
from samaneh.cases.services import notify
from samaneh.core.text import to_persian_digits
from tests.factories import CitizenFactory, RoleFactory, open_complaint

pytestmark = pytest.mark.django_db

PAGE = reverse("cases:notifications")


@pytest.fixture
def expert(tree):
    return RoleFactory(role=Role.MUNICIPALITY_STAFF, org_unit=tree["city1"]).user


@pytest.fixture
def case(tree):
    return open_complaint(applicant=CitizenFactory(), unit=tree["city1"])


def test_newest_first_with_unread_marked_and_case_links_for_staff(client, expert, case):
    old = notify(user=expert, case=case, text="پرونده قدیمی")
    Notification.objects.filter(pk=old.pk).update(created_at=timezone.now() - dt.timedelta(days=2),
                                                  read_at=timezone.now())
    new = notify(user=expert, case=case, text=f"پرونده {case.tracking_code} به شما واگذار شد.")
    client.force_login(expert)
    response = client.get(PAGE)
    listed = list(response.context["page"].object_list)
    assert [n.pk for n in listed] == [new.pk, old.pk]
    html = response.content.decode()
    assert html.index("واگذار شد") < html.index("پرونده قدیمی")
    assert to_persian_digits(case.tracking_code) in html  # digits as the reader writes them
    assert html.count('data-read="no"') == 1 and html.count('data-read="yes"') == 1
    assert "۱ خوانده‌نشده" in html
    assert f'href="{reverse("cases:detail", args=[case.pk])}"' in html


def test_mark_all_read(client, expert, case):
    for n in range(3):
        notify(user=expert, case=case, text=f"اعلان {n}")
    other = CitizenFactory()
    theirs = notify(user=other, case=case, text="مال دیگری")
    client.force_login(expert)
    response = client.post(PAGE, follow=True)
    assert "همه اعلان‌ها خوانده شد." in response.content.decode()
    assert not Notification.objects.filter(user=expert, read_at__isnull=True).exists()
    theirs.refresh_from_db()
    assert theirs.read_at is None  # only one's own


def test_marking_twice_keeps_the_first_read_time(client, expert, case):
    notification = notify(user=expert, case=case, text="اعلان")
    client.force_login(expert)
    client.post(PAGE)
    notification.refresh_from_db()
    first = notification.read_at
    client.post(PAGE)
    notification.refresh_from_db()
    assert notification.read_at == first


def test_a_user_sees_only_their_own_notifications(client, expert, case):
    notify(user=CitizenFactory(), case=case, text="اعلان شخص دیگر")
    client.force_login(expert)
    assert "اعلان شخص دیگر" not in client.get(PAGE).content.decode()


def test_a_citizens_notification_has_no_staff_link(client, case):
    client.force_login(case.applicant)
    html = client.get(PAGE).content.decode()
    assert "ثبت شد" in html  # the opening notification
    assert reverse("cases:detail", args=[case.pk]) not in html


def test_pages_of_fifty(client, expert, case):
    Notification.objects.bulk_create(
        [Notification(user=expert, case=case, text=f"اعلان {n}") for n in range(55)]
    )
    client.force_login(expert)
    assert len(client.get(PAGE).context["page"].object_list) == 50
    assert len(client.get(PAGE, {"page": 2}).context["page"].object_list) == 5


def test_anonymous_visitors_are_sent_to_sign_in(client):
    response = client.get(PAGE)
    assert response.status_code == 302


def render_count(user):
    request = RequestFactory().get("/")
    request.user = user
    template = Template("{% load case_tags %}[{% unread_notifications_count %}]")
    return template.render(Context({"request": request}))


def test_the_navbar_count_is_the_users_unread_notifications(expert, case):
    assert render_count(expert) == "[0]"
    notify(user=expert, case=case, text="یک")
    read = notify(user=expert, case=case, text="دو")
    Notification.objects.filter(pk=read.pk).update(read_at=timezone.now())
    notify(user=case.applicant, case=case, text="مال متقاضی")
    assert render_count(expert) == "[1]"
    assert render_count(AnonymousUser()) == "[0]"


def test_the_count_can_be_kept_in_a_variable(expert, case):
    notify(user=expert, case=case, text="یک")
    request = RequestFactory().get("/")
    request.user = expert
    template = Template("{% load case_tags %}{% unread_notifications_count as n %}{% if n %}({{ n|fa_number }}){% endif %}")
    assert template.render(Context({"request": request})) == "(۱)"
