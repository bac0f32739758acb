"""Duplicate suggestions (same category, near in space and time, open) and merging: the duplicate closes
with a public note naming the main case, and its citizen gets the main case's answer."""
import datetime as dt
import re
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from samaneh.accounts.roles import Role
from samaneh.cases.models import Case, CaseEvent, Comment
from samaneh.cases.services import case_transition
from samaneh.core.models import AuditEntry
from samaneh.core.sms import read_outbox
from samaneh.services.complaints.models import CategoryAttribute, Complaint
from samaneh.services.complaints.selectors import duplicates_for
from samaneh.services.complaints.services import ComplaintRefused, complaint_file, complaint_merge
from tests.factories import CategoryFactory, CitizenFactory, RoleFactory

pytestmark = pytest.mark.django_db

LAT, LNG = Decimal("35.832700"), Decimal("50.991500")
ABOUT_67_METRES_NORTH = Decimal("0.000600")


@pytest.fixture
def lighting():
    return CategoryFactory(name="روشنایی معابر")


@pytest.fixture
def staff(tree):
    return RoleFactory(role=Role.MUNICIPALITY_STAFF, org_unit=tree["city1"]).user


def file(tree, category, *, unit="city1", lat=None, lng=None, citizen=None):
    return complaint_file(applicant=citizen or CitizenFactory(), kind="complaint", category=category,
                          description="چراغ خاموش است", org_unit=tree[unit], latitude=lat, longitude=lng).case


@pytest.fixture
def reports(tree, lighting, staff):
    r = {
        "main": file(tree, lighting, lat=LAT, lng=LNG),
        "near": file(tree, lighting, lat=LAT + ABOUT_67_METRES_NORTH, lng=LNG),
        "far": file(tree, lighting, lat=LAT + Decimal("0.0045"), lng=LNG),  # ~500 m
        "other_category": file(tree, CategoryFactory(), lat=LAT, lng=LNG),
        "closed": file(tree, lighting, lat=LAT, lng=LNG),
        "old": file(tree, lighting, lat=LAT, lng=LNG),
        "no_point_same_unit": file(tree, lighting),
        "no_point_other_unit": file(tree, lighting, unit="city2"),
    }
    case_transition(case=r["closed"], action="close", user=staff, text="نامرتبط")
    Case.objects.filter(pk=r["old"].pk).update(created_at=timezone.now() - dt.timedelta(days=31))
    return r


def test_open_reports_of_the_same_category_nearby_and_recent_are_suggested_nearest_first(reports):
    found = duplicates_for(reports["main"].complaint)
    assert [c.pk for c in found] == [reports["near"].pk, reports["no_point_same_unit"].pk]
    assert 60 <= found[0].distance <= 75 and found[1].distance is None


def test_without_a_point_the_same_org_unit_decides(reports):
    found = {c.pk for c in duplicates_for(reports["no_point_same_unit"].complaint)}
    assert found == {reports["main"].pk, reports["near"].pk, reports["far"].pk}


def test_the_distance_is_a_setting(reports, settings):
    settings.COMPLAINTS_DUPLICATE_METERS = 600
    assert reports["far"].pk in {c.pk for c in duplicates_for(reports["main"].complaint)}
    settings.COMPLAINTS_DUPLICATE_METERS = 50
    assert reports["near"].pk not in {c.pk for c in duplicates_for(reports["main"].complaint)}


def test_an_expert_sees_only_suggestions_in_their_own_scope(reports, tree):
    other_city = RoleFactory(role=Role.MUNICIPALITY_STAFF, org_unit=tree["city2"]).user
    county = RoleFactory(role=Role.COUNTY_REVIEWER, org_unit=tree["c1"]).user
    assert duplicates_for(reports["main"].complaint, user=other_city) == []
    assert len(duplicates_for(reports["main"].complaint, user=county)) == 2


def test_the_expert_page_suggests_the_duplicate_with_a_merge_button(client, reports, staff):
    client.force_login(staff)
    page = client.get(reverse("cases:detail", args=[reports["main"].pk])).content.decode()
    assert "روشنایی معابر" in page and "data-complaint-map" in page
    assert reverse("complaints:duplicates", args=[reports["main"].pk]) in page
    fragment = client.get(reverse("complaints:duplicates", args=[reports["main"].pk])).content.decode()
    assert reports["near"].tracking_code.translate(str.maketrans("0123456789", "۰۱۲۳۴۵۶۷۸۹")) in fragment
    assert "متر" in fragment and reverse("complaints:merge") in fragment and "ادغام در این پرونده" in fragment


def test_merging_closes_the_duplicate_and_both_citizens_get_the_answer(
        client, reports, staff, django_capture_on_commit_callbacks):
    main, near = reports["main"], reports["near"]
    client.force_login(staff)
    back = reverse("cases:detail", args=[main.pk])
    response = client.post(reverse("complaints:merge"),
                           {"duplicate": near.pk, "into": main.pk, "reason": "همان تیر چراغ", "next": back})
    assert response.status_code == 302 and response.url == back
    near.refresh_from_db()
    assert near.is_closed and near.complaint.merged_into_id == main.pk
    note = Comment.objects.get(case=near, visibility="public")
    assert main.tracking_code in note.body and "ادغام" in note.body
    assert Comment.objects.filter(case=near, visibility="internal", body="همان تیر چراغ").exists()
    assert CaseEvent.objects.filter(case=near, action="close").exists()
    assert AuditEntry.objects.filter(action="complaint.merge", object_id=str(near.pk)).exists()

    with django_capture_on_commit_callbacks(execute=True):
        case_transition(case=main, action="answer", user=staff, text="لامپ‌های کوچه تعویض شد.")
    texts = {sms["to"]: sms["text"] for sms in read_outbox()}
    assert main.applicant.mobile in texts
    merged_sms = texts[near.applicant.mobile]
    assert "لامپ‌های کوچه تعویض شد." in merged_sms and near.tracking_code in merged_sms
    # The merged citizen reads the answer on their own case page, which points to the main case.
    client.force_login(near.applicant)
    page = client.get(reverse("complaints:case", args=[near.pk])).content.decode()
    assert "لامپ‌های کوچه تعویض شد." in page and "ادغام شد" in page


def test_merging_a_case_that_already_has_merged_ones_moves_them_to_the_main_case(reports, staff):
    main, near, same_unit = reports["main"], reports["near"], reports["no_point_same_unit"]
    complaint_merge(user=staff, duplicate_case=same_unit, into_case=near, reason="یکی است")
    complaint_merge(user=staff, duplicate_case=near, into_case=main, reason="یکی است")
    merged = Complaint.objects.filter(merged_into=main.complaint).values_list("pk", flat=True)
    assert set(merged) == {near.pk, same_unit.pk}


@pytest.mark.parametrize("dup_key, into_key, reason, words", [
    ("near", "main", "  ", "دلیل ادغام"),
    ("main", "main", "یکی است", "در خودش"),
    ("near", "closed", "یکی است", "بسته"),
])
def test_a_refused_merge_changes_nothing(reports, staff, dup_key, into_key, reason, words):
    with pytest.raises(ComplaintRefused, match=words):
        complaint_merge(user=staff, duplicate_case=reports[dup_key], into_case=reports[into_key], reason=reason)
    assert not Complaint.objects.filter(merged_into__isnull=False).exists()
    assert not Case.objects.get(pk=reports[dup_key].pk).is_closed


def test_an_answered_case_is_not_merged(reports, staff):
    near = case_transition(case=reports["near"], action="answer", user=staff, text="انجام شد")
    with pytest.raises(ComplaintRefused, match="پاسخ گرفته"):
        complaint_merge(user=staff, duplicate_case=near, into_case=reports["main"], reason="یکی است")
    assert Case.objects.get(pk=near.pk).state == "answered"


def test_an_expert_cannot_merge_outside_their_scope(client, reports, tree):
    outsider = RoleFactory(role=Role.MUNICIPALITY_STAFF, org_unit=tree["city2"]).user
    with pytest.raises(ComplaintRefused, match="حوزه دسترسی"):
        complaint_merge(user=outsider, duplicate_case=reports["near"], into_case=reports["main"], reason="یکی است")
    client.force_login(outsider)
    response = client.post(reverse("complaints:merge"),
                           {"duplicate": reports["near"].pk, "into": reports["main"].pk, "reason": "یکی است"})
    assert response.status_code == 404
    assert client.get(reverse("complaints:duplicates", args=[reports["main"].pk])).status_code == 404
    client.force_login(reports["near"].applicant)
    assert client.get(reverse("complaints:duplicates", args=[reports["main"].pk])).status_code == 404
    assert not Case.objects.get(pk=reports["near"].pk).is_closed


def test_a_merge_without_a_reason_through_the_page_says_so_and_changes_nothing(client, reports, staff):
    client.force_login(staff)
    back = reverse("cases:detail", args=[reports["main"].pk])
    response = client.post(reverse("complaints:merge"), {"duplicate": reports["near"].pk, "into": reports["main"].pk,
                                                         "reason": "", "next": back}, follow=True)
    assert "دلیل ادغام را بنویسید." in response.content.decode()
    assert not Case.objects.get(pk=reports["near"].pk).is_closed


def test_the_expert_reads_the_category_answers_by_their_labels(client, tree, staff):
    potholes = CategoryFactory(name="چاله")
    CategoryAttribute.objects.create(category=potholes, code="severity", description="شدت خرابی",
                                     datatype="singlevaluelist", values=[{"key": "high", "name": "زیاد"}])
    CategoryAttribute.objects.create(category=potholes, code="lanes", description="خط‌های بسته", datatype="number")
    case = complaint_file(applicant=CitizenFactory(), kind="complaint", category=potholes, description="چاله",
                          org_unit=tree["city1"], attributes={"severity": "high", "lanes": "2"}).case
    client.force_login(staff)
    page = client.get(reverse("cases:detail", args=[case.pk])).content.decode()
    assert re.search(r"شدت خرابی:</span>\s*زیاد", page) and re.search(r"خط‌های بسته:</span>\s*۲", page)
