"""DHIS2's query language for metadata lists, the common cases: `fields=`, `filter=`, paging.

fields:  `*` / `:all` (every field, nested objects as {id}), `id,name,code`, nested selections such as
         `dataSetElements[dataElement[id,name]]`, `organisationUnits[id]`, `:identifiable`/`:nameable`.
filter:  `property:operator:value`, several filters joined by AND; operators eq, !eq, ne, like, !like,
         ilike, !ilike, $like, $ilike, like$, ilike$, in, !in, gt, ge, lt, le, null, !null.
paging:  `page`, `pageSize` (default 50), `paging=false`; the pager is {page, pageCount, total, pageSize,
         nextPage, prevPage}.
"""
import math
import re
from urllib.parse import urlencode

from samaneh.core.text import normalize_digits, normalize_text

DEFAULT_PAGE_SIZE = 50
MAX_PAGE_SIZE = 10000
PRESETS = {
    ":identifiable": "id,name,code,created,lastUpdated",
    ":nameable": "id,name,shortName,code,description,created,lastUpdated",
    ":owner": "*",
    ":all": "*",
}


class QueryError(ValueError):
    """A `fields`/`filter`/paging parameter we cannot read; the message is Persian."""


def parse_fields(text):
    """`a,b[c,d[e]],*` → {"a": None, "b": {"c": None, "d": {"e": None}}, "*": None}."""
    text = (text or "").replace(" ", "")
    for name, expansion in PRESETS.items():
        text = text.replace(name, expansion)
    position = 0

    def parse_level():
        nonlocal position
        out = {}
        name = ""
        while position < len(text):
            char = text[position]
            position += 1
            if char == ",":
                if name:
                    out.setdefault(name, None)
                name = ""
            elif char == "[":
                out[name] = _merge(out.get(name), parse_level())
                name = ""
            elif char == "]":
                break
            else:
                name += char
        if name:
            out.setdefault(name, None)
        return out

    return parse_level()


def _merge(old, new):
    if not isinstance(old, dict):
        return new
    return {**old, **new}


def select(data, spec):
    """`data` (a full representation) narrowed to `spec` (from parse_fields)."""
    if isinstance(data, list):
        return [select(item, spec) for item in data]
    if not isinstance(data, dict):
        return data
    if not spec or "*" in spec:
        out = {key: _reference(value) for key, value in data.items()}
        for key, sub in (spec or {}).items():
            if key != "*" and key in data:
                out[key] = select(data[key], sub) if sub else _reference(data[key])
        return out
    out = {}
    for key, sub in spec.items():
        if key not in data:
            continue
        value = data[key]
        out[key] = select(value, sub) if sub else _reference(value)
    return out


def _reference(value):
    """A nested object, shown without an explicit selection, is a reference: {"id": …} (as in DHIS2); an
    embedded object without an id (a dataSetElement) keeps its fields, with references inside it."""
    if isinstance(value, dict):
        return {"id": value["id"]} if "id" in value else {k: _reference(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_reference(v) for v in value]
    return value


_FILTER = re.compile(r"^([\w.]+):(!?\$?[a-z]+\$?)(?::(.*))?$", re.DOTALL)


def parse_filters(values):
    """["name:ilike:کرج", "id:in:[a,b]"] → [(property, operator, value)]."""
    out = []
    for raw in values:
        match = _FILTER.match(raw.strip())
        if not match:
            raise QueryError(f"فیلتر «{raw}» خوانا نیست؛ نمونه: name:ilike:کرج یا id:in:[a,b]")
        prop, op, value = match.group(1), match.group(2), match.group(3)
        if op in ("in", "!in"):
            value = [v.strip() for v in (value or "").strip("[]").split(",") if v.strip()]
        elif value is not None:
            value = normalize_text(value)
        out.append((prop, op, value))
    return out


OPERATORS = {"eq", "!eq", "ne", "neq", "like", "!like", "ilike", "!ilike", "$like", "$ilike", "like$", "ilike$",
             "in", "!in", "gt", "ge", "lt", "le", "null", "!null"}


def matches(item, filters):
    """Filters applied to a full representation (for small metadata lists)."""
    for prop, op, value in filters:
        if op not in OPERATORS:
            raise QueryError(f"عملگر فیلتر «{op}» پشتیبانی نمی‌شود")
        current = item
        for part in prop.split("."):
            current = current.get(part) if isinstance(current, dict) else None
        if not _test(current, op, value):
            return False
    return True


def _as_text(value):
    return normalize_digits(normalize_text("" if value is None else str(value))).lower()


def _test(current, op, value):
    if op == "null":
        return current in (None, "")
    if op == "!null":
        return current not in (None, "")
    if op in ("in", "!in"):
        hit = _as_text(current) in {_as_text(v) for v in value}
        return hit if op == "in" else not hit
    text, wanted = _as_text(current), _as_text(value)
    if op in ("gt", "ge", "lt", "le"):
        try:
            a, b = float(text), float(wanted)
        except ValueError:
            a, b = text, wanted
        return {"gt": a > b, "ge": a >= b, "lt": a < b, "le": a <= b}[op]
    if op == "eq":
        return text == wanted
    if op in ("!eq", "ne", "neq"):
        return text != wanted
    if op in ("like", "ilike"):
        return wanted in text
    if op in ("!like", "!ilike"):
        return wanted not in text
    if op in ("$like", "$ilike"):
        return text.startswith(wanted)
    return text.endswith(wanted)  # like$ / ilike$


class Paging:
    def __init__(self, params):
        self.enabled = params.get("paging", "true").lower() != "false" and params.get("skipPaging", "false").lower() \
            != "true"
        try:
            self.page = max(1, int(normalize_digits(params.get("page", "1"))))
            self.size = int(normalize_digits(params.get("pageSize", str(DEFAULT_PAGE_SIZE))))
        except ValueError:
            raise QueryError("page و pageSize باید عدد صحیح باشند") from None
        if not 1 <= self.size <= MAX_PAGE_SIZE:
            raise QueryError(f"pageSize باید بین ۱ و {MAX_PAGE_SIZE} باشد")

    def window(self):
        start = (self.page - 1) * self.size
        return start, start + self.size

    def pager(self, request, total):
        page_count = max(1, math.ceil(total / self.size))
        pager = {"page": self.page, "pageCount": page_count, "total": total, "pageSize": self.size}
        base = request.build_absolute_uri(request.path)
        params = request.GET.copy()
        if self.page < page_count:
            params["page"] = str(self.page + 1)
            pager["nextPage"] = f"{base}?{urlencode(list(params.lists()), doseq=True)}"
        if self.page > 1:
            params["page"] = str(self.page - 1)
            pager["prevPage"] = f"{base}?{urlencode(list(params.lists()), doseq=True)}"
        return pager
