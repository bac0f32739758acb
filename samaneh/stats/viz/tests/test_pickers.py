"""The pickers: Jalali periods of any type for a chosen year, with earlier choices kept; the home page's
data sets with their latest completed form."""
import pytest
from django.urls import reverse

from samaneh.stats.models import CompleteRegistration, DataSet
from samaneh.stats import periods

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "period_type, year, first, last, count",
    [
        ("Monthly", "1404", "فروردین ۱۴۰۴", "اسفند ۱۴۰۴", 12),
        ("Quarterly", "۱۴۰۳", "بهار ۱۴۰۳", "زمستان ۱۴۰۳", 4),
        ("Weekly", "1402", "هفته ۱ سال ۱۴۰۲", None, None),
        ("Yearly", "1405", "۱۳۹۶", "۱۴۰۵", 10),
    ],
)
def test_periods_of_a_type_and_year(client, stats, national, period_type, year, first, last, count):
    client.force_login(national)
    response = client.get(reverse("stats_viz:period_list"), {"pt": period_type, "py": year, "pe": ["140301"]})
    html = response.content.decode()
    labels = [p.label for p in response.context["period_choices"]]
    assert labels[0] == first
    if last:
        assert labels[-1] == last and len(labels) == count
    else:
        assert len(labels) in (52, 53)
    # A month chosen from another year stays ticked while the list changes.
    if period_type != "Monthly" or year != "1403":
        assert 'value="140301" id="pe-140301" checked' in html


def test_an_unknown_period_type_falls_back_to_months(client, stats, national):
    client.force_login(national)
    response = client.get(reverse("stats_viz:period_list"), {"pt": "Fortnightly", "py": "abc"})
    assert response.context["period_type"] == periods.MONTHLY
    assert len(response.context["period_choices"]) == 12


def test_home_lists_the_data_sets_with_their_latest_completed_form(client, stats, county_officer):
    client.force_login(county_officer)
    response = client.get(reverse("stats_viz:home"))
    recent = {row["data_set"].name: row for row in response.context["recent"]}
    monthly = recent["فرم ماهانه عملکرد شهرداری"]
    assert monthly["units"] == 1  # Kashkuiyeh, the one municipality in their county
    latest = CompleteRegistration.objects.filter(data_set=monthly["data_set"], org_unit=stats["city2"]).order_by(
        "-period").first()
    assert monthly["latest_period"] == periods.parse(latest.period).label
    assert DataSet.objects.count() == 2 and len(recent) == 2
