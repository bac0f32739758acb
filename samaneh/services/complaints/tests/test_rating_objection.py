"""After the answer: the citizen objects within the window (the case goes to the county inspection office),
not after it; accepts the answer; rates it once, 1–5."""
import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from samaneh.accounts.roles import Role
from samaneh.cases.models import Case
from samaneh.cases.services import case_transition
from samaneh.core.jalali import format_jalali
from samaneh.core.models import AuditEntry
from samaneh.services.complaints.models import Complaint
from samaneh.services.complaints.services import ComplaintRefused, complaint_file, complaint_rate
from tests.factories import CategoryFactory, CitizenFactory, RoleFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def citizen(client):
    user = CitizenFactory()
    client.force_login(user)
    return user


@pytest.fixture
def staff(tree):
    return RoleFactory(role=Role.MUNICIPALITY_STAFF, org_unit=tree["city1"]).user


@pytest.fixture
def case(tree, citizen):
    return complaint_file(applicant=citizen, kind="complaint", category=CategoryFactory(), description="چاله خیابان",
                          org_unit=tree["city1"]).case


@pytest.fixture
def answered(case, staff):
    return case_transition(case=case, action="answer", user=staff, text="چاله ترمیم شد.")


def page(client, case):
    return client.get(reverse("complaints:case", args=[case.pk])).content.decode()


def act(client, case, action, text=""):
    return client.post(reverse("complaints:act", args=[case.pk]), {"action": action, "text": text})


def test_an_objection_within_the_window_goes_to_the_county_inspection_office(client, tree, answered):
    deadline = Complaint.objects.get(pk=answered.pk).objection_deadline
    html = page(client, answered)
    assert format_jalali(deadline, with_time=True) in html and "اعتراض به پاسخ" in html
    response = act(client, answered, "object", "چاله هنوز هست.")
    assert response.status_code == 302
    case = Case.objects.get(pk=answered.pk)
    assert case.state == "objected" and case.responsible_unit == tree["c1"]
    assert case.complaint.objected_at is not None
    assert "اعتراض شما در دفتر بازرسی بررسی می‌شود" in page(client, case)

    inspector = RoleFactory(role=Role.INSPECTION_OFFICER, org_unit=tree["c1"]).user
    case_transition(case=case, action="inspection_answer", user=inspector, text="شهرداری تا یک هفته ترمیم می‌کند.")
    html = page(client, case)
    assert "شهرداری تا یک هفته ترمیم می‌کند." in html and "بسته شد" in html


def test_an_objection_needs_its_reason(client, answered):
    response = act(client, answered, "object", "")
    assert response.status_code == 400 and "نوشتن متن" in response.content.decode()
    assert Case.objects.get(pk=answered.pk).state == "answered"


def test_after_the_deadline_objection_is_neither_offered_nor_accepted(client, tree, answered):
    Complaint.objects.filter(pk=answered.pk).update(objection_deadline=timezone.now() - dt.timedelta(minutes=1))
    html = page(client, answered)
    assert "پایان یافت" in html and 'value="object"' not in html
    response = act(client, answered, "object", "قبول ندارم")
    assert response.status_code == 400 and "مهلت اعتراض به این پاسخ گذشته است." in response.content.decode()
    case = Case.objects.get(pk=answered.pk)
    assert case.state == "answered" and case.responsible_unit == tree["city1"]
    assert Complaint.objects.get(pk=answered.pk).objected_at is None


def test_accepting_the_answer_closes_the_case_and_the_rating_is_still_welcome(client, answered):
    assert act(client, answered, "accept_answer").status_code == 302
    assert Case.objects.get(pk=answered.pk).is_closed
    html = page(client, answered)
    assert "بسته شد" in html and "ثبت امتیاز" in html


def test_the_answer_is_rated_once(client, citizen, answered, staff, tree):
    response = client.post(reverse("complaints:rate", args=[answered.pk]), {"rating": "4", "comment": "سريع بود"})
    assert response.status_code == 302
    complaint = Complaint.objects.get(pk=answered.pk)
    assert (complaint.rating, complaint.rating_comment) == (4, "سریع بود") and complaint.rated_at
    assert AuditEntry.objects.filter(action="complaint.rate", object_id=str(answered.pk)).exists()
    html = page(client, answered)
    assert "۴ از ۵" in html and "ثبت امتیاز" not in html

    again = client.post(reverse("complaints:rate", args=[answered.pk]), {"rating": "1"})
    assert again.status_code == 400 and "پیش‌تر به این پاسخ امتیاز داده‌اید" in again.content.decode()
    assert Complaint.objects.get(pk=answered.pk).rating == 4

    client.force_login(staff)
    expert_page = client.get(reverse("cases:detail", args=[answered.pk])).content.decode()
    assert "۴ از ۵" in expert_page and "سریع بود" in expert_page


def test_no_rating_before_an_answer(client, citizen, case):
    assert "ثبت امتیاز" not in page(client, case)
    response = client.post(reverse("complaints:rate", args=[case.pk]), {"rating": "5"})
    assert response.status_code == 400 and "پس از دریافت پاسخ" in response.content.decode()
    assert Complaint.objects.get(pk=case.pk).rated_at is None


@pytest.mark.parametrize("rating", ["0", "6", "خوب", ""])
def test_a_rating_outside_one_to_five_is_refused(client, answered, rating):
    response = client.post(reverse("complaints:rate", args=[answered.pk]), {"rating": rating})
    assert response.status_code == 400 and "۱ تا ۵" in response.content.decode()
    assert Complaint.objects.get(pk=answered.pk).rated_at is None


def test_the_service_refuses_a_rating_by_anyone_but_the_applicant_or_out_of_range(answered, staff):
    with pytest.raises(ComplaintRefused, match="فقط ثبت‌کننده"):
        complaint_rate(case=answered, user=staff, rating=5)
    with pytest.raises(ComplaintRefused, match="۱ تا ۵"):
        complaint_rate(case=answered, user=answered.applicant, rating=9)
    with pytest.raises(ComplaintRefused, match="نظر"):
        complaint_rate(case=answered, user=answered.applicant, rating=3, comment="ا" * 501)
    assert Complaint.objects.get(pk=answered.pk).rated_at is None
    assert complaint_rate(case=answered, user=answered.applicant, rating="۵").rating == 5
