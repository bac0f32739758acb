"""Filing through `complaint_file`: what is kept, what is refused (in Persian, naming the field, changing
nothing), idempotency, and the demo data built on it."""
import pytest
from django.db import transaction

from samaneh.cases.models import Case, IdempotencyKey, Notification
from samaneh.core.sms import read_outbox
from samaneh.services.complaints.demo import DEMO_LABEL, create_demo_categories, create_demo_complaints
from samaneh.services.complaints.models import Category, CategoryAttribute, Complaint
from samaneh.services.complaints.services import ComplaintRefused, complaint_file
from samaneh.web.demo import DEMO_CITIZEN_MOBILE, demo_accounts_create
from tests.factories import CategoryFactory, CitizenFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def citizen():
    return CitizenFactory()


@pytest.fixture
def lighting():
    group = CategoryFactory(name="خدمات شهری")
    return CategoryFactory(name="روشنایی معابر", parent=group)


def file(citizen, category, unit, **kwargs):
    fields = {"kind": "complaint", "description": "چراغ کوچه خاموش است"} | kwargs
    return complaint_file(applicant=citizen, category=category, org_unit=unit, **fields)


def test_filing_opens_a_case_with_the_complaint_and_texts_the_tracking_code(tree, citizen, lighting,
                                                                            django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        outcome = file(citizen, lighting, tree["city1"],
                       description="  چراغ  كوچه\u200c\u200cها خاموش است\r\n\r\n\r\nپلاك ۱۲ ",
                       address="خيابان بهار", is_public=True)
    case = outcome.case
    assert outcome.created and case.service == "complaints" and case.state == "submitted"
    assert case.applicant == citizen and case.responsible_unit == tree["city1"]
    complaint = case.complaint
    # Arabic ي/ك, Persian digits and stray spacing are stored in canonical form; line breaks survive.
    assert complaint.description == "چراغ کوچه\u200cها خاموش است\n\nپلاک 12"
    assert complaint.address == "خیابان بهار" and complaint.is_public and complaint.channel == "web"
    assert complaint.open311_token == ""
    assert "روشنایی معابر" in case.title and "شکایت" in case.title
    [sms] = read_outbox()
    assert sms["to"] == citizen.mobile and case.tracking_code in sms["text"]


@pytest.mark.parametrize("description", ["", "   ", "\u200c\u200c", "\u200f\n\t"])
def test_an_empty_description_is_refused_and_nothing_is_filed(tree, citizen, lighting, description):
    with pytest.raises(ComplaintRefused) as refused:
        file(citizen, lighting, tree["city1"], description=description, idempotency_key="k")
    assert refused.value.field == "description" and "شرح" in refused.value.message
    assert not Case.objects.exists() and not Notification.objects.exists() and not IdempotencyKey.objects.exists()


def test_a_description_over_5000_characters_is_refused(tree, citizen, lighting):
    file(citizen, lighting, tree["city1"], description="ا" * 5000)
    with pytest.raises(ComplaintRefused) as refused:
        file(citizen, lighting, tree["city1"], description="ا" * 5001)
    assert refused.value.field == "description" and "۵۰۰۰" in refused.value.message
    assert Case.objects.count() == 1


def test_a_kind_the_category_does_not_take_is_refused(tree, citizen):
    violations = CategoryFactory(name="تخلفات ساختمانی", kinds=Category.Kinds.COMPLAINT)
    with pytest.raises(ComplaintRefused) as refused:
        file(citizen, violations, tree["city1"], kind="request")
    assert refused.value.field == "kind" and "فقط «شکایت»" in refused.value.message
    with pytest.raises(ComplaintRefused) as refused:
        file(citizen, violations, tree["city1"], kind="suggestion")
    assert refused.value.field == "kind"
    assert not Case.objects.exists()
    assert file(citizen, violations, tree["city1"], kind="complaint").created


def test_a_group_or_an_inactive_category_is_refused(tree, citizen, lighting):
    for category, words in [(lighting.parent, "زیرگروه"), (CategoryFactory(is_active=False), "فعال نیست"),
                            (CategoryFactory(parent=CategoryFactory(is_active=False)), "فعال نیست")]:
        with pytest.raises(ComplaintRefused) as refused:
            file(citizen, category, tree["city1"])
        assert refused.value.field == "category" and words in refused.value.message
    with pytest.raises(ComplaintRefused) as refused:
        file(citizen, None, tree["city1"])
    assert refused.value.field == "category"
    assert not Case.objects.exists()


def test_the_same_idempotency_key_files_once(tree, citizen, lighting):
    first = file(citizen, lighting, tree["city1"], idempotency_key="form-abc")
    again = file(citizen, lighting, tree["city1"], idempotency_key="form-abc")
    other = file(citizen, lighting, tree["city1"], idempotency_key="form-xyz")
    assert first.created and not again.created and again.case == first.case
    assert other.created and Case.objects.count() == 2
    # Another citizen's key is theirs alone.
    assert file(CitizenFactory(), lighting, tree["city1"], idempotency_key="form-abc").created


def test_category_questions_are_checked_and_kept(tree, citizen):
    potholes = CategoryFactory(name="چاله")
    CategoryAttribute.objects.create(category=potholes, code="severity", description="شدت خرابی", required=True,
                                     datatype="singlevaluelist", values=[{"key": "low", "name": "کم"},
                                                                         {"key": "high", "name": "زیاد"}])
    CategoryAttribute.objects.create(category=potholes, code="count", description="تعداد", datatype="number")
    CategoryAttribute.objects.create(category=potholes, code="sides", description="سمت", datatype="multivaluelist",
                                     values=[{"key": "n", "name": "شمال"}, {"key": "s", "name": "جنوب"}])
    bad = [({}, "attribute[severity]", "پاسخ دهید"), ({"severity": "huge"}, "attribute[severity]", "گزینه‌های"),
           ({"severity": "low", "count": "چند"}, "attribute[count]", "عدد"),
           ({"severity": "low", "sides": ["n", "w"]}, "attribute[sides]", "گزینه‌های")]
    for answers, field, words in bad:
        with pytest.raises(ComplaintRefused) as refused:
            file(citizen, potholes, tree["city1"], attributes=answers)
        assert refused.value.field == field and words in refused.value.message
    assert not Case.objects.exists()
    case = file(citizen, potholes, tree["city1"], attributes={"severity": "high", "count": "۳", "sides": ["s"],
                                                              "unknown": "x"}).case
    assert case.complaint.attributes == {"severity": "high", "count": "3", "sides": ["s"]}


def test_an_open311_report_gets_a_token_and_keeps_its_contact(tree, citizen, lighting):
    case = file(citizen, lighting, tree["city1"], channel="open311", contact={"email": "a@example.org"}).case
    assert len(case.complaint.open311_token) == 16 and case.complaint.contact == {"email": "a@example.org"}
    with pytest.raises(ComplaintRefused) as refused:
        file(citizen, lighting, tree["city1"], channel="fax")
    assert refused.value.field == "channel"


def test_a_crash_after_filing_inside_the_callers_transaction_leaves_nothing(tree, citizen, lighting):
    with pytest.raises(RuntimeError):
        with transaction.atomic():
            file(citizen, lighting, tree["city1"], idempotency_key="k1")
            raise RuntimeError("the upload that follows failed")
    assert not Case.objects.exists() and not IdempotencyKey.objects.exists()
    assert file(citizen, lighting, tree["city1"], idempotency_key="k1").created


def test_demo_categories_are_a_tree_with_stable_codes_and_run_twice_the_same(db):
    first = create_demo_categories()
    counts = (Category.objects.count(), CategoryAttribute.objects.count())
    Category.objects.filter(service_code="potholes").update(name="چاله‌های خیابان")  # an admin's edit stays
    second = create_demo_categories()
    assert (Category.objects.count(), CategoryAttribute.objects.count()) == counts
    assert {code: c.pk for code, c in first.items()} == {code: c.pk for code, c in second.items()}
    assert second["potholes"].name == "چاله‌های خیابان" and second["potholes"].parent.service_code == "roads"
    assert second["staff-behaviour"].routing == Category.Routing.INSPECTION
    assert all(code.isascii() for code in second)
    severity = CategoryAttribute.objects.get(category=second["potholes"], code="severity")
    assert severity.datatype == "singlevaluelist" and severity.required and len(severity.values) == 3


def test_demo_complaints_are_labelled_in_several_states_and_not_duplicated_on_a_rerun(tree):
    demo_accounts_create()
    cases = create_demo_complaints()
    again = create_demo_complaints()
    assert [c.pk for c in cases] == [c.pk for c in again]
    assert Case.objects.count() == len(cases)
    complaints = Complaint.objects.filter(case__in=cases)
    assert all(c.description.startswith(DEMO_LABEL) for c in complaints)
    assert all(c.case.applicant.username == DEMO_CITIZEN_MOBILE for c in complaints)
    assert all(c.case.org_unit.is_within(tree["p1"]) for c in complaints)
    states = {c.state for c in Case.objects.all()}
    assert {"submitted", "in_review", "answered", "objected", "closed"} <= states
    assert complaints.filter(rating__isnull=False).count() == 1
    staff_case = Case.objects.get(complaint__category__service_code="staff-behaviour")
    assert staff_case.responsible_unit == tree["c1"]
