import pytest
from django.contrib import admin
from django.urls import reverse
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice

from samaneh.core.models import AuditEntry
from samaneh.geo.models import Administration, OrgUnit
from samaneh.stats import demo
from samaneh.stats import models as m
from samaneh.stats.admin import IndicatorForm, ValidationRuleForm
from tests.factories import AdministrationFactory, UserFactory

REV, POP = demo.UID["REV_FEES"], demo.UID["POP_SERVED"]


@pytest.fixture
def stats(tree):
    return demo.create_demo_stats()


@pytest.fixture
def verified_admin(client, db):
    superuser = UserFactory(is_staff=True, is_superuser=True)
    device = TOTPDevice.objects.create(user=superuser, name="test", confirmed=True)
    client.force_login(superuser)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    return client


STATS_MODELS = [m.CategoryOption, m.Category, m.CategoryCombo, m.CategoryOptionCombo, m.DataElement, m.DataSet,
                m.DataValue, m.CompleteRegistration, m.LockException, m.DataApproval, m.Indicator, m.ValidationRule]


def test_every_stats_model_has_an_admin_that_passes_djangos_checks():
    for model in STATS_MODELS:
        assert admin.site._registry[model].check() == []


def rule_data(**overrides):
    return {"name": "قاعده آزمایشی", "name_en": "", "code": "", "description": "", "instruction": "",
            "left_side": f"#{{{REV}}}", "operator": "greater_than", "right_side": "0", "importance": "HIGH",
            "period_type": "Monthly", **overrides}


def test_rule_with_import_is_refused_on_its_field_in_persian(stats):
    form = ValidationRuleForm(data=rule_data(left_side="__import__('os').system('id')"))
    assert not form.is_valid()
    assert "غیرمجاز" in form.errors["left_side"][0]
    assert "right_side" not in form.errors


def test_rule_naming_an_unknown_element_or_a_foreign_option_combo_is_refused(stats):
    form = ValidationRuleForm(data=rule_data(right_side="#{abcdefghijk}"))
    assert not form.is_valid() and "«abcdefghijk» وجود ندارد" in form.errors["right_side"][0]
    female = m.CategoryOptionCombo.objects.get(name="زن")
    form = ValidationRuleForm(data=rule_data(left_side=f"#{{{REV}.{female.uid}}}"))
    assert not form.is_valid() and "از تفکیک‌های عنصر" in form.errors["left_side"][0]
    staff = demo.UID["STAFF_PERMANENT"]
    assert ValidationRuleForm(data=rule_data(left_side=f"#{{{staff}.{female.uid}}}")).is_valid()


def test_indicator_form_checks_both_sides(stats):
    data = {"name": "سرانه", "name_en": "", "short_name": "", "code": "", "description": "",
            "numerator": f"#{{{REV}}}", "numerator_description": "", "denominator": "#{nope}",
            "denominator_description": "", "factor": "1000", "decimals": "1"}
    form = IndicatorForm(data=data)
    assert not form.is_valid() and list(form.errors) == ["denominator"]
    assert IndicatorForm(data={**data, "denominator": f"#{{{POP}}}"}).is_valid()


def test_posting_a_bad_rule_in_the_admin_saves_nothing(stats, verified_admin):
    before = m.ValidationRule.objects.count()
    response = verified_admin.post(reverse("admin:stats_validationrule_add"),
                                   rule_data(left_side="__import__('os')"))
    assert response.status_code == 200
    assert "غیرمجاز" in response.content.decode()
    assert m.ValidationRule.objects.count() == before
    response = verified_admin.post(reverse("admin:stats_validationrule_add"), rule_data(code="VR_OK"))
    assert response.status_code == 302
    rule = m.ValidationRule.objects.get(code="VR_OK")
    assert AuditEntry.objects.filter(action="stats.validationrule_create", object_id=str(rule.pk)).exists()


def test_assign_all_municipalities_of_a_province_to_a_data_set(stats, tree, verified_admin):
    data_set = m.DataSet.objects.create(name="فرم تازه", period_type="Monthly")
    extra_city = OrgUnit.objects.create(kind=OrgUnit.Kind.CITY, name="ماهدشت", parent=tree["d1"])
    AdministrationFactory(kind=Administration.Kind.MUNICIPALITY, org_unit=tree["city1"])
    url = reverse("admin:stats_dataset_changelist")
    chosen = {"action": "assign_units", "_selected_action": [data_set.pk]}
    page = verified_admin.post(url, chosen)
    assert page.status_code == 200 and "درون واحد" in page.content.decode()
    response = verified_admin.post(url, {**chosen, "apply": "1", "within": tree["p1"].pk, "kind": "city"})
    assert response.status_code == 302
    # Only Alborz's cities, and without "administered only" also the city with no registered municipality.
    assert set(data_set.organisation_units.all()) == {tree["city1"], extra_city}
    other = m.DataSet.objects.create(name="فرم دوم", period_type="Monthly")
    verified_admin.post(url, {"action": "assign_units", "_selected_action": [other.pk], "apply": "1",
                              "within": tree["p1"].pk, "kind": "city", "administered_only": "on"})
    assert set(other.organisation_units.all()) == {tree["city1"]}


def test_values_and_completions_are_read_only_in_the_admin(stats, verified_admin):
    for model in (m.DataValue, m.CompleteRegistration, m.DataApproval, m.LockException):
        model_admin = admin.site._registry[model]
        assert not model_admin.has_add_permission(None) and not model_admin.has_change_permission(None)
    assert verified_admin.get(reverse("admin:stats_datavalue_changelist"), {"q": "كرج"}).status_code == 200
    page = verified_admin.get(reverse("admin:stats_completeregistration_changelist")).content.decode()
    assert "فرم ماهانه عملکرد شهرداری" in page and "شهر کرج" in page and ">دوره<" in page.replace("\n", "")


def test_combo_created_in_the_admin_gets_its_option_combos(stats, verified_admin):
    gender = m.Category.objects.get(code="GENDER_CAT")
    response = verified_admin.post(reverse("admin:stats_categorycombo_add"), {
        "name": "جنسیت (نسخه دوم)", "name_en": "Gender 2", "code": "GENDER2", "categories_in_order": [gender.pk]})
    assert response.status_code == 302
    combo = m.CategoryCombo.objects.get(code="GENDER2")
    assert sorted(combo.option_combos.values_list("name", flat=True)) == ["زن", "مرد"]
    assert verified_admin.get(reverse("admin:stats_categorycombo_change", args=[combo.pk])).status_code == 200
