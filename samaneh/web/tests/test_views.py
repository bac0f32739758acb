import pytest
from django.urls import reverse

from samaneh.accounts.roles import Role
from samaneh.web.demo import DEMO_STAFF, demo_accounts_create
from tests.factories import AdministrationFactory, CitizenFactory, RoleFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_home_shows_unit_counts_in_persian_digits(client, tree):
    AdministrationFactory(kind="municipality", org_unit=tree["city1"])
    response = client.get(reverse("web:home"))
    html = response.content.decode()
    assert response.status_code == 200
    assert 'dir="rtl"' in html and 'lang="fa"' in html
    # Two provinces, two counties... and one municipality: shown as Persian digits.
    assert "۲" in html and "۱" in html
    assert "vendor/bootstrap/bootstrap.rtl.min.css" in html
    assert "https://" not in html.split("<body")[0]  # no CDN in the head


def test_english_is_the_second_language(client, tree):
    response = client.post(reverse("set_language"), {"language": "en", "next": "/"}, follow=True)
    html = response.content.decode()
    assert 'dir="ltr"' in html and 'lang="en"' in html
    assert "vendor/bootstrap/bootstrap.min.css" in html


def test_dashboard_requires_login(client):
    response = client.get(reverse("web:dashboard"))
    assert response.status_code == 302
    assert reverse("accounts:staff-login") in response["Location"]


def test_dashboard_lists_the_users_roles_with_breadcrumbs(client, tree):
    role = RoleFactory(role=Role.COUNTY_REVIEWER, org_unit=tree["c1"])
    RoleFactory(user=role.user, role=Role.INSPECTION_OFFICER, org_unit=tree["p2"])
    client.force_login(role.user)
    html = client.get(reverse("web:dashboard")).content.decode()
    assert "کارشناس فرمانداری" in html and "کارشناس دفتر بازرسی" in html
    assert "ایران › البرز › کرج" in html
    assert reverse("geo:workspace", args=[tree["c1"].pk]) in html
    assert reverse("geo:workspace", args=[tree["p2"].pk]) in html


def test_dehyari_import_is_offered_only_to_those_who_may_import(client, tree):
    reviewer = RoleFactory(role=Role.PROVINCE_REVIEWER, org_unit=tree["p1"]).user
    staff = RoleFactory(role=Role.MUNICIPALITY_STAFF, org_unit=tree["city1"]).user
    client.force_login(reviewer)
    assert reverse("dehyaris:import") in client.get(reverse("web:dashboard")).content.decode()
    client.force_login(staff)
    assert reverse("dehyaris:import") not in client.get(reverse("web:dashboard")).content.decode()


def test_staff_without_roles_is_told_so(client, tree):
    client.force_login(UserFactory())
    assert "هنوز نقشی به شما داده نشده است" in client.get(reverse("web:dashboard")).content.decode()


def test_citizen_dashboard_shows_mobile_in_persian_digits(client):
    citizen = CitizenFactory(mobile="09121234567")
    client.force_login(citizen)
    assert "۰۹۱۲۱۲۳۴۵۶۷" in client.get(reverse("web:dashboard")).content.decode()


def test_demo_accounts_cover_every_role_and_are_idempotent(tree):
    first = demo_accounts_create()
    second = demo_accounts_create()
    assert {row[3] for row in DEMO_STAFF} == set(Role)
    assert [a.username for a in first] == [a.username for a in second]
    from samaneh.accounts.models import RoleAssignment

    # The small test tree has no Tehran or Kohgiluyeh: their six accounts wait for the full hierarchy.
    assert RoleAssignment.objects.count() == len(DEMO_STAFF) - 6 == len(first)
    for assignment in RoleAssignment.objects.select_related("org_unit"):
        assignment.clean()  # each demo role sits on a unit kind its role allows


def test_english_pages_show_ascii_digits(client, tree):
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    html = client.get(reverse("web:home")).content.decode()
    main = html.split("<main", 1)[1]
    assert not any(ch in main for ch in "۰۱۲۳۴۵۶۷۸۹")
    assert "Administrative divisions" in html  # the navbar, translated


def test_dashboard_links_each_role_to_its_work(client, tree):
    staff = RoleFactory(role=Role.MUNICIPALITY_STAFF, org_unit=tree["city1"]).user
    supervisor = RoleFactory(role=Role.STATISTICS_OFFICER, org_unit=tree["p1"]).user
    client.force_login(staff)
    html = client.get(reverse("web:dashboard")).content.decode()
    assert reverse("cases:queue") in html and reverse("complaints_dashboard:index") not in html
    client.force_login(supervisor)
    html = client.get(reverse("web:dashboard")).content.decode()
    assert reverse("complaints_dashboard:index") in html


@pytest.mark.parametrize(
    "role, unit, shown, hidden",
    [
        (Role.STATISTICS_OFFICER, "p1", ["stats_viz:pivot", "stats_entry:home", "stats_io:index", "itgov:supervisory"],
         ["landfills_planning:index", "landfills_priorities:allocate"]),
        (Role.MUNICIPALITY_STAFF, "city1", ["itgov:home", "stats_entry:home", "landfills:registry"],
         ["itgov:supervisory", "landfills_planning:index"]),
        (Role.PROVINCE_REVIEWER, "p1", ["itgov:supervisory", "landfills_planning:index", "stats_entry:home"],
         ["stats_io:index"]),
        (Role.INSPECTION_OFFICER, "c1", [], ["stats_viz:home", "itgov:home", "landfills:registry"]),
    ],
)
def test_menus_offer_what_the_roles_allow(client, tree, role, unit, shown, hidden):
    client.force_login(RoleFactory(role=role, org_unit=tree[unit]).user)
    nav = client.get(reverse("web:home")).content.decode().split("</nav>")[0]
    for name in shown:
        assert f'href="{reverse(name)}"' in nav, name
    for name in hidden:
        assert f'href="{reverse(name)}"' not in nav, name


def test_citizens_see_no_staff_menus(client, tree):
    client.force_login(CitizenFactory())
    nav = client.get(reverse("web:home")).content.decode().split("</nav>")[0]
    assert reverse("stats_viz:home") not in nav and reverse("landfills:registry") not in nav
