"""Open311 GeoReport v2 reads: discovery, services, service definitions, requests, tokens — JSON and XML."""
import datetime as dt
import json
import re
import xml.etree.ElementTree as ET

import pytest
from django.urls import reverse
from django.utils import timezone

from samaneh.accounts.roles import Role
from samaneh.cases.models import Case
from samaneh.cases.services import case_transition
from samaneh.services.complaints.models import CategoryAttribute, Complaint
from samaneh.services.complaints.open311.services import open311_client_create
from samaneh.services.complaints.services import complaint_file
from tests.factories import CategoryFactory, CitizenFactory, RoleFactory

pytestmark = pytest.mark.django_db

W3C_TEHRAN = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\+03:30$")


def get(client, name, fmt, params=None, **kwargs):
    return client.get(reverse(f"open311:{name}", kwargs={"fmt": fmt, **kwargs}), params or {})


def as_json(response):
    assert response["Content-Type"] == "application/json; charset=utf-8"
    return json.loads(response.content.decode("utf-8"))


def as_xml(response):
    assert response["Content-Type"] == "text/xml; charset=utf-8"
    assert response.content.startswith(b"<?xml version='1.0' encoding='utf-8'?>")
    return ET.fromstring(response.content)


@pytest.fixture
def categories(db):
    roads = CategoryFactory(name="راه و معابر", service_code="roads", order=1)
    pothole = CategoryFactory(name="چاله در معبر", service_code="pothole", parent=roads, keywords="آسفالت، چاله",
                              description="چاله یا نشست آسفالت")
    CategoryAttribute.objects.create(category=pothole, code="size", description="اندازه چاله", required=True,
                                     datatype=CategoryAttribute.DataType.SINGLEVALUELIST, order=5,
                                     values=[{"key": "small", "name": "کوچک"}, {"key": "large", "name": "بزرگ"}])
    CategoryAttribute.objects.create(category=pothole, code="depth", description="عمق تقریبی (سانتی‌متر)",
                                     datatype=CategoryAttribute.DataType.NUMBER, order=9)
    light = CategoryFactory(name="روشنایی معابر", service_code="streetlight", order=2)
    CategoryFactory(name="دسته غیرفعال", service_code="retired", is_active=False)
    CategoryFactory(name="زیر گروه غیرفعال", service_code="orphan", parent=CategoryFactory(
        name="گروه غیرفعال", service_code="old-group", is_active=False))
    retired_branch = CategoryFactory(name="شاخه بازنشسته", service_code="old-branch", is_active=False)
    CategoryFactory(name="برگ زیر شاخه بازنشسته", service_code="deep-orphan",
                    parent=CategoryFactory(name="گروه میانی", service_code="middle", parent=retired_branch))
    return {"roads": roads, "pothole": pothole, "light": light}


@pytest.fixture
def api_client(db):
    return open311_client_create(name="برنامه آزمایشی")


def file(tree, category, *, public=True, open311_client=None, description="لامپ تیر برق سوخته است", **extra):
    outcome = complaint_file(
        applicant=CitizenFactory(), kind="request", category=category, description=description,
        org_unit=tree["city1"], latitude="35.84", longitude="50.97", address="خیابان بهار", is_public=public,
        channel="open311" if open311_client else "web", open311_client=open311_client, **extra,
    )
    return outcome.case


# discovery ----------------------------------------------------------------------------------------


def test_discovery_in_json_and_xml_points_at_this_endpoint(client):
    data = as_json(get(client, "discovery", "json"))
    assert set(data) == {"changeset", "contact", "key_service", "endpoints"}
    (endpoint,) = data["endpoints"]
    assert endpoint == {
        "specification": "http://wiki.open311.org/GeoReport_v2",
        "url": "http://testserver/open311/v2",
        "changeset": data["changeset"],
        "type": "production",
        "formats": ["text/xml", "application/json"],
    }
    root = as_xml(get(client, "discovery", "xml"))
    assert root.tag == "discovery"
    assert root.findtext("endpoints/endpoint/url") == "http://testserver/open311/v2"
    assert [f.text for f in root.findall("endpoints/endpoint/formats/format")] == ["text/xml", "application/json"]
    assert "کلید" in root.findtext("key_service")


# services -----------------------------------------------------------------------------------------


def test_services_lists_active_leaves_with_their_group(client, categories):
    services = as_json(get(client, "services", "json"))
    assert [s["service_code"] for s in services] == ["streetlight", "pothole"]
    pothole = services[1]
    assert pothole == {
        "service_code": "pothole",
        "service_name": "چاله در معبر",
        "description": "چاله یا نشست آسفالت",
        "metadata": True,
        "type": "realtime",
        "keywords": "آسفالت، چاله",
        "group": "راه و معابر",
    }
    assert services[0]["metadata"] is False and services[0]["group"] == ""


def test_services_in_xml(client, categories):
    root = as_xml(get(client, "services", "xml"))
    assert root.tag == "services"
    codes = [s.findtext("service_code") for s in root.findall("service")]
    assert codes == ["streetlight", "pothole"]
    pothole = root.findall("service")[1]
    assert pothole.findtext("metadata") == "true"
    assert pothole.findtext("type") == "realtime"
    assert pothole.findtext("group") == "راه و معابر"
    assert root.findall("service")[0].findtext("metadata") == "false"


def test_service_definition_lists_attributes_in_order(client, categories):
    definition = as_json(get(client, "service", "json", service_code="pothole"))
    assert definition["service_code"] == "pothole"
    size, depth = definition["attributes"]
    assert size == {
        "variable": True, "code": "size", "datatype": "singlevaluelist", "required": True,
        "datatype_description": "یکی از کلیدهای فهرست", "order": 1, "description": "اندازه چاله",
        "values": [{"key": "small", "name": "کوچک"}, {"key": "large", "name": "بزرگ"}],
    }
    assert (depth["code"], depth["order"], depth["required"], depth["values"]) == ("depth", 2, False, [])

    root = as_xml(get(client, "service", "xml", service_code="pothole"))
    assert root.tag == "service_definition"
    assert root.findtext("service_code") == "pothole"
    first = root.find("attributes/attribute")
    assert (first.findtext("variable"), first.findtext("required"), first.findtext("order")) == ("true", "true", "1")
    assert [v.findtext("name") for v in first.findall("values/value")] == ["کوچک", "بزرگ"]


@pytest.mark.parametrize("fmt", ["json", "xml"])
@pytest.mark.parametrize("code", ["no-such-service", "retired", "roads", "orphan", "deep-orphan"])
def test_unknown_inactive_or_group_service_code_is_404_in_the_spec_error_shape(client, categories, fmt, code):
    response = get(client, "service", fmt, service_code=code)
    assert response.status_code == 404
    if fmt == "json":
        (error,) = as_json(response)
        assert error["code"] == 404 and code in error["description"]
    else:
        root = as_xml(response)
        assert root.tag == "errors"
        assert root.findtext("error/code") == "404"
        assert code in root.findtext("error/description")


# requests -----------------------------------------------------------------------------------------


def test_requests_show_public_complaints_with_w3c_tehran_dates(client, tree, categories):
    case = file(tree, categories["light"])
    private = file(tree, categories["light"], public=False, description="نام همسایه‌ام را می‌نویسم")
    (entry,) = as_json(get(client, "requests", "json"))
    assert entry["service_request_id"] == case.tracking_code
    assert entry["status"] == "open"
    assert entry["service_code"] == "streetlight" and entry["service_name"] == "روشنایی معابر"
    assert entry["description"] == "لامپ تیر برق سوخته است"
    assert entry["agency_responsible"] == "شهر کرج"
    assert entry["status_notes"] == "ثبت شد"
    assert (entry["lat"], entry["long"]) == (35.84, 50.97)
    assert entry["address"] == "خیابان بهار، شهر کرج"
    assert entry["address_id"] == tree["city1"].code
    for field in ("requested_datetime", "updated_datetime", "expected_datetime"):
        assert W3C_TEHRAN.match(entry[field]), entry[field]
    assert dt.datetime.fromisoformat(entry["requested_datetime"]) == case.created_at.replace(microsecond=0)
    assert "media_url" not in entry
    assert private.tracking_code not in json.dumps(as_json(get(client, "requests", "json")))


def test_requests_in_xml(client, tree, categories):
    case = file(tree, categories["light"])
    root = as_xml(get(client, "requests", "xml"))
    assert root.tag == "service_requests"
    (request,) = root.findall("request")
    assert request.findtext("service_request_id") == case.tracking_code
    assert request.findtext("status") == "open"
    assert W3C_TEHRAN.match(request.findtext("requested_datetime"))
    assert request.find("service_notice") is not None and request.findtext("service_notice") == ""
    assert request.findtext("lat") == "35.84"


def test_a_client_sees_its_own_private_requests_without_their_text_and_others_do_not(client, tree, categories,
                                                                                      api_client):
    sender, key = api_client
    _other, other_key = open311_client_create(name="برنامه دیگر")
    case = file(tree, categories["light"], public=False, open311_client=sender)
    (entry,) = as_json(get(client, "requests", "json", {"api_key": key}))
    assert entry["service_request_id"] == case.tracking_code
    assert entry["description"] is None and entry["lat"] is None and entry["address"] == "شهر کرج"
    assert as_json(get(client, "requests", "json", {"api_key": other_key})) == []
    assert as_json(get(client, "requests", "json")) == []
    assert get(client, "request", "json", {"api_key": key}, service_request_id=case.tracking_code).status_code == 200
    assert get(client, "request", "json", {"api_key": other_key},
               service_request_id=case.tracking_code).status_code == 404


def test_a_wrong_api_key_on_a_read_is_403(client, tree, categories):
    file(tree, categories["light"])
    response = get(client, "requests", "xml", {"api_key": "not-a-real-key-at-all"})
    assert response.status_code == 403
    assert as_xml(response).findtext("error/code") == "403"


def test_request_detail_by_tracking_code_typed_in_persian_digits(client, tree, categories):
    case = file(tree, categories["light"])
    persian = case.tracking_code.translate(str.maketrans("0123456789", "۰۱۲۳۴۵۶۷۸۹"))
    (entry,) = as_json(get(client, "request", "json", service_request_id=persian))
    assert entry["service_request_id"] == case.tracking_code
    root = as_xml(get(client, "request", "xml", service_request_id=case.tracking_code))
    assert root.findtext("request/service_request_id") == case.tracking_code


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_unknown_or_private_request_is_404(client, tree, categories, fmt):
    private = file(tree, categories["light"], public=False)
    for code in ("1234567890", private.tracking_code):
        response = get(client, "request", fmt, service_request_id=code)
        assert response.status_code == 404
        body = as_json(response)[0]["code"] if fmt == "json" else as_xml(response).findtext("error/code")
        assert str(body) == "404"


def test_status_follows_the_engine_and_notes_carry_the_public_answer(client, tree, categories):
    case = file(tree, categories["light"])
    staff = RoleFactory(role=Role.MUNICIPALITY_STAFF, org_unit=tree["city1"]).user
    case_transition(case=case, action="answer", user=staff, text="لامپ تعویض شد.", internal_note="پیمانکار ۳")
    (entry,) = as_json(get(client, "request", "json", service_request_id=case.tracking_code))
    assert (entry["status"], entry["status_notes"]) == ("open", "لامپ تعویض شد.")
    case_transition(case=case, action="close", user=staff)
    case.refresh_from_db()
    (entry,) = as_json(get(client, "request", "json", service_request_id=case.tracking_code))
    assert entry["status"] == "closed"
    assert entry["status_notes"] == "لامپ تعویض شد."
    assert entry["updated_datetime"] == timezone.localtime(case.closed_at).replace(microsecond=0).isoformat()
    assert entry["expected_datetime"] is None
    assert as_xml(get(client, "request", "xml", service_request_id=case.tracking_code)).findtext(
        "request/expected_datetime") == ""
    closed = as_json(get(client, "requests", "json", {"status": "closed"}))
    assert [e["service_request_id"] for e in closed] == [case.tracking_code]
    assert as_json(get(client, "requests", "json", {"status": "open"})) == []
    assert len(as_json(get(client, "requests", "json", {"status": "open,closed"}))) == 1


def _age(case, days):
    Case.objects.filter(pk=case.pk).update(created_at=timezone.now() - dt.timedelta(days=days))


def test_date_filters_and_the_default_90_day_window(client, tree, categories):
    recent, older, ancient = (file(tree, categories["light"]) for _ in range(3))
    _age(older, 30)
    _age(ancient, 120)

    def ids(params):
        return {e["service_request_id"] for e in as_json(get(client, "requests", "json", params))}

    assert ids({}) == {recent.tracking_code, older.tracking_code}
    week_ago = (timezone.now() - dt.timedelta(days=7)).astimezone(dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
    assert ids({"start_date": week_ago}) == {recent.tracking_code}
    assert ids({"end_date": week_ago}) == {older.tracking_code}
    start = timezone.localtime(timezone.now() - dt.timedelta(days=125)).replace(microsecond=0).isoformat()
    end = timezone.localtime(timezone.now() - dt.timedelta(days=100)).replace(microsecond=0).isoformat()
    assert ids({"start_date": start, "end_date": end}) == {ancient.tracking_code}
    # service_request_id overrides the window and every other filter
    assert ids({"service_request_id": f"{ancient.tracking_code}, {recent.tracking_code}", "status": "closed"}) == {
        ancient.tracking_code, recent.tracking_code}


def test_service_code_filter_takes_a_comma_list(client, tree, categories):
    light = file(tree, categories["light"])
    pothole = file(tree, categories["pothole"], attributes={"size": "small"})
    assert [e["service_request_id"] for e in as_json(get(client, "requests", "json", {"service_code": "pothole"}))] == [
        pothole.tracking_code]
    both = as_json(get(client, "requests", "json", {"service_code": "pothole,streetlight"}))
    assert {e["service_request_id"] for e in both} == {light.tracking_code, pothole.tracking_code}


@pytest.mark.parametrize("params, needle", [
    ({"start_date": "yesterday"}, "start_date"),
    ({"start_date": "2024-03-20T10:00:00"}, "start_date"),  # a time without a zone is not W3C
    ({"end_date": "2024-02-30"}, "end_date"),
    ({"start_date": "2024-01-01T00:00:00Z", "end_date": "2024-06-01T00:00:00Z"}, "۹۰"),
    ({"start_date": "2024-06-01T00:00:00Z", "end_date": "2024-01-01T00:00:00Z"}, "start_date"),
    ({"status": "pending"}, "status"),
])
@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_bad_filters_are_400_naming_the_parameter(client, categories, params, needle, fmt):
    response = get(client, "requests", fmt, params)
    assert response.status_code == 400
    if fmt == "json":
        (error,) = as_json(response)
        assert error["code"] == 400 and needle in error["description"]
    else:
        root = as_xml(response)
        assert root.findtext("error/code") == "400" and needle in root.findtext("error/description")


def test_a_date_only_filter_means_midnight_in_tehran(client, tree, categories):
    case = file(tree, categories["light"])
    today = timezone.localdate()
    assert [e["service_request_id"] for e in as_json(get(client, "requests", "json", {
        "start_date": today.isoformat()}))] == [case.tracking_code]
    assert as_json(get(client, "requests", "json", {"end_date": today.isoformat()})) == []


# tokens -------------------------------------------------------------------------------------------


def test_token_resolves_to_the_request_and_unknown_token_is_404(client, tree, categories, api_client):
    sender, _key = api_client
    case = file(tree, categories["light"], open311_client=sender)
    token = Complaint.objects.get(case=case).open311_token
    assert token
    assert as_json(get(client, "token", "json", token=token)) == [{"service_request_id": case.tracking_code,
                                                                  "token": token}]
    root = as_xml(get(client, "token", "xml", token=token))
    assert (root.findtext("request/service_request_id"), root.findtext("request/token")) == (case.tracking_code, token)
    response = get(client, "token", "xml", token="deadbeefdeadbeef")
    assert response.status_code == 404 and as_xml(response).findtext("error/code") == "404"


def test_errors_speak_persian_by_default(client, categories):
    response = get(client, "service", "json", service_code="nope")
    assert as_json(response)[0]["description"] == "خدمتی با کد «nope» نیست."
