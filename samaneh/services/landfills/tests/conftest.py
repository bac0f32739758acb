import pytest

from samaneh.accounts.roles import Role
from tests.factories import RoleFactory


def site_fields(tree, **overrides):
    """A valid site standing in village v1 (Alborz, Karaj county), near Karaj."""
    fields = {
        "name": "محل تخلیه کلاک بالا",
        "kind": "open_dump",
        "status": "active",
        "org_unit": tree["v1"],
        "latitude": 35.84,
        "longitude": 50.93,
        "operator_kind": "dehyari",
        "design_capacity_tonnes": 20000,
        "remaining_capacity_tonnes": 5000,
        "daily_intake_tonnes": 12,
        "distance_to_water_m": 800,
    }
    fields.update(overrides)
    return fields


@pytest.fixture
def people(tree):
    """Who works on the landfill bank in the two-province test tree."""
    def role(role, unit):
        return RoleFactory(role=role, org_unit=tree[unit]).user

    return {
        "dehyari1": role(Role.DEHYARI_STAFF, "v1"),
        "dehyari2": role(Role.DEHYARI_STAFF, "v2"),
        "district1": role(Role.DISTRICT_REVIEWER, "d1"),
        "county1": role(Role.COUNTY_REVIEWER, "c1"),
        "county2": role(Role.COUNTY_REVIEWER, "c2"),
        "province1": role(Role.PROVINCE_REVIEWER, "p1"),
        "national": role(Role.NATIONAL_EXPERT, "country"),
    }
