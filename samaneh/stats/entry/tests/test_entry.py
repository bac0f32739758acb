"""The data-entry form: what it offers, what it refuses (nothing changes, a Persian message names why),
completion, reopening and approval."""
import re

import pytest
from django.urls import reverse

from samaneh.core.models import AuditEntry
from samaneh.geo.models import OrgUnit
from samaneh.stats import demo
from samaneh.stats.entry.selectors import field_name
from samaneh.stats.models import CompleteRegistration, DataApproval, DataValue, LockException
from samaneh.stats.uids import org_unit_uid

DEFAULT_COC = "HllvX50cXC0"
REV, PCT, RECEIVED, ANSWERED = (demo.UID[c] for c in ("REV_FEES", "BUDGET_SPENT_PCT", "CMP_RECEIVED", "CMP_ANSWERED"))


def url(name, data_set, unit, period):
    return reverse(f"stats_entry:{name}", args=[data_set.uid, org_unit_uid(unit), getattr(period, "id", period)])


def put(client, data_set, unit, period, element_uid, raw, coc=DEFAULT_COC):
    name = field_name(element_uid, coc)
    return client.post(url("value", data_set, unit, period), {"field": name, name: raw}, HTTP_HX_REQUEST="true")


def stored(element_uid, unit, period):
    return list(DataValue.objects.filter(data_element__uid=element_uid, org_unit=unit, period=period.id)
                .values_list("value", flat=True))


def test_home_offers_only_assigned_units_in_scope_and_no_future_period(client, monthly, officer, tree, this_month):
    client.force_login(officer)
    page = client.get(reverse("stats_entry:home"), {"data_set": monthly.uid}).content.decode()
    assert org_unit_uid(tree["city1"]) in page and org_unit_uid(tree["city2"]) not in page
    offered = re.findall(r'name="period".*?</select>', page, re.S)[0]
    assert f'value="{this_month.id}"' in offered and f'value="{this_month.next().id}"' not in offered
    assert this_month.label in offered
    # All three chosen: straight to the form.
    response = client.get(reverse("stats_entry:home"),
                          {"data_set": monthly.uid, "org_unit": org_unit_uid(tree["city1"]), "period": this_month.id})
    assert response.status_code == 302 and response.url == url("form", monthly, tree["city1"], this_month)


def test_form_shows_sections_gender_columns_and_the_previous_value(client, monthly, yearly, officer, tree, this_month):
    from samaneh.stats.datavalues import datavalues_import

    datavalues_import(user=None, trusted=True, rows=[
        {"dataElement": REV, "period": this_month.previous().id, "orgUnit": org_unit_uid(tree["city1"]),
         "value": "1250000.5"}])
    client.force_login(officer)
    page = client.get(url("form", monthly, tree["city1"], this_month)).content.decode()
    assert "پاسخ‌گویی به مردم" in page and "درآمد عوارض (میلیون ریال)" in page
    assert 'دوره قبل: <span class="prev-value">۱٬۲۵۰٬۰۰۰٫۵</span>' in page
    year_page = client.get(url("form", yearly, tree["city1"], this_month.parent("Yearly").previous())).content.decode()
    assert ">زن</th>" in year_page and ">مرد</th>" in year_page


def test_persian_digits_are_accepted_and_stored_as_ascii(client, monthly, officer, tree, this_month):
    client.force_login(officer)
    response = put(client, monthly, tree["city1"], this_month, REV, "۱۲۳۴٫۵")
    assert "ذخیره شد" in response.content.decode() and "۱۲۳۴.۵" in response.content.decode()
    assert stored(REV, tree["city1"], this_month) == ["1234.5"]
    # Same click twice: still one value (an upsert), never two rows.
    put(client, monthly, tree["city1"], this_month, REV, "۱۲۳۴٫۵")
    assert DataValue.objects.filter(data_element__uid=REV).count() == 1


@pytest.mark.parametrize(("element", "raw", "words"), [
    (REV, "زیاد", "عدد می‌خواهد"),
    (PCT, "150", "بین ۰ و ۱۰۰"),
    (RECEIVED, "2.5", "عدد صحیح"),
])
def test_a_bad_value_is_refused_inline_and_nothing_is_stored(client, monthly, officer, tree, this_month,
                                                             element, raw, words):
    client.force_login(officer)
    response = put(client, monthly, tree["city1"], this_month, element, raw)
    page = response.content.decode()
    assert words in page and 'role="alert"' in page and "is-invalid" in page
    assert f'value="{raw}"' in page  # what was typed stays in the box to be fixed
    assert not DataValue.objects.exists()


def test_a_bad_value_without_htmx_is_a_422(client, monthly, officer, tree, this_month):
    client.force_login(officer)
    name = field_name(REV, DEFAULT_COC)
    response = client.post(url("value", monthly, tree["city1"], this_month), {"field": name, name: "abc"})
    assert response.status_code == 422


def test_future_period_and_wrong_period_type_are_refused(client, monthly, officer, tree, this_month):
    client.force_login(officer)
    future = client.get(url("form", monthly, tree["city1"], this_month.next()))
    assert future.status_code == 400 and "هنوز نرسیده" in future.content.decode()
    posted = put(client, monthly, tree["city1"], this_month.next(), REV, "10")
    assert posted.status_code == 400 and not DataValue.objects.exists()
    season = client.get(url("form", monthly, tree["city1"], f"{this_month.year}Q1"))
    assert season.status_code == 400 and "با فرم «فرم ماهانه عملکرد شهرداری» که ماهانه است نمی‌خواند" in \
        season.content.decode()
    assert client.get(url("form", monthly, tree["city1"], "14x")).status_code == 400


def test_unit_outside_scope_or_not_assigned_is_not_found(client, monthly, officer, stats_officer, tree, this_month):
    client.force_login(officer)
    assert client.get(url("form", monthly, tree["city2"], this_month)).status_code == 404
    assert put(client, monthly, tree["city2"], this_month, REV, "10").status_code == 404
    unassigned = OrgUnit.objects.create(kind=OrgUnit.Kind.CITY, name="ماهدشت", parent=tree["d1"])
    client.force_login(stats_officer)
    assert client.get(url("form", monthly, tree["city1"], this_month)).status_code == 200
    assert client.get(url("form", monthly, unassigned, this_month)).status_code == 404
    assert put(client, monthly, unassigned, this_month, REV, "10").status_code == 404
    assert not DataValue.objects.exists()


def test_locked_period_refuses_values_until_a_reviewer_reopens_it(
        client, monthly, officer, county_reviewer, tree, locked_month):
    client.force_login(officer)
    page = client.get(url("form", monthly, tree["city1"], locked_month)).content.decode()
    assert "قفل" in page and "disabled" in page and 'value="complete"' not in page
    refused = put(client, monthly, tree["city1"], locked_month, REV, "10")
    assert "قفل" in refused.content.decode() and not DataValue.objects.exists()
    # The officer cannot reopen their own form.
    client.post(url("reopen", monthly, tree["city1"], locked_month), {"reason": "خواهش"})
    assert not LockException.objects.exists()
    client.force_login(county_reviewer)
    client.post(url("reopen", monthly, tree["city1"], locked_month), {"reason": "  "})
    assert not LockException.objects.exists()
    client.post(url("reopen", monthly, tree["city1"], locked_month), {"reason": "اصلاح درآمد پس از حسابرسی"})
    exception = LockException.objects.get()
    assert exception.created_by == county_reviewer and exception.reason == "اصلاح درآمد پس از حسابرسی"
    assert AuditEntry.objects.filter(action="stats.form_reopen").exists()
    client.force_login(officer)
    assert "ذخیره شد" in put(client, monthly, tree["city1"], locked_month, REV, "10").content.decode()
    assert stored(REV, tree["city1"], locked_month) == ["10"]


def form_post(client, data_set, unit, period, action, values):
    data = {"action": action, **{field_name(uid, DEFAULT_COC): raw for uid, raw in values.items()}}
    return client.post(url("form", data_set, unit, period), data)


def test_mark_complete_refuses_while_a_value_is_wrong_and_writes_nothing(client, monthly, officer, tree, this_month):
    client.force_login(officer)
    response = form_post(client, monthly, tree["city1"], this_month, "complete",
                         {REV: "۵۰۰", PCT: "150", RECEIVED: "12"})
    page = response.content.decode()
    assert response.status_code == 400 and "تا خطای مقدارها رفع نشود" in page and "بین ۰ و ۱۰۰" in page
    assert not DataValue.objects.exists() and not CompleteRegistration.objects.exists()
    response = form_post(client, monthly, tree["city1"], this_month, "complete",
                         {REV: "۵۰۰", PCT: "40", RECEIVED: "12"})
    assert response.status_code == 302
    assert stored(REV, tree["city1"], this_month) == ["500"]
    completion = CompleteRegistration.objects.get()
    assert completion.completed_by == officer and completion.period == this_month.id
    # A double click: the second submit finds the form complete and adds nothing.
    form_post(client, monthly, tree["city1"], this_month, "complete", {REV: "۵۰۰", PCT: "40", RECEIVED: "12"})
    assert CompleteRegistration.objects.count() == 1 and DataValue.objects.count() == 3
    assert AuditEntry.objects.filter(action="stats.form_complete").count() == 1
    page = client.get(url("form", monthly, tree["city1"], this_month)).content.decode()
    assert "کامل‌شده در" in page and "برداشتن اعلام تکمیل" in page
    client.post(url("uncomplete", monthly, tree["city1"], this_month))
    assert not CompleteRegistration.objects.exists()


def test_unmark_is_refused_once_the_form_is_locked(client, monthly, officer, tree, locked_month):
    from django.utils import timezone

    CompleteRegistration.objects.create(data_set=monthly, org_unit=tree["city1"], period=locked_month.id,
                                        completed_at=timezone.now())
    client.force_login(officer)
    response = client.post(url("uncomplete", monthly, tree["city1"], locked_month), follow=True)
    assert "قفل" in response.content.decode() and CompleteRegistration.objects.count() == 1


def test_violations_show_on_the_form_after_mark_complete(client, monthly, officer, tree, this_month):
    client.force_login(officer)
    form_post(client, monthly, tree["city1"], this_month, "save", {RECEIVED: "10", ANSWERED: "12"})
    page = client.get(url("form", monthly, tree["city1"], this_month)).content.decode()
    assert "ناسازگار" not in page
    form_post(client, monthly, tree["city1"], this_month, "complete", {})
    page = client.get(url("form", monthly, tree["city1"], this_month)).content.decode()
    assert "پاسخ‌ها بیش از شکایات دریافتی نیست" in page and "۱۲ ≤ ۱۰ برقرار نیست" in page


def test_approval_by_the_approver_role_higher_up_makes_the_form_read_only(
        client, monthly, officer, county_reviewer, province_reviewer, tree, this_month):
    client.force_login(officer)
    form_post(client, monthly, tree["city1"], this_month, "save", {REV: "10"})
    client.post(url("approve", monthly, tree["city1"], this_month))  # enterers do not approve
    client.force_login(province_reviewer)
    response = client.post(url("approve", monthly, tree["city1"], this_month), follow=True)
    assert "کامل اعلام نشده" in response.content.decode() and not DataApproval.objects.exists()
    client.force_login(officer)
    form_post(client, monthly, tree["city1"], this_month, "complete", {})
    client.force_login(county_reviewer)  # a reviewer above, but not the set's approver role
    response = client.post(url("approve", monthly, tree["city1"], this_month), follow=True)
    assert "نقش تأییدکننده" in response.content.decode() and not DataApproval.objects.exists()
    client.force_login(province_reviewer)
    client.post(url("approve", monthly, tree["city1"], this_month))
    client.post(url("approve", monthly, tree["city1"], this_month))  # double click
    assert DataApproval.objects.get().approved_by == province_reviewer
    client.force_login(officer)
    page = client.get(url("form", monthly, tree["city1"], this_month)).content.decode()
    assert "تأییدشده توسط" in page and "فقط خواندنی" in page and 'name="action" value="save"' not in page
    assert "تأیید شده" in put(client, monthly, tree["city1"], this_month, REV, "99").content.decode()
    assert stored(REV, tree["city1"], this_month) == ["10"]
    client.post(url("uncomplete", monthly, tree["city1"], this_month))
    assert CompleteRegistration.objects.exists()
    client.force_login(province_reviewer)
    client.post(url("unapprove", monthly, tree["city1"], this_month))
    assert not DataApproval.objects.exists()


def test_reviewers_from_another_province_see_nothing(client, monthly, tree, this_month):
    from samaneh.accounts.roles import Role
    from tests.factories import RoleFactory

    kerman = RoleFactory(role=Role.PROVINCE_REVIEWER, org_unit=tree["p2"]).user
    client.force_login(kerman)
    for name in ("form", "value", "complete", "uncomplete", "approve", "unapprove", "reopen"):
        method = client.get if name == "form" else client.post
        assert method(url(name, monthly, tree["city1"], this_month)).status_code == 404, name
    assert org_unit_uid(tree["city1"]) not in client.get(
        reverse("stats_entry:home"), {"data_set": monthly.uid}).content.decode()


def test_a_citizen_has_no_entry_page(client, tree, monthly):
    from tests.factories import CitizenFactory

    client.force_login(CitizenFactory())
    assert client.get(reverse("stats_entry:home")).status_code == 403
    assert client.get(reverse("stats_entry:completeness")).status_code == 403


def test_due_forms_count_the_users_units_that_have_not_completed_the_last_period(monthly, yearly, tree, officer,
                                                                               stats_officer, this_month):
    from django.utils import timezone

    from samaneh.stats.entry.selectors import due_forms

    last = this_month.previous()
    CompleteRegistration.objects.create(data_set=monthly, org_unit=tree["city1"], period=last.id,
                                        completed_at=timezone.now())
    CompleteRegistration.objects.create(data_set=monthly, org_unit=tree["city2"], period=last.id,
                                        completed_at=timezone.now())
    due = {d.data_set.code: (d.period.id, d.units, d.completed, d.missing) for d in due_forms(officer, timezone.localdate())}
    year = this_month.parent("Yearly").previous().id
    assert due == {"MUN_MONTHLY": (last.id, 1, 1, 0), "MUN_YEARLY_HR": (year, 1, 0, 1)}
    # Kerman's completion is not the Alborz officer's business.
    assert {d.data_set.code: d.completed for d in due_forms(stats_officer, timezone.localdate())}["MUN_MONTHLY"] == 1
