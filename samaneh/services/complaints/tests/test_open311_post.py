"""Open311 GeoReport v2 POST requests: filing through complaint_file, keys, idempotency, the spec's errors."""
import json
import xml.etree.ElementTree as ET
from urllib.parse import urlencode

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import reverse

from samaneh.accounts.roles import Role
from samaneh.cases.models import Case, Notification
from samaneh.cases.services import case_transition
from samaneh.core.sms import read_outbox
from samaneh.geo.models import Administration, OrgUnit
from samaneh.services.complaints.models import CategoryAttribute, Complaint
from samaneh.services.complaints.open311.demo import DEMO_OPEN311_KEY, create_demo_open311_client
from samaneh.services.complaints.open311.services import open311_client_create
from tests.factories import CategoryFactory, CitizenFactory, RoleFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def categories(db):
    light = CategoryFactory(name="روشنایی معابر", service_code="streetlight")
    pothole = CategoryFactory(name="چاله در معبر", service_code="pothole", kinds="complaint")
    CategoryAttribute.objects.create(category=pothole, code="size", description="اندازه چاله", required=True,
                                     datatype=CategoryAttribute.DataType.SINGLEVALUELIST,
                                     values=[{"key": "small", "name": "کوچک"}, {"key": "large", "name": "بزرگ"}])
    CategoryAttribute.objects.create(category=pothole, code="hazards", description="خطرها",
                                     datatype=CategoryAttribute.DataType.MULTIVALUELIST,
                                     values=[{"key": "water", "name": "آب"}, {"key": "night", "name": "تاریکی"}])
    return {"light": light, "pothole": pothole}


@pytest.fixture
def api(db):
    client, key = open311_client_create(name="برنامه آزمایشی")
    return client, key


def post(http, fmt, data, **headers):
    return http.post(reverse("open311:requests", kwargs={"fmt": fmt}), urlencode(data, doseq=True),
                     content_type="application/x-www-form-urlencoded; charset=utf-8", headers=headers)


def report(key, tree, **extra):
    data = {
        "api_key": key, "service_code": "streetlight", "lat": "35.8400", "long": "50.9700",
        "address_id": tree["city1"].code, "description": "چراغ کوچه سه شب است خاموش است.",
        "first_name": "مریم", "last_name": "احمدی", "email": "maryam@example.com", "phone": "+98 912 345 6789",
        "device_id": "device-1", "account_id": "acct-7",
    }
    data.update(extra)
    return {k: v for k, v in data.items() if v is not None}


def errors(response, fmt):
    if fmt == "json":
        assert response["Content-Type"] == "application/json; charset=utf-8"
        return [(e["code"], e["description"]) for e in json.loads(response.content)]
    root = ET.fromstring(response.content)
    assert root.tag == "errors"
    return [(int(e.findtext("code")), e.findtext("description")) for e in root.findall("error")]


def test_a_post_files_one_case_and_get_shows_it_open_then_closed(tree, categories, api,
                                                                  django_capture_on_commit_callbacks):
    sender, key = api
    http = Client(enforce_csrf_checks=True)  # an API client has no CSRF cookie: the key is what counts
    with django_capture_on_commit_callbacks(execute=True):
        response = post(http, "json", report(key, tree), **{"Idempotency-Key": "abc-1"})
    assert response.status_code == 200
    (entry,) = json.loads(response.content)
    assert set(entry) == {"service_request_id", "service_notice", "account_id"}  # the id is known: no token
    assert entry["account_id"] == "acct-7"
    case = Case.objects.get()
    assert entry["service_request_id"] == case.tracking_code
    assert "شهر کرج" in entry["service_notice"]
    complaint = case.complaint
    assert (complaint.channel, complaint.open311_client, complaint.kind) == ("open311", sender, "request")
    token = http.get(reverse("open311:token", kwargs={"fmt": "json", "token": complaint.open311_token}))
    assert json.loads(token.content)[0]["service_request_id"] == case.tracking_code
    assert complaint.contact == {"first_name": "مریم", "last_name": "احمدی", "email": "maryam@example.com",
                                 "phone": "+98 912 345 6789", "device_id": "device-1", "account_id": "acct-7"}
    assert (case.org_unit, case.responsible_unit) == (tree["city1"], tree["city1"])
    citizen = case.applicant
    assert (citizen.mobile, citizen.is_citizen, citizen.has_usable_password()) == ("09123456789", True, False)
    assert any(m["to"] == "09123456789" and case.tracking_code in m["text"] for m in read_outbox())

    again = post(http, "json", report(key, tree), **{"Idempotency-Key": "abc-1"})
    assert json.loads(again.content)[0]["service_request_id"] == case.tracking_code
    assert Case.objects.count() == 1

    detail = http.get(reverse("open311:request", kwargs={"fmt": "json", "service_request_id": case.tracking_code}),
                      {"api_key": key})
    assert json.loads(detail.content)[0]["status"] == "open"
    staff = RoleFactory(role=Role.MUNICIPALITY_STAFF, org_unit=tree["city1"]).user
    case_transition(case=case, action="close", user=staff, text="تکراری است.")
    detail = http.get(reverse("open311:request", kwargs={"fmt": "xml", "service_request_id": case.tracking_code}),
                      {"api_key": key})
    request = ET.fromstring(detail.content).find("request")
    assert (request.findtext("status"), request.findtext("status_notes")) == ("closed", "تکراری است.")


def test_xml_post_answers_in_the_spec_shape_and_another_key_files_another_case(tree, categories, api, client):
    _sender, key = api
    first = ET.fromstring(post(client, "xml", report(key, tree), **{"Idempotency-Key": "k1"}).content)
    assert first.tag == "service_requests"
    request = first.find("request")
    assert [child.tag for child in request] == ["service_request_id", "service_notice", "account_id"]
    second = ET.fromstring(post(client, "xml", report(key, tree, account_id=None), **{"Idempotency-Key": "k2"}).content)
    assert second.findtext("request/account_id") == ""
    assert second.findtext("request/service_request_id") != request.findtext("service_request_id")
    assert Case.objects.count() == 2


def test_without_a_phone_the_client_account_files_and_attributes_are_kept(tree, categories, api, client):
    sender, key = api
    data = report(key, tree, service_code="pothole", phone=None)
    data.update({"attribute[size]": "large", "attribute[hazards][]": ["water", "night"],
                 "attribute[unknown]": "ignored", "media_url": "https://example.org/p/1.jpg"})
    assert post(client, "json", data).status_code == 200
    complaint = Complaint.objects.get()
    assert complaint.case.applicant == sender.user
    assert complaint.kind == "complaint"  # the category takes complaints only
    assert complaint.attributes == {"size": "large", "hazards": ["water", "night"]}
    assert complaint.contact["media_url"] == ["https://example.org/p/1.jpg"]


def test_an_existing_citizen_is_reused_and_a_staff_number_is_not_borrowed(tree, categories, api, client):
    _sender, key = api
    citizen = CitizenFactory(mobile="09121112233")
    post(client, "json", report(key, tree, phone="۰۹۱۲-۱۱۱-۲۲۳۳"))
    assert Case.objects.get().applicant == citizen
    staff = UserFactory(mobile="09350000000")
    post(client, "json", report(key, tree, phone="09350000000", description="دومی"))
    second = Case.objects.exclude(applicant=citizen).get()
    assert second.applicant != staff and second.applicant == _sender.user
    assert get_user_model().objects.filter(mobile="09350000000").count() == 1


def _nothing_filed():
    return Case.objects.count() == 0 and Complaint.objects.count() == 0


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_missing_service_code_is_400(tree, categories, api, client, fmt):
    _sender, key = api
    response = post(client, fmt, report(key, tree, service_code=None))
    assert response.status_code == 400
    ((code, description),) = errors(response, fmt)
    assert code == 400 and "service_code" in description
    assert _nothing_filed()


@pytest.mark.parametrize("fmt", ["json", "xml"])
@pytest.mark.parametrize("key", [None, "", "samaneh-wrong-key", "x"])
def test_missing_or_bad_api_key_is_403(tree, categories, api, client, fmt, key):
    response = post(client, fmt, report(key, tree))
    assert response.status_code == 403
    ((code, description),) = errors(response, fmt)
    assert code == 403 and "API" in description
    assert _nothing_filed()


def test_a_retired_client_key_is_403(tree, categories, api, client):
    sender, key = api
    sender.is_active = False
    sender.save()
    assert post(client, "json", report(key, tree)).status_code == 403


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_unknown_service_code_is_404(tree, categories, api, client, fmt):
    _sender, key = api
    response = post(client, fmt, report(key, tree, service_code="no-such"))
    assert response.status_code == 404
    assert errors(response, fmt)[0][0] == 404
    assert _nothing_filed()


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_missing_location_is_400(tree, categories, api, client, fmt):
    _sender, key = api
    response = post(client, fmt, report(key, tree, lat=None, long=None, address_id=None))
    assert response.status_code == 400
    ((code, description),) = errors(response, fmt)
    assert code == 400 and "address_string" in description and "lat" in description
    assert _nothing_filed()


@pytest.mark.parametrize("extra, needle", [
    ({"service_code": "pothole"}, "attribute[size]"),  # a required attribute left out
    ({"service_code": "pothole", "attribute[size]": "huge"}, "attribute[size]"),
    ({"service_code": "pothole", "attribute[size]": "small", "attribute[hazards][]": ["fire"]}, "attribute[hazards]"),
    ({"description": "   "}, "description"),
    ({"lat": "51.5", "long": "-0.12"}, "lat"),  # London: outside Iran
    ({"lat": "35.84", "long": None}, "long"),
    ({"phone": "021-4455"}, "phone"),
    ({"media_url": "javascript:alert(1)"}, "media_url"),
    ({"address_id": "99999999"}, "address_id"),
    ({"address_id": None, "attribute[org_unit_code]": "nope"}, "attribute[org_unit_code]"),
    ({"address_id": None}, "address_id"),  # a bare point: the unit cannot be told from it
    ({"address_id": None, "lat": None, "long": None, "address_string": "خیابان ناشناخته، شهر خیالی"}, "address_string"),
])
def test_bad_input_is_400_naming_the_parameter_and_files_nothing(tree, categories, api, client, extra, needle):
    _sender, key = api
    response = post(client, "json", report(key, tree, **extra))
    assert response.status_code == 400, response.content
    ((code, description),) = errors(response, "json")
    assert code == 400 and needle in description
    assert _nothing_filed()
    assert not get_user_model().objects.filter(mobile="09123456789").exists()


def test_address_string_and_unit_code_find_the_unit(tree, categories, api, client):
    _sender, key = api
    Administration.objects.create(kind=Administration.Kind.DEHYARI, org_unit=tree["v1"], name="دهیاری کلاک بالا")
    cases = []
    for n, location in enumerate([
        {"address_string": "خیابان بهار، كرج"},  # Arabic kaf, as some keyboards type it: the city, not the county
        {"address_string": "کوچه گل، کلاک بالا، کرج، البرز"},
        {"attribute[org_unit_code]": tree["v1b"].code},
        {"address_string": "بلوار امام، رفسنجان"},  # a county only
    ]):
        data = report(key, tree, address_id=None, lat=None, long=None, description=f"مورد {n}", **location)
        assert post(client, "json", data).status_code == 200
        cases.append(Case.objects.order_by("-pk").first())
    assert [c.org_unit for c in cases] == [tree["city1"], tree["v1"], tree["v1b"], tree["c2"]]
    # a village with a dehyari answers itself; one without goes to its district governorate
    assert [c.responsible_unit for c in cases[1:3]] == [tree["v1"], tree["d1"]]
    assert cases[0].complaint.address == "خیابان بهار، کرج"


def test_an_ambiguous_address_asks_for_the_province(tree, categories, api, client):
    _sender, key = api
    OrgUnit.objects.create(kind=OrgUnit.Kind.CITY, name="بهار", parent=tree["d1"], code="998")
    OrgUnit.objects.create(kind=OrgUnit.Kind.CITY, name="بهار", parent=tree["d2"], code="999")
    response = post(client, "json", report(key, tree, address_id=None, lat=None, long=None,
                                           address_string="خیابان امام، بهار"))
    assert response.status_code == 400
    description = errors(response, "json")[0][1]
    assert "استان" in description and "address_string" in description and "شهر بهار" in description
    assert _nothing_filed()
    data = report(key, tree, address_id=None, lat=None, long=None, address_string="خیابان امام، بهار، کرمان")
    assert post(client, "json", data).status_code == 200
    assert Case.objects.get().org_unit.code == "999"


def test_posts_are_limited_per_key(tree, categories, api, client, settings):
    settings.OPEN311_POSTS_PER_MINUTE = 2
    _sender, key = api
    _other, other_key = open311_client_create(name="برنامه دیگر")
    for n in range(2):
        assert post(client, "json", report(key, tree, description=f"مورد {n}")).status_code == 200
    refused = post(client, "xml", report(key, tree, description="سومی"))
    assert refused.status_code == 429 and refused["Retry-After"] == "60"
    assert errors(refused, "xml")[0][0] == 429
    assert Case.objects.count() == 2
    assert post(client, "json", report(other_key, tree)).status_code == 200


def test_reads_need_no_key_and_only_get_and_post_are_allowed(tree, categories, api, client):
    url = reverse("open311:requests", kwargs={"fmt": "json"})
    assert client.get(url).status_code == 200
    assert client.put(url).status_code == 405


def test_the_citizen_hears_of_the_filing_in_app(tree, categories, api, client):
    _sender, key = api
    post(client, "json", report(key, tree))
    case = Case.objects.get()
    assert Notification.objects.filter(user=case.applicant, case=case).exists()


def test_demo_client_is_idempotent_and_its_published_key_works(tree, categories, client, settings):
    assert create_demo_open311_client() == DEMO_OPEN311_KEY
    assert create_demo_open311_client() == DEMO_OPEN311_KEY
    from samaneh.services.complaints.models import Open311Client

    demo = Open311Client.objects.get()
    assert DEMO_OPEN311_KEY not in demo.key_hash and demo.key_prefix == DEMO_OPEN311_KEY[:8]
    assert post(client, "json", report(DEMO_OPEN311_KEY, tree)).status_code == 200
    # The stored hash is keyed with SECRET_KEY: after a change, a rerun gives the demo client the key again.
    settings.SECRET_KEY = "another-secret-key-for-this-test-0123456789-abcdefghijklmnop"
    assert post(client, "json", report(DEMO_OPEN311_KEY, tree, description="دوباره")).status_code == 403
    create_demo_open311_client()
    assert Open311Client.objects.count() == 1
    assert post(client, "json", report(DEMO_OPEN311_KEY, tree, description="دوباره")).status_code == 200
