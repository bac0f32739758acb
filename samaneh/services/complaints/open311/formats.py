"""The GeoReport v2 wire formats: one Python value rendered as JSON or as the spec's schemaless XML.

The spec defines JSON as the Spark-convention mapping of its XML, so each response is built once as plain
data and mapped to XML by one rule: a dict is an element with one child per key, a list is a wrapper
element holding one item element per entry (`services` → `service`, `attributes` → `attribute`, …), None
is an empty element, booleans are `true`/`false`.
"""
import json
import xml.etree.ElementTree as ET

from django.http import HttpResponse
from django.utils import timezone

FORMATS = ("xml", "json")
CONTENT_TYPES = {"xml": "text/xml; charset=utf-8", "json": "application/json; charset=utf-8"}

# Wrapper element → the element of each of its items, as the spec names them.
ITEM_TAGS = {
    "services": "service",
    "attributes": "attribute",
    "values": "value",
    "service_requests": "request",
    "errors": "error",
    "endpoints": "endpoint",
    "formats": "format",
}


def w3c_datetime(value):
    """`2024-03-20T09:15:30+03:30`: the W3C profile of ISO 8601 the spec requires, in Tehran time."""
    if value is None:
        return None
    return timezone.localtime(value).replace(microsecond=0).isoformat()


def _text(value):
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _fill(element, value):
    if isinstance(value, dict):
        for key, child in value.items():
            _fill(ET.SubElement(element, key), child)
    elif isinstance(value, list):
        item_tag = ITEM_TAGS[element.tag]
        for item in value:
            _fill(ET.SubElement(element, item_tag), item)
    elif value is not None:
        element.text = _text(value)


def to_xml(root_tag, value):
    """The XML document (bytes, UTF-8, with its declaration) for `value` under `root_tag`."""
    root = ET.Element(root_tag)
    _fill(root, value)
    return ET.tostring(root, encoding="utf-8", xml_declaration=True)


def render(fmt, root_tag, value, status=200):
    """`value` as an HTTP response in `fmt`; `root_tag` names the XML root (JSON has none)."""
    if fmt == "xml":
        body = to_xml(root_tag, value)
    else:
        body = json.dumps(value, ensure_ascii=False).encode("utf-8")
    return HttpResponse(body, status=status, content_type=CONTENT_TYPES[fmt])


class Open311Error(Exception):
    """A refusal in the spec's shape: HTTP `status` (400, 403, 404, 429) and a list of {code, description}.

    The spec lets the body's code be more specific than the HTTP status; we keep them equal so every client
    reads the same thing from either.
    """

    def __init__(self, status, *descriptions):
        super().__init__(status, descriptions)
        self.status = status
        self.descriptions = [str(d) for d in descriptions]

    def response(self, fmt):
        errors = [{"code": self.status, "description": d} for d in self.descriptions]
        response = render(fmt, "errors", errors, status=self.status)
        if self.status == 429:
            response["Retry-After"] = "60"
        return response
