"""Writes of the Open311 API: issuing client keys, and turning a GeoReport POST into a complaint."""
import re
import secrets

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils.translation import gettext as _

from samaneh.core.audit import audit_record
from samaneh.core.text import localize_digits, normalize_text
from samaneh.core.validators import validate_mobile
from samaneh.services.complaints.models import Category, Complaint, Open311Client
from samaneh.services.complaints.open311.auth import KEY_PREFIX_LENGTH, key_hash
from samaneh.services.complaints.open311.formats import Open311Error
from samaneh.services.complaints.open311.places import unit_from_request
from samaneh.services.complaints.open311.selectors import service_category
from samaneh.services.complaints.services import ComplaintRefused, complaint_file


def new_raw_key():
    # A hex prefix never contains "-", so no issued key can share the demo key's prefix.
    return secrets.token_hex(KEY_PREFIX_LENGTH // 2) + secrets.token_urlsafe(32)


def _store_key(client, raw_key):
    client.key_prefix = raw_key[:KEY_PREFIX_LENGTH]
    client.key_hash = key_hash(raw_key)


@transaction.atomic
def open311_client_create(*, name, actor=None, raw_key=None):
    """A new client with its own service account (the applicant of reports sent without a phone number);
    returns (client, raw_key). The raw key exists only in this return value."""
    name = normalize_text(name or "")
    if not name:
        raise ValueError("an Open311 client needs a name")
    raw_key = raw_key or new_raw_key()
    user = get_user_model()(username=f"open311-{secrets.token_hex(6)}", first_name=name[:150], is_citizen=False)
    user.set_unusable_password()
    user.save()
    client = Open311Client(name=name, user=user)
    _store_key(client, raw_key)
    client.save()
    audit_record(actor=actor, action="open311.client_create", target=client, after={"name": name, "user": user.pk})
    return client, raw_key


@transaction.atomic
def open311_client_issue_key(*, client, actor=None, raw_key=None):
    """Replace the client's key (the old one stops working at once); returns the new raw key."""
    raw_key = raw_key or new_raw_key()
    client = Open311Client.objects.select_for_update().get(pk=client.pk)
    before = {"key_prefix": client.key_prefix}
    _store_key(client, raw_key)
    client.save(update_fields=["key_prefix", "key_hash"])
    audit_record(actor=actor, action="open311.key_issue", target=client, before=before,
                 after={"key_prefix": client.key_prefix})
    return raw_key


# Where complaint_file names a field, the GeoReport parameter a client developer should look at.
_PARAMS = {
    "category": "service_code",
    "kind": "service_code",
    "description": "description",
    "latitude": "lat",
    "longitude": "long",
    "org_unit": "address_id",
}
_ATTRIBUTE_PARAM = re.compile(r"^attribute\[([^\]]+)\](\[\])?$")
CONTACT_FIELDS = ("email", "first_name", "last_name", "phone", "device_id", "account_id")
CONTACT_MAX_CHARS = 200
MAX_MEDIA_URLS = 10
_WEB_LINK = URLValidator(schemes=["http", "https"], message="not a web link")


def attributes_from(data):
    """`attribute[code]=v` and `attribute[code][]=v1&attribute[code][]=v2` (multivaluelist) as a dict."""
    attributes = {}
    for name in data:
        match = _ATTRIBUTE_PARAM.match(name)
        if match:
            values = data.getlist(name)
            attributes[match.group(1)] = values if match.group(2) else values[-1]
    return attributes


def _media_urls(data):
    """Links to photos kept for the expert; only web links, since staff pages show them as links."""
    urls = [url.strip() for url in data.getlist("media_url") if url.strip()]
    if len(urls) > MAX_MEDIA_URLS:
        message = _("media_url: حداکثر %(max)s پیوند پذیرفته می‌شود.")
        raise Open311Error(400, message % {"max": localize_digits(MAX_MEDIA_URLS)})
    for url in urls:
        try:
            _WEB_LINK(url)
        except ValidationError:
            message = _("media_url: «%(url)s» پیوند وب (http یا https) نیست.")
            raise Open311Error(400, message % {"url": url[:100]}) from None
    return urls


def _applicant(client, phone):
    """The citizen with this mobile (an account is made on first use, as at SMS sign-in), or the client's
    own account when no mobile is given or the number belongs to staff."""
    if not phone.strip():
        return client.user
    try:
        mobile = validate_mobile(phone)
    except ValidationError as error:
        raise Open311Error(400, f"phone: {error.messages[0]}") from None
    User = get_user_model()
    holders = list(User.objects.filter(Q(mobile=mobile) | Q(username=mobile)))
    if any(not holder.is_citizen or not holder.is_active for holder in holders):
        return client.user
    user = next((holder for holder in holders if holder.mobile == mobile), None) or (holders[0] if holders else None)
    if user is not None:
        return user
    try:
        with transaction.atomic():
            return User.objects.create_user(username=mobile, mobile=mobile, is_citizen=True)
    except IntegrityError:  # the same new number arrived twice at once: the other request made the account
        return User.objects.get(mobile=mobile)


def _refusal(refused):
    param = _PARAMS.get(refused.field, refused.field)
    if refused.field == "org_unit":
        return Open311Error(
            400,
            _("%(param)s: واحد محل از روی مختصات به تنهایی پیدا نمی‌شود؛ کد تقسیمات کشوری شهر یا روستا را در "
              "address_id یا نام آن را در address_string بفرستید.") % {"param": param},
        )
    return Open311Error(400, f"{param}: {refused.message}" if param else refused.message)


@transaction.atomic
def open311_request_file(*, client, data, idempotency_key=""):
    """File the complaint a GeoReport POST describes; returns (complaint, token). Refusals are the spec's
    errors (400 bad input, 404 unknown service); nothing is written when one is raised."""
    service_code = data.get("service_code", "").strip()
    if not service_code:
        raise Open311Error(400, _("service_code فرستاده نشده است."))
    category = service_category(service_code)
    if category is None:
        raise Open311Error(404, _("خدمتی با کد «%(code)s» نیست.") % {"code": service_code})
    attributes = attributes_from(data)
    located = [data.get(name, "").strip() for name in ("lat", "long", "address_string", "address_id")]
    if not any(located) and not str(attributes.get("org_unit_code", "")).strip():
        raise Open311Error(400, _("مکان فرستاده نشده است: lat و long، یا address_string، یا address_id لازم است."))
    org_unit = unit_from_request(data, attributes)
    applicant = _applicant(client, data.get("phone", ""))
    contact = {name: normalize_text(data[name])[:CONTACT_MAX_CHARS] for name in CONTACT_FIELDS
               if data.get(name, "").strip()}
    media = _media_urls(data)
    if media:
        contact["media_url"] = media
    kind = Complaint.Kind.COMPLAINT if category.kinds == Category.Kinds.COMPLAINT else Complaint.Kind.REQUEST
    key = idempotency_key.strip()
    try:
        outcome = complaint_file(
            applicant=applicant, kind=kind, category=category, description=data.get("description", ""),
            org_unit=org_unit, latitude=data.get("lat") or None, longitude=data.get("long") or None,
            address=data.get("address_string", ""), attributes=attributes, channel=Complaint.Channel.OPEN311,
            open311_client=client, contact=contact,
            # Scoped to the client so its keys never meet a citizen's own keys from the web form.
            idempotency_key=f"open311:{client.pk}:{key}" if key else None,
        )
    except ComplaintRefused as refused:
        raise _refusal(refused) from None
    complaint = outcome.case.complaint
    return complaint, complaint.open311_token
