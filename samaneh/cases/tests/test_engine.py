import datetime as dt

import pytest
from django.utils import timezone

from samaneh.accounts.roles import Role
from samaneh.cases.models import Case, CaseEvent, Comment, Notification
from samaneh.cases.services import CaseError, available_steps, case_assign, case_refer, case_transition
from samaneh.core.models import AuditEntry
from tests.factories import CitizenFactory, RoleFactory, open_complaint

pytestmark = pytest.mark.django_db


@pytest.fixture
def citizen():
    return CitizenFactory()


def test_opening_a_case_sets_code_state_deadline_and_tells_the_citizen(tree, citizen):
    case = open_complaint(applicant=citizen, unit=tree["city1"])
    assert len(case.tracking_code) == 10 and case.state == "submitted"
    assert case.deadline > timezone.now() + dt.timedelta(days=6)
    assert Notification.objects.filter(user=citizen, case=case, by_sms=True).exists()
    assert AuditEntry.objects.filter(action="case.open", object_id=str(case.pk)).exists()


def test_a_role_in_the_table_and_in_scope_takes_the_step(tree, citizen):
    staff = RoleFactory(role=Role.MUNICIPALITY_STAFF, org_unit=tree["city1"]).user
    case = open_complaint(applicant=citizen, unit=tree["city1"])
    assert {s.action for s in available_steps(staff, case)} == {"accept", "answer", "request_info", "close"}
    case = case_transition(case=case, action="answer", user=staff, text="لامپ تعویض شد.", internal_note="پیمانکار ۳")
    assert case.state == "answered"
    assert case.complaint.objection_deadline is not None
    assert list(Comment.objects.filter(case=case).values_list("visibility", flat=True)) == ["public", "internal"]
    assert CaseEvent.objects.filter(case=case, action="answer", to_state="answered").exists()


def test_staff_of_another_city_and_the_applicant_are_refused_and_nothing_changes(tree, citizen):
    other = RoleFactory(role=Role.MUNICIPALITY_STAFF, org_unit=tree["city2"]).user
    case = open_complaint(applicant=citizen, unit=tree["city1"])
    for user in (other, citizen):
        with pytest.raises(CaseError):
            case_transition(case=case, action="answer", user=user, text="x")
    case.refresh_from_db()
    assert case.state == "submitted"
    assert not CaseEvent.objects.filter(case=case, action="answer").exists()


def test_answer_without_text_is_refused(tree, citizen):
    staff = RoleFactory(role=Role.MUNICIPALITY_STAFF, org_unit=tree["city1"]).user
    case = open_complaint(applicant=citizen, unit=tree["city1"])
    with pytest.raises(CaseError, match="لازم است"):
        case_transition(case=case, action="answer", user=staff, text="  ")


def test_request_for_information_pauses_the_clock_and_the_reply_resumes_it(tree, citizen):
    staff = RoleFactory(role=Role.MUNICIPALITY_STAFF, org_unit=tree["city1"]).user
    case = open_complaint(applicant=citizen, unit=tree["city1"])
    case = case_transition(case=case, action="request_info", user=staff, text="پلاک دقیق را بنویسید.")
    assert case.sla_paused_at is not None and case.sla_days_left is not None
    assert not case.is_overdue
    case = case_transition(case=case, action="provide_info", user=citizen, text="پلاک ۱۲")
    assert case.state == "in_review" and case.sla_paused_at is None and case.deadline > timezone.now()


def test_objection_goes_to_the_county_inspection_office_which_can_reopen_at_the_unit(tree, citizen):
    staff = RoleFactory(role=Role.MUNICIPALITY_STAFF, org_unit=tree["city1"]).user
    inspector = RoleFactory(role=Role.INSPECTION_OFFICER, org_unit=tree["c1"]).user
    case = open_complaint(applicant=citizen, unit=tree["city1"])
    case = case_transition(case=case, action="answer", user=staff, text="انجام شد")
    case = case_transition(case=case, action="object", user=citizen, text="انجام نشده است")
    assert case.state == "objected" and case.responsible_unit == tree["c1"]
    case = case_transition(case=case, action="reopen", user=inspector, text="دوباره بررسی شود")
    assert case.state == "in_review" and case.responsible_unit == tree["city1"]


def test_objection_after_the_deadline_is_refused(tree, citizen):
    staff = RoleFactory(role=Role.MUNICIPALITY_STAFF, org_unit=tree["city1"]).user
    case = open_complaint(applicant=citizen, unit=tree["city1"])
    case = case_transition(case=case, action="answer", user=staff, text="انجام شد")
    case.complaint.objection_deadline = timezone.now() - dt.timedelta(minutes=1)
    case.complaint.save()
    with pytest.raises(CaseError, match="مهلت اعتراض"):
        case_transition(case=case, action="object", user=citizen, text="قبول ندارم")
    case.refresh_from_db()
    assert case.state == "answered" and case.responsible_unit == tree["city1"]


def test_refer_and_bulk_assign_stay_inside_scope(tree, citizen):
    lead = RoleFactory(role=Role.MUNICIPALITY_STAFF, org_unit=tree["city1"]).user
    colleague = RoleFactory(role=Role.MUNICIPALITY_STAFF, org_unit=tree["city1"]).user
    outsider = RoleFactory(role=Role.MUNICIPALITY_STAFF, org_unit=tree["city2"]).user
    cases = [open_complaint(applicant=citizen, unit=tree["city1"]) for _ in range(2)]
    with pytest.raises(CaseError):
        case_assign(cases=cases, user=lead, to_user=outsider)
    assert not Case.objects.filter(assigned_to__isnull=False).exists()
    case_assign(cases=cases, user=lead, to_user=colleague)
    assert Case.objects.filter(assigned_to=colleague).count() == 2
    with pytest.raises(CaseError, match="دلیل"):
        case_refer(case=cases[0], user=lead, to_unit=tree["d1"], reason="")
    case = case_refer(case=cases[0], user=lead, to_unit=tree["d1"], reason="در محدوده شهر نیست")
    assert case.responsible_unit == tree["d1"] and case.assigned_to is None
    with pytest.raises(CaseError):
        case_refer(case=case, user=outsider, to_unit=tree["city2"], reason="x")


def test_asking_for_information_on_an_overdue_case_pauses_with_no_days_left(tree, citizen):
    staff = RoleFactory(role=Role.MUNICIPALITY_STAFF, org_unit=tree["city1"]).user
    case = open_complaint(applicant=citizen, unit=tree["city1"])
    Case.objects.filter(pk=case.pk).update(deadline=timezone.now() - dt.timedelta(days=10))
    case = case_transition(case=case, action="request_info", user=staff, text="نشانی دقیق؟")
    assert case.sla_days_left == 0 and case.sla_paused_at is not None
    case = case_transition(case=case, action="provide_info", user=citizen, text="کوچه ۳")
    assert case.deadline > timezone.now()


def test_the_public_history_copy_matches_the_public_events(tree, citizen):
    staff = RoleFactory(role=Role.MUNICIPALITY_STAFF, org_unit=tree["city1"]).user
    case = open_complaint(applicant=citizen, unit=tree["city1"])
    case_transition(case=case, action="accept", user=staff, internal_note="بازدید لازم است")
    case_assign(cases=[case], user=staff, to_user=staff)  # internal: not in the public copy
    case_refer(case=case, user=staff, to_unit=tree["d1"], reason="خارج از محدوده شهر")
    case.refresh_from_db()
    public = list(CaseEvent.objects.filter(case=case, public=True).order_by("at", "pk"))
    assert [(line[1], line[2]) for line in case.public_history] == [(e.action, e.to_state) for e in public]
    assert case.public_history[-1][3:] == [tree["d1"].level, tree["d1"].name]
    assert [dt.datetime.fromisoformat(line[0]) for line in case.public_history] == [e.at for e in public]
