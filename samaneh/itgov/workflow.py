"""The IT profile's review flow, as the case engine's table (see samaneh/cases/workflow.py).

A municipality or dehyari submits; the county governorate reviews and either passes it up or returns it
for correction; the province approves (which fixes the scores) or returns it. A returned profile is editable
again and goes back to the county when resubmitted. The profile before its first submission is a draft of
ours, outside the engine: nobody reviews a draft.
"""
from django.utils.translation import gettext_lazy as _

from samaneh.accounts.roles import Role
from samaneh.cases.workflow import APPLICANT, State, Step, Workflow, actors

SUBMITTED, COUNTY_APPROVED, RETURNED, APPROVED = "submitted", "county_approved", "returned", "approved"

COUNTY = actors(Role.COUNTY_REVIEWER)
PROVINCE = actors(Role.PROVINCE_REVIEWER)
# The administration's own staff, not only the colleague who submitted, may send the corrected profile back.
LOCAL = actors(APPLICANT, Role.MUNICIPALITY_STAFF, Role.DEHYARI_STAFF)

REVIEW_DAYS = 10
CORRECTION_DAYS = 10

WORKFLOW = Workflow(
    states=[
        State(SUBMITTED, _("ارسال‌شده، در بررسی شهرستان"), _("در بررسی فرمانداری")),
        State(COUNTY_APPROVED, _("تأیید شهرستان، در بررسی استان"), _("در بررسی استانداری")),
        State(RETURNED, _("بازگشت برای اصلاح"), _("بازگشت برای اصلاح")),
        State(APPROVED, _("تأیید نهایی استان"), _("تأیید شد"), closed=True),
    ],
    steps=[
        Step(SUBMITTED, "county_pass", _("تأیید شهرستان و ارسال به استان"), COUNTY, COUNTY_APPROVED, REVIEW_DAYS),
        Step(SUBMITTED, "return", _("بازگرداندن برای اصلاح"), COUNTY, RETURNED, CORRECTION_DAYS, needs_text=True),
        Step(COUNTY_APPROVED, "approve", _("تأیید نهایی استان"), PROVINCE, APPROVED, None),
        Step(COUNTY_APPROVED, "return", _("بازگرداندن برای اصلاح"), PROVINCE, RETURNED, CORRECTION_DAYS,
             needs_text=True),
        Step(RETURNED, "resubmit", _("ارسال دوباره پس از اصلاح"), LOCAL, SUBMITTED, REVIEW_DAYS),
    ],
    initial_state=SUBMITTED,
    initial_sla_days=REVIEW_DAYS,
)
