"""A published GeoReport v2 client (`georeport` on PyPI) reads our API over real HTTP, in JSON and in XML.

`georeport` only reads (it has no POST) and sends no api_key on reads, so the request it finds is a public
one; the Open311 POST goes out with plain `requests`, form-encoded as the spec says, and stays private.
"""
import xml.etree.ElementTree as ET

import pytest
import requests
from georeport import GeoReport

from samaneh.services.complaints.models import Category, CategoryAttribute
from samaneh.services.complaints.open311.services import open311_client_create
from samaneh.services.complaints.services import complaint_file
from tests.factories import CategoryFactory, CitizenFactory

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def endpoint(live_server, tree):
    group = CategoryFactory(name="پسماند", service_code="waste")
    bins = CategoryFactory(name="سطل زباله پر", service_code="full-bin", parent=group, keywords="زباله")
    CategoryAttribute.objects.create(category=bins, code="bins", description="چند سطل؟", required=True,
                                     datatype=CategoryAttribute.DataType.NUMBER)
    _client, key = open311_client_create(name="برنامه آزمایشی")
    return f"{live_server.url}/open311/v2", key


def _one(value):
    # xmltodict gives a lone element as a dict and several as a list: the spec's XML carries no types.
    return value[0] if isinstance(value, list) else value


@pytest.mark.parametrize("output_format", ["json", "xml"])
def test_georeport_library_reads_services_definitions_and_requests(endpoint, tree, output_format):
    root, key = endpoint
    posted = requests.post(f"{root}/requests.xml", data={
        "api_key": key, "service_code": "full-bin", "address_id": tree["city1"].code, "lat": "35.84",
        "long": "50.97", "description": "سطل‌های سر کوچه دو روز است خالی نشده‌اند.", "attribute[bins]": "3",
    }, timeout=10)
    assert posted.status_code == 200, posted.text
    assert posted.headers["Content-Type"] == "text/xml; charset=utf-8"
    private_id = ET.fromstring(posted.content).findtext("request/service_request_id")
    public = complaint_file(
        applicant=CitizenFactory(), kind="request", category=Category.objects.get(service_code="full-bin"),
        description="کیسه‌های زباله کنار پارک مانده است.", org_unit=tree["city1"], is_public=True,
        attributes={"bins": "2"},
    ).case

    library = GeoReport(root, api_key=key, output_format=output_format)
    service = _one(library.get_service_list())
    assert (service["service_code"], service["group"], str(service["metadata"]).lower()) == (
        "full-bin", "پسماند", "true")
    definition = library.get_service_definition("full-bin")
    attributes = definition["attributes"]
    attribute = _one(attributes if output_format == "json" else attributes["attribute"])
    assert (attribute["code"], attribute["datatype"], str(attribute["required"]).lower()) == ("bins", "number", "true")

    found = library.get_service_request(public.tracking_code)
    assert (found["service_request_id"], found["status"], found["agency_responsible"]) == (
        public.tracking_code, "open", "شهر کرج")
    assert found["description"] == "کیسه‌های زباله کنار پارک مانده است."
    listed = _one(library.get_service_requests(status="open"))
    assert listed["service_request_id"] == public.tracking_code  # the private Open311 one is not listed
    with pytest.raises(requests.HTTPError):  # nor found by id without the client's key
        library.get_service_request(private_id)
