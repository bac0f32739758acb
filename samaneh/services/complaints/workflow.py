"""The complaints and requests workflow, as the engine's table (see samaneh/cases/workflow.py)."""
from django.utils.translation import gettext_lazy as _

from samaneh.accounts.roles import Role
from samaneh.cases.workflow import APPLICANT, State, Step, Workflow, actors

# Who answers: the local bodies, the governorates above them, and the inspection office (which receives
# staff-behaviour complaints directly). A role reaches its unit's whole subtree, so a county reviewer can
# also act on a late municipal case that has escalated to the county.
HANDLERS = actors(
    Role.MUNICIPALITY_STAFF, Role.DEHYARI_STAFF, Role.DISTRICT_REVIEWER, Role.COUNTY_REVIEWER,
    Role.PROVINCE_REVIEWER, Role.NATIONAL_EXPERT, Role.INSPECTION_OFFICER,
)
INSPECTION = actors(Role.INSPECTION_OFFICER)
APPLICANT_ONLY = actors(APPLICANT)

SUBMITTED, IN_REVIEW, AWAITING_INFO, ANSWERED, OBJECTED, CLOSED = (
    "submitted", "in_review", "awaiting_info", "answered", "objected", "closed",
)

ANSWER_DAYS = 7  # working days for a first answer (sample; configurable per deployment later)
OBJECTION_REVIEW_DAYS = 10

WORKFLOW = Workflow(
    states=[
        State(SUBMITTED, _("ثبت‌شده، در انتظار بررسی"), _("ثبت شد")),
        State(IN_REVIEW, _("در حال بررسی"), _("در حال بررسی")),
        State(AWAITING_INFO, _("در انتظار اطلاعات تکمیلی از متقاضی"), _("نیازمند اطلاعات تکمیلی از شما"),
              sla_paused=True),
        State(ANSWERED, _("پاسخ داده شد"), _("پاسخ داده شد")),
        State(OBJECTED, _("اعتراض، در دفتر بازرسی"), _("اعتراض شما در دفتر بازرسی بررسی می‌شود")),
        State(CLOSED, _("بسته"), _("بسته شد"), closed=True),
    ],
    steps=[
        Step(SUBMITTED, "accept", _("پذیرش و آغاز بررسی"), HANDLERS, IN_REVIEW, ANSWER_DAYS),
        Step(SUBMITTED, "answer", _("پاسخ"), HANDLERS, ANSWERED, None, needs_text=True),
        Step(SUBMITTED, "request_info", _("درخواست اطلاعات تکمیلی"), HANDLERS, AWAITING_INFO, None, needs_text=True),
        Step(SUBMITTED, "close", _("بستن بدون پاسخ (نامرتبط یا تکراری)"), HANDLERS, CLOSED, None, needs_text=True),
        Step(IN_REVIEW, "answer", _("پاسخ"), HANDLERS, ANSWERED, None, needs_text=True),
        Step(IN_REVIEW, "request_info", _("درخواست اطلاعات تکمیلی"), HANDLERS, AWAITING_INFO, None, needs_text=True),
        Step(IN_REVIEW, "close", _("بستن بدون پاسخ (نامرتبط یا تکراری)"), HANDLERS, CLOSED, None, needs_text=True),
        Step(AWAITING_INFO, "provide_info", _("ارسال اطلاعات تکمیلی"), APPLICANT_ONLY, IN_REVIEW, ANSWER_DAYS,
             needs_text=True),
        Step(AWAITING_INFO, "close", _("بستن به سبب پاسخ ندادن متقاضی"), HANDLERS, CLOSED, None, needs_text=True),
        Step(ANSWERED, "object", _("اعتراض به پاسخ"), APPLICANT_ONLY, OBJECTED, OBJECTION_REVIEW_DAYS, needs_text=True),
        Step(ANSWERED, "accept_answer", _("پذیرش پاسخ"), APPLICANT_ONLY, CLOSED, None),
        Step(ANSWERED, "close", _("بستن پرونده"), HANDLERS, CLOSED, None),
        Step(OBJECTED, "inspection_answer", _("پاسخ دفتر بازرسی"), INSPECTION, CLOSED, None, needs_text=True),
        Step(OBJECTED, "reopen", _("بازگشایی و بازگرداندن به واحد"), INSPECTION, IN_REVIEW, ANSWER_DAYS,
             needs_text=True),
    ],
    initial_state=SUBMITTED,
    initial_sla_days=ANSWER_DAYS,
)
