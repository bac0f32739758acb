"""Complaints back office: the category tree with its questions, read-only complaints, Open311 keys."""
import re

import pytest
from django.urls import reverse
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice

from samaneh.core.models import AuditEntry
from samaneh.services.complaints.models import Category, CategoryAttribute, Complaint, Open311Client
from samaneh.services.complaints.open311.auth import client_for_key
from samaneh.services.complaints.services import complaint_file
from tests.factories import CategoryFactory, CitizenFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_user(db):
    return UserFactory(username="root", is_staff=True, is_superuser=True)


@pytest.fixture
def admin_client(client, admin_user):
    """A superuser session that passed the TOTP step, which the admin site requires."""
    device = TOTPDevice.objects.create(user=admin_user, name="phone", confirmed=True)
    client.force_login(admin_user)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    return client


def category_form(**overrides):
    data = {
        "parent": "", "name": "چاله در معبر", "service_code": "pothole", "description": "", "kinds": "both",
        "routing": "local", "keywords": "", "is_active": "on", "order": "0",
        "attributes-TOTAL_FORMS": "1", "attributes-INITIAL_FORMS": "0",
        "attributes-MIN_NUM_FORMS": "0", "attributes-MAX_NUM_FORMS": "1000",
        "attributes-0-code": "size", "attributes-0-description": "اندازه چاله",
        "attributes-0-datatype": "singlevaluelist",
        "attributes-0-required": "on", "attributes-0-order": "1",
        "attributes-0-values": '[{"key": "small", "name": "كوچك"}, {"key": "large", "name": "بزرگ"}]',
    }
    data.update(overrides)
    return data


def test_a_category_with_its_questions_is_added_and_served_over_open311(admin_client):
    roads = CategoryFactory(name="راه و معابر", service_code="roads")
    response = admin_client.post(reverse("admin:complaints_category_add"), category_form(parent=roads.pk))
    assert response.status_code == 302, response.content.decode()
    pothole = Category.objects.get(service_code="pothole")
    assert pothole.parent == roads
    attribute = pothole.attributes.get()
    assert attribute.values == [{"key": "small", "name": "کوچک"}, {"key": "large", "name": "بزرگ"}]  # normalised
    definition = admin_client.get(reverse("open311:service", kwargs={"fmt": "json", "service_code": "pothole"})).json()
    assert definition["attributes"][0]["code"] == "size"


@pytest.mark.parametrize("overrides, field_error", [
    ({"attributes-0-values": '[{"key": "small"}]'}, "کلید و نام"),
    ({"attributes-0-values": "[]"}, "دست‌کم یک گزینه"),
    ({"attributes-0-datatype": "string"}, "فقط پرسش‌های از نوع فهرست"),
    ({"attributes-0-values": '[{"key": "a", "name": "الف"}, {"key": "a", "name": "ب"}]'}, "یکتا"),
])
def test_bad_question_options_are_refused_in_persian_and_nothing_is_saved(admin_client, overrides, field_error):
    response = admin_client.post(reverse("admin:complaints_category_add"), category_form(**overrides))
    assert response.status_code == 200
    assert field_error in response.content.decode()
    assert not Category.objects.exists() and not CategoryAttribute.objects.exists()


def test_a_category_cannot_be_moved_under_its_own_subtree(admin_client):
    roads = CategoryFactory(name="راه و معابر", service_code="roads")
    pothole = CategoryFactory(name="چاله", service_code="pothole", parent=roads)
    data = category_form(name="راه و معابر", service_code="roads", parent=pothole.pk,
                         **{"attributes-TOTAL_FORMS": "0"})
    response = admin_client.post(reverse("admin:complaints_category_change", args=[roads.pk]), data)
    assert response.status_code == 200
    assert "زیرمجموعه خودش" in response.content.decode()
    roads.refresh_from_db()
    assert roads.parent is None


def test_category_list_search_reads_arabic_letters(admin_client):
    CategoryFactory(name="کمبود روشنایی", service_code="light")
    CategoryFactory(name="آب‌گرفتگی", service_code="flood")
    page = admin_client.get(reverse("admin:complaints_category_changelist"), {"q": "كمبود"}).content.decode()
    assert "کمبود روشنایی" in page and "آب‌گرفتگی" not in page


def test_complaints_are_listed_read_only(admin_client, tree):
    category = CategoryFactory(name="روشنایی معابر", service_code="light")
    case = complaint_file(applicant=CitizenFactory(), kind="complaint", category=category,
                          description="چراغ خاموش است", org_unit=tree["city1"]).case
    complaint = Complaint.objects.get()
    page = admin_client.get(reverse("admin:complaints_complaint_changelist")).content.decode()
    assert case.tracking_code in page and "ثبت‌شده، در انتظار بررسی" in page and "روشنایی معابر" in page
    found = admin_client.get(reverse("admin:complaints_complaint_changelist"), {"q": case.tracking_code})
    assert case.tracking_code in found.content.decode()
    detail = admin_client.get(reverse("admin:complaints_complaint_change", args=[complaint.pk]))
    assert detail.status_code == 200 and "چراغ خاموش است" in detail.content.decode()
    assert admin_client.get(reverse("admin:complaints_complaint_add")).status_code == 403
    admin_client.post(reverse("admin:complaints_complaint_change", args=[complaint.pk]), {"description": "x"})
    complaint.refresh_from_db()
    assert complaint.description == "چراغ خاموش است"


def _shown_key(response):
    """The key in the page a POST redirected to (followed), where the admin shows its messages."""
    match = re.search(r"کلید API برنامه «[^»]+»: (\S+)", response.content.decode())
    assert match, response.content.decode()
    return match.group(1)


def test_adding_a_client_shows_its_key_once_and_stores_only_a_hash(admin_client, admin_user):
    response = admin_client.post(reverse("admin:complaints_open311client_add"), {"name": "اپ شهر من"}, follow=True)
    assert response.redirect_chain[-1][1] == 302
    raw_key = _shown_key(response)
    client = Open311Client.objects.get()
    assert client.name == "اپ شهر من" and client.key_prefix == raw_key[:8]
    assert raw_key not in client.key_hash
    assert client_for_key(raw_key) == client
    assert client.user.is_citizen is False and not client.user.has_usable_password()
    assert AuditEntry.objects.filter(action="open311.client_create", actor_id=admin_user.pk).exists()
    page = admin_client.get(reverse("admin:complaints_open311client_change", args=[client.pk])).content.decode()
    assert raw_key not in page


def test_issuing_a_new_key_retires_the_old_one(admin_client, admin_user):
    old_key = _shown_key(admin_client.post(reverse("admin:complaints_open311client_add"), {"name": "اپ شهر من"},
                                           follow=True))
    client = Open311Client.objects.get()
    response = admin_client.post(reverse("admin:complaints_open311client_changelist"),
                                 {"action": "issue_new_key", "_selected_action": [client.pk]}, follow=True)
    new_key = _shown_key(response)
    assert client_for_key(new_key) == client and client_for_key(old_key) is None
    assert AuditEntry.objects.filter(action="open311.key_issue", actor_id=admin_user.pk).exists()


def test_a_client_is_retired_not_deleted(admin_client, admin_user):
    raw_key = _shown_key(admin_client.post(reverse("admin:complaints_open311client_add"), {"name": "اپ شهر من"},
                                           follow=True))
    client = Open311Client.objects.get()
    response = admin_client.post(reverse("admin:complaints_open311client_change", args=[client.pk]),
                                 {"name": "اپ شهر من", "is_active": ""})
    assert response.status_code == 302
    client.refresh_from_db()
    assert client.is_active is False and client_for_key(raw_key) is None
    assert AuditEntry.objects.filter(action="open311.client_change", actor_id=admin_user.pk).exists()
    assert admin_client.get(reverse("admin:complaints_open311client_delete", args=[client.pk])).status_code == 403


def test_the_admin_pages_need_a_verified_staff_session(client, admin_user):
    client.force_login(admin_user)  # password only, no TOTP
    assert client.get(reverse("admin:complaints_open311client_changelist")).status_code == 302
