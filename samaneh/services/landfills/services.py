"""Every write to the landfill bank: create, update, the review flow and documents.

Each function takes the acting user first, checks scope through `samaneh.geo.scope`, validates with
Persian messages naming the field (a `ValidationError` keyed by field, so a form can show each message
beside its input), records a `SiteEvent` with the changed fields (old → new) and an audit entry, and
changes nothing when it refuses.

Review flow (the `review_state` of a site):
    draft / returned --submit (local staff)--> submitted --approve (county/province)--> approved
    submitted / approved --return with comment (county/province)--> returned
    approved --edit by local staff--> submitted (the change needs a fresh review)
A submitted site is with its reviewer; local staff wait for the review before editing again.
"""
import datetime as dt
import math
import uuid
from functools import lru_cache

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import get_language_bidi
from shapely.geometry import Point
from shapely.prepared import prep
from django.utils.translation import gettext as _

from samaneh.accounts.roles import Perm
from samaneh.cases.attachments import READ_CHUNK_BYTES, SNIFF_BYTES, sniff_content_type, too_large_message
from samaneh.core.audit import audit_record, json_safe
from samaneh.core.jalali import to_jalali
from samaneh.core.text import localize_digits, normalize_text
from samaneh.geo import boundaries, scope
from samaneh.geo.models import OrgUnit
from samaneh.services.landfills.models import Site, SiteDocument, SiteEvent

K = OrgUnit.Kind
R = Site.Review

# What local staff set on a site; the code, review state and demo mark are the system's.
EDITABLE_FIELDS = (
    "name", "kind", "status", "org_unit", "latitude", "longitude", "operator_kind", "operator_name",
    "design_capacity_tonnes", "remaining_capacity_tonnes", "design_capacity_m3", "remaining_capacity_m3",
    "daily_intake_tonnes", "opening_year", "distance_to_water_m", "groundwater_depth_m", "distance_to_village_m",
    "protected_area", "flood_zone", "soil_permeability", "fire_incidents_per_year", "complaints_per_year",
    "has_fence", "has_lining", "has_leachate_collection", "has_daily_cover", "remediation_cost_million_rials",
)
REQUIRED_FIELDS = (
    "name", "kind", "org_unit", "latitude", "longitude", "operator_kind", "design_capacity_tonnes",
    "remaining_capacity_tonnes",
)
CHOICE_FIELDS = {
    "kind": Site.Kind, "status": Site.Status, "operator_kind": Site.OperatorKind, "protected_area": Site.Protected,
    "flood_zone": Site.FloodZone, "soil_permeability": Site.Permeability,
}
BOOLEAN_FIELDS = ("has_fence", "has_lining", "has_leachate_collection", "has_daily_cover")
INTEGER_FIELDS = ("opening_year", "fire_incidents_per_year", "complaints_per_year")

# Upper bounds beyond which a figure is a typing slip, not a site: Iran's largest landfill (Aradkouh,
# Tehran) takes about 7,000 t a day for a city of nine million; no rural or regional site comes near
# 5,000 t a day or 5 million t of design capacity.
UPPER_BOUNDS = {
    "design_capacity_tonnes": 5_000_000,
    "remaining_capacity_tonnes": 5_000_000,
    "design_capacity_m3": 10_000_000,
    "remaining_capacity_m3": 10_000_000,
    "daily_intake_tonnes": 5_000,
    "distance_to_water_m": 200_000,
    "groundwater_depth_m": 2_000,
    "distance_to_village_m": 200_000,
    "fire_incidents_per_year": 365,
    "complaints_per_year": 100_000,
    "remediation_cost_million_rials": 100_000_000,
}
EARLIEST_OPENING_YEAR = 1300
# Planned sites may name a year a few years ahead.
PLANNED_YEARS_AHEAD = 10

# Kinds of unit a site may stand in: below the county, so the county reviewer is always above it.
SITE_UNIT_KINDS = (K.DISTRICT, K.CITY, K.RURAL_DISTRICT, K.VILLAGE)

# Iran's bounding box (with a margin): outside it a point is certainly wrong.
IRAN_BOX = {"latitude": (24.0, 40.0), "longitude": (44.0, 63.5)}


def _label(name):
    return str(Site._meta.get_field(name).verbose_name)


def _number_text(value):
    text = f"{value:,.0f}" if float(value).is_integer() else f"{value:,}"
    return localize_digits(text).replace(",", "٬") if get_language_bidi() else text


def ancestor_of_kind(unit, kind):
    """The unit itself or its ancestor of `kind`, or None (one query by primary keys)."""
    if unit.kind == kind:
        return unit
    # No ORDER BY: the model's default ordering (level, name) makes SQLite walk the level index instead
    # of the few primary keys asked for.
    return next(iter(OrgUnit.objects.filter(pk__in=unit.ancestor_ids(), kind=kind).order_by()), None)


def site_county(site_or_unit):
    unit = site_or_unit.org_unit if isinstance(site_or_unit, Site) else site_or_unit
    return ancestor_of_kind(unit, K.COUNTY)


def ancestor_lookup():
    """`ancestor_of_kind` remembering its answers, for checking many rows against the same few units."""
    answers = {}

    def lookup(unit, kind):
        key = (unit.pk, kind)
        if key not in answers:
            answers[key] = ancestor_of_kind(unit, kind)
        return answers[key]

    return lookup


@lru_cache(maxsize=None)
def _province_shapes():
    """Each shipped province boundary (by its matching key), widened by the boundaries' own tolerance."""
    return {
        boundaries.province_key(persian): prep(geometry.buffer(boundaries.TOLERANCE_DEGREES))
        for english, persian in boundaries.PROVINCE_NAMES.items()
        for geometry in [boundaries.source_geometries()[english]]
    }


def _coerce(name, value, errors):
    """The value as the field stores it, or None (with an error recorded) when it cannot be read."""
    if value in (None, ""):
        return None
    if name in BOOLEAN_FIELDS:
        return bool(value)
    if name in CHOICE_FIELDS:
        value = str(value)
        if value not in CHOICE_FIELDS[name].values:
            errors.setdefault(name, []).append(_("«%(field)s» یکی از گزینه‌های فهرست نیست.") % {"field": _label(name)})
            return None
        return value
    if name in ("name", "operator_name"):
        return normalize_text(str(value))
    if name == "org_unit":
        return value
    try:
        number = float(normalize_text(str(value)).replace("٫", ".").replace("٬", "").replace(",", ""))
    except ValueError:
        errors.setdefault(name, []).append(_("«%(field)s» باید عدد باشد.") % {"field": _label(name)})
        return None
    if not math.isfinite(number):
        errors.setdefault(name, []).append(_("«%(field)s» باید عدد باشد.") % {"field": _label(name)})
        return None
    if name in INTEGER_FIELDS:
        if not number.is_integer():
            errors.setdefault(name, []).append(_("«%(field)s» باید عدد صحیح باشد.") % {"field": _label(name)})
            return None
        return int(number)
    return number


def point_errors(latitude, longitude, org_unit, *, ancestor=ancestor_of_kind):
    """Why the point cannot be where this site stands (field → messages); empty when it can.

    Only province boundaries are shipped (no licence lets us redistribute county or district ones; see
    samaneh/geo/boundaries.py), so the finest check is that the point lies in the province of the unit.
    The shipped layer is generalised, so a point within the boundaries' tolerance (~3 km) of its own
    province passes: a real site just by a border is not refused for the map's coarseness."""
    errors = {}
    for name, value in (("latitude", latitude), ("longitude", longitude)):
        low, high = IRAN_BOX[name]
        if not low <= value <= high:
            errors[name] = [
                _("«%(field)s» باید بین %(low)s و %(high)s درجه باشد؛ این نقطه بیرون از ایران است.")
                % {"field": _label(name), "low": localize_digits(low), "high": localize_digits(high)}
            ]
    if errors:
        return errors
    if not boundaries.inside_iran(latitude, longitude):
        return {"latitude": [
            _("نقطه (عرض و طول جغرافیایی) در دریا یا بیرون از خاک ایران است؛ نقطه را روی نقشه درست بگذارید.")
        ]}
    stated = ancestor(org_unit, K.PROVINCE) if org_unit is not None else None
    if stated is None:
        return {}
    # Fast answer for the usual case, a point well inside its own province; otherwise ask the boundaries
    # which province it is in, to name it.
    shape = _province_shapes().get(boundaries.province_key(stated.name))
    if shape is not None and shape.contains(Point(longitude, latitude)):
        return {}
    found = boundaries.province_at(latitude, longitude)
    if stated is not None and found is not None and found.pk != stated.pk:
        return {"latitude": [
            _("نقطه (عرض و طول جغرافیایی) در استان %(found)s است، نه در استان %(stated)s که «محل» مرکز در آن است.")
            % {"found": found.name, "stated": stated.name}
        ]}
    return {}


def validate_fields(fields, villages, *, user, ancestor=ancestor_of_kind):
    """Field → messages for everything wrong with these values; empty when the site may be stored."""
    errors = {}

    def add(name, message):
        errors.setdefault(name, []).append(message)

    for name in REQUIRED_FIELDS:
        if fields.get(name) in (None, ""):
            add(name, _("«%(field)s» را وارد کنید.") % {"field": _label(name)})
    for name, upper in UPPER_BOUNDS.items():
        value = fields.get(name)
        if value is None:
            continue
        if value < 0:
            add(name, _("«%(field)s» نمی‌تواند منفی باشد.") % {"field": _label(name)})
        elif value > upper:
            add(name, _("«%(field)s» (%(value)s) بیش از حد پذیرفتنی است؛ بیشینه %(upper)s است.")
                % {"field": _label(name), "value": _number_text(value), "upper": _number_text(upper)})
    for design, remaining in (("design_capacity_tonnes", "remaining_capacity_tonnes"),
                              ("design_capacity_m3", "remaining_capacity_m3")):
        if (fields.get(design) is not None and fields.get(remaining) is not None
                and fields[remaining] > fields[design] and design not in errors and remaining not in errors):
            add(remaining, _("«%(remaining)s» (%(r)s) نمی‌تواند بیش از «%(design)s» (%(d)s) باشد.") % {
                "remaining": _label(remaining), "design": _label(design),
                "r": _number_text(fields[remaining]), "d": _number_text(fields[design]),
            })
    year = fields.get("opening_year")
    if year is not None:
        latest = to_jalali(dt.date.today()).year + PLANNED_YEARS_AHEAD
        if not EARLIEST_OPENING_YEAR <= year <= latest:
            add("opening_year", _("«%(field)s» باید سالی شمسی بین %(low)s و %(high)s باشد.") % {
                "field": _label("opening_year"), "low": localize_digits(EARLIEST_OPENING_YEAR),
                "high": localize_digits(latest),
            })

    unit = fields.get("org_unit")
    if unit is not None:
        if unit.kind not in SITE_UNIT_KINDS:
            add("org_unit", _("«%(field)s» باید بخش، دهستان، شهر یا روستا باشد، نه %(kind)s.")
                % {"field": _label("org_unit"), "kind": unit.get_kind_display()})
        elif not scope.can_act(user, Perm.LANDFILL_EDIT, unit):
            add("org_unit", _("«%(field)s» بیرون از حوزه شماست.") % {"field": _label("org_unit")})
    if unit is not None and fields.get("latitude") is not None and fields.get("longitude") is not None:
        for name, messages in point_errors(fields["latitude"], fields["longitude"], unit, ancestor=ancestor).items():
            errors.setdefault(name, []).extend(messages)

    county = ancestor(unit, K.COUNTY) if unit is not None and "org_unit" not in errors else None
    for village in villages:
        if village.kind != K.VILLAGE:
            add("villages_served", _("«%(name)s» روستا نیست (%(kind)s)؛ در «روستاهای تحت پوشش» فقط روستا بیاورید.")
                % {"name": village.name, "kind": village.get_kind_display()})
        elif county is not None and not village.is_within(county):
            add("villages_served", _("روستای «%(name)s» در شهرستان %(county)s نیست؛ روستاهای تحت پوشش باید در شهرستان محل مرکز باشند.")
                % {"name": village.name, "county": county.name})
    return errors


def clean_fields(raw, *, user, base=None):
    """Coerce and validate `raw` over the values of `base` (a Site being edited); raise on any error."""
    errors = {}
    fields = {}
    for name in EDITABLE_FIELDS:
        if name in raw:
            fields[name] = _coerce(name, raw[name], errors)
        elif base is not None:
            fields[name] = getattr(base, name)
    for name in BOOLEAN_FIELDS:
        fields.setdefault(name, False)
    return fields, errors


def _villages_text(villages):
    return sorted(f"{v.name} ({v.code})" if v.code else v.name for v in villages)


def _changes(before, after):
    return {name: [before.get(name), value] for name, value in after.items() if before.get(name) != value}


def _site_values(site, villages):
    values = {name: json_safe(getattr(site, name + "_id" if name == "org_unit" else name)) for name in EDITABLE_FIELDS}
    values["villages_served"] = _villages_text(villages)
    return values


def _apply(site, fields):
    for name, value in fields.items():
        model_field = Site._meta.get_field(name)
        if value is None and not model_field.null:
            value = model_field.get_default()  # an empty optional box keeps the field's default
        setattr(site, name, value)


def _record(site, *, user, action, changes=None, comment="", request=None):
    event = SiteEvent.objects.create(site=site, action=action, actor=user, changes=changes or {}, comment=comment)
    audit_record(actor=user, action=f"landfills.site.{action}", target=site,
                 after={"review_state": site.review_state, "changes": changes or {}, "comment": comment},
                 request=request)
    return event


@transaction.atomic
def site_create(user, *, fields, villages_served=(), code="", action=SiteEvent.Action.CREATED, request=None):
    """A new site in draft, entered by local staff whose LANDFILL_EDIT scope reaches its unit."""
    if not scope.units(user, Perm.LANDFILL_EDIT).exists():
        raise PermissionDenied(_("شما اجازه ثبت مرکز دفن پسماند را ندارید."))
    villages = list(villages_served)
    values, errors = clean_fields(fields, user=user)
    for name, messages in validate_fields(values, villages, user=user).items():
        errors.setdefault(name, []).extend(messages)
    if errors:
        raise ValidationError(errors)
    site = Site(code=code or f"new-{uuid.uuid4().hex[:16]}", review_state=R.DRAFT)
    _apply(site, values)
    site.save()
    if not code:
        site.code = f"LF-{site.pk:06d}"
        site.save(update_fields=["code"])
    site.villages_served.set(villages)
    after = _site_values(site, villages)
    _record(site, user=user, action=action,
            changes={name: [None, value] for name, value in after.items() if value not in (None, "", [], False)},
            request=request)
    return site


def _require_edit(user, site):
    if not scope.can_act(user, Perm.LANDFILL_EDIT, site.org_unit):
        raise PermissionDenied(_("این مرکز بیرون از حوزه ویرایش شماست."))


@transaction.atomic
def site_update(user, *, site, fields, villages_served=None, action=SiteEvent.Action.UPDATED, request=None):
    """Change a site's facts. An approved site goes back to submitted: the change needs a fresh review."""
    site = Site.objects.select_for_update().get(pk=site.pk)
    _require_edit(user, site)
    if site.review_state == R.SUBMITTED:
        raise ValidationError(_("این مرکز برای بررسی فرستاده شده است؛ تا بررسی کارشناس شهرستان یا استان آن را ویرایش نکنید."))
    old_villages = list(site.villages_served.all())
    villages = old_villages if villages_served is None else list(villages_served)
    before = _site_values(site, old_villages)
    values, errors = clean_fields(fields, user=user, base=site)
    for name, messages in validate_fields(values, villages, user=user).items():
        errors.setdefault(name, []).extend(messages)
    if errors:
        raise ValidationError(errors)
    _apply(site, values)
    changes = _changes(before, _site_values(site, villages))
    if not changes:
        return site
    comment = ""
    if site.review_state == R.APPROVED:
        site.review_state = R.SUBMITTED
        comment = _("مرکز تأییدشده ویرایش شد و دوباره برای بررسی فرستاده شد.")
        changes["review_state"] = [R.APPROVED.value, R.SUBMITTED.value]
    site.save()
    if villages_served is not None:
        site.villages_served.set(villages)
    _record(site, user=user, action=action, changes=changes, comment=comment, request=request)
    return site


def _transition(user, site, *, perm, allowed_from, to, action, comment="", request=None):
    site = Site.objects.select_for_update().get(pk=site.pk)
    if not scope.can_act(user, perm, site.org_unit):
        raise PermissionDenied(_("این مرکز بیرون از حوزه شماست."))
    if site.review_state not in allowed_from:
        raise ValidationError(_("این کار در وضعیت «%(state)s» ممکن نیست.") % {"state": site.get_review_state_display()})
    old = site.review_state
    site.review_state = to
    site.save(update_fields=["review_state", "updated"])
    _record(site, user=user, action=action, changes={"review_state": [old, to]},
            comment=normalize_text(comment or "", keep_newlines=True), request=request)
    return site


@transaction.atomic
def site_submit(user, *, site, request=None):
    """Local staff send a draft or a corrected site for review."""
    return _transition(user, site, perm=Perm.LANDFILL_EDIT, allowed_from=(R.DRAFT, R.RETURNED), to=R.SUBMITTED,
                       action=SiteEvent.Action.SUBMITTED, request=request)


@transaction.atomic
def site_return(user, *, site, comment, request=None):
    """A county or province reviewer sends the site back for correction, saying what to correct."""
    if not normalize_text(comment or ""):
        raise ValidationError({"comment": [_("«توضیح بازگشت» را بنویسید: چه چیزی باید اصلاح شود.")]})
    return _transition(user, site, perm=Perm.LANDFILL_REVIEW, allowed_from=(R.SUBMITTED, R.APPROVED),
                       to=R.RETURNED, action=SiteEvent.Action.RETURNED, comment=comment, request=request)


@transaction.atomic
def site_approve(user, *, site, comment="", request=None):
    """A county or province reviewer approves a submitted site."""
    return _transition(user, site, perm=Perm.LANDFILL_REVIEW, allowed_from=(R.SUBMITTED,), to=R.APPROVED,
                       action=SiteEvent.Action.APPROVED, comment=comment, request=request)


def _read_checked(upload, max_bytes):
    head, size = b"", 0
    for chunk in upload.chunks(READ_CHUNK_BYTES):
        size += len(chunk)
        if size > max_bytes:
            raise ValidationError({"file": [too_large_message(max_bytes)]})
        if len(head) < SNIFF_BYTES:
            head += chunk[: SNIFF_BYTES - len(head)]
    return sniff_content_type(head), size


@transaction.atomic
def site_document_add(user, *, site, upload, title="", request=None):
    """Store a photo (JPEG/PNG) or PDF of the site; the type is read from the content, never the name."""
    _require_edit(user, site)
    max_bytes = settings.ATTACHMENT_MAX_BYTES
    if getattr(upload, "size", None) is not None and upload.size > max_bytes:
        raise ValidationError({"file": [too_large_message(max_bytes)]})
    content_type, size = _read_checked(upload, max_bytes)
    if size == 0:
        raise ValidationError({"file": [_("«فایل» خالی است.")]})
    if content_type not in settings.ATTACHMENT_TYPES:
        raise ValidationError({"file": [
            _("«فایل» پذیرفته نیست؛ فقط عکس (JPEG یا PNG) یا سند PDF بفرستید.")
        ]})
    title = normalize_text(title or "")[:200]
    document = SiteDocument(site=site, title=title, content_type=content_type, size=size, uploaded_by=user)
    upload.seek(0)
    extension = {"application/pdf": "pdf", "image/jpeg": "jpg", "image/png": "png"}[content_type]
    document.file.save(f"{uuid.uuid4().hex}.{extension}", upload, save=False)
    try:
        document.save()
        _record(site, user=user, action=SiteEvent.Action.DOCUMENT,
                changes={"document": [None, title or extension.upper()]}, request=request)
    except Exception:
        document.file.delete(save=False)
        raise
    return document
