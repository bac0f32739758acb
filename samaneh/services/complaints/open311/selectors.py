"""Reads of the Open311 API, already shaped as the spec's fields.

What a request shows: everything the public status page shows (state, dates, the unit answering) plus,
only for complaints their citizens chose to make public (or to the client that sent them), the
description, address and point.
"""
from django.db.models import F, OuterRef, Q, Subquery
from django.utils.translation import gettext as _

from samaneh.cases import registry
from samaneh.cases.models import Comment
from samaneh.core.jalali import format_jalali_long
from samaneh.core.text import localize_digits
from samaneh.services.complaints.models import Category, Complaint
from samaneh.services.complaints.open311.formats import w3c_datetime

MAX_REQUESTS = 1000


def _live_category_ids():
    """Categories that are active and whose every group above is active (the table is small)."""
    rows = {pk: (parent, active) for pk, parent, active in Category.objects.values_list("pk", "parent_id", "is_active")}
    live = set()
    for pk in rows:
        node, alive = pk, True
        for _depth in range(len(rows)):  # bounded: a cycle typed into the database must not hang the API
            node, alive = rows[node]
            if node is None or not alive:
                break
        if alive and node is None:
            live.add(pk)
    return live


def service_categories():
    """The categories Open311 calls services: the leaves complaint_file accepts (active, under active groups)."""
    return (
        Category.objects.filter(pk__in=_live_category_ids(), children__isnull=True)
        .select_related("parent")
        .prefetch_related("attributes")
        # Ungrouped services first on every database (SQLite and PostgreSQL sort NULLs differently).
        .order_by(F("parent__order").asc(nulls_first=True), F("parent__name").asc(nulls_first=True), "order", "name")
    )


def service_category(service_code):
    return service_categories().filter(service_code=service_code).first()


def service_entry(category):
    return {
        "service_code": category.service_code,
        "service_name": category.name,
        "description": category.description,
        "metadata": bool(category.attributes.all()),
        "type": "realtime",
        "keywords": category.keywords,
        "group": category.parent.name if category.parent_id else "",
    }


def service_definition(category):
    return {
        "service_code": category.service_code,
        "attributes": [
            {
                "variable": True,
                "code": attribute.code,
                "datatype": attribute.datatype,
                "required": attribute.required,
                "datatype_description": _datatype_description(attribute),
                # The spec counts from 1; the admin's order starts wherever the editor started it.
                "order": position,
                "description": attribute.description,
                "values": [{"key": str(v.get("key", "")), "name": str(v.get("name", ""))} for v in attribute.values],
            }
            for position, attribute in enumerate(category.attributes.all(), start=1)
        ],
    }


def _datatype_description(attribute):
    DataType = attribute.DataType
    return {
        DataType.NUMBER: _("یک عدد"),
        DataType.DATETIME: _("تاریخ و زمان به قالب W3C، مانند 2024-03-20T09:30:00+03:30"),
        DataType.SINGLEVALUELIST: _("یکی از کلیدهای فهرست"),
        DataType.MULTIVALUELIST: _("یک یا چند کلید از فهرست"),
    }.get(attribute.datatype, "")


def visible_complaints(client):
    """Complaints any caller may read (public ones), plus those the calling client sent itself."""
    visible = Q(is_public=True)
    if client is not None:
        visible |= Q(open311_client=client)
    latest_answer = (
        Comment.objects.filter(case=OuterRef("case"), visibility=Comment.Visibility.PUBLIC)
        .exclude(author=OuterRef("case__applicant"))
        .order_by("-created_at", "-pk")
        .values("body")[:1]
    )
    return (
        Complaint.objects.filter(visible)
        .select_related("case__responsible_unit", "case__org_unit", "category")
        .annotate(latest_answer=Subquery(latest_answer))
        .order_by("-case__created_at", "-pk")
    )


def status_of(case):
    return "closed" if case.is_closed else "open"


def request_entry(complaint):
    """One `request` of GET requests / requests/{id}."""
    case = complaint.case
    state = registry.get(case.service).workflow.state(case.state)
    entry = {
        "service_request_id": case.tracking_code,
        "status": status_of(case),
        "status_notes": complaint.latest_answer or str(state.public_label),
        "service_name": complaint.category.name,
        "service_code": complaint.category.service_code,
        "description": complaint.description if complaint.is_public else None,
        "agency_responsible": str(case.responsible_unit),
        "service_notice": None,
        "requested_datetime": w3c_datetime(case.created_at),
        "updated_datetime": w3c_datetime(case.closed_at if case.is_closed and case.closed_at else case.updated_at),
        "expected_datetime": w3c_datetime(case.deadline),
        "address": _address(complaint),
        "address_id": case.org_unit.code or None,
        "lat": float(complaint.latitude) if complaint.latitude is not None and complaint.is_public else None,
        "long": float(complaint.longitude) if complaint.longitude is not None and complaint.is_public else None,
    }
    return entry


def _address(complaint):
    """The street address when the complaint is public; otherwise only the unit (a city or village)."""
    place = str(complaint.case.org_unit)
    if complaint.is_public and complaint.address:
        return _("%(address)s، %(place)s") % {"address": complaint.address, "place": place}
    return place


def service_notice(complaint):
    """What happens next, for the client to show its user after filing."""
    case = complaint.case
    return _("ثبت شد. %(unit)s تا %(deadline)s پاسخ می‌دهد؛ با کد پیگیری %(code)s وضعیت را دنبال کنید.") % {
        "unit": case.responsible_unit,
        "deadline": format_jalali_long(case.deadline),
        "code": localize_digits(case.tracking_code),
    }


def complaint_for_token(token):
    token = (token or "").strip()
    if not token:
        return None
    return Complaint.objects.select_related("case").filter(open311_token=token).first()
