"""Every write of the complaints service: filing (web and Open311), rating, merging duplicates.

Plain functions taking the acting user, each one transaction. Refusals raise `ComplaintRefused` with a
Persian message and the name of the field at fault; nothing is written when they do.
"""
import secrets
from decimal import Decimal, InvalidOperation

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from samaneh.accounts.roles import Perm
from samaneh.cases.models import Case
from samaneh.cases.services import CaseError, case_create_once, case_open, case_transition
from samaneh.core.audit import audit_record
from samaneh.core.text import localize_digits, normalize_digits, normalize_text
from samaneh.geo import scope
from samaneh.services.complaints import routing
from samaneh.services.complaints import workflow as wf
from samaneh.services.complaints.models import Category, CategoryAttribute, Complaint

DESCRIPTION_MAX_CHARS = 5000
RATING_MIN, RATING_MAX = 1, 5
RATING_COMMENT_MAX_CHARS = 500
SERVICE = "complaints"
ARABIC_DECIMAL_SEPARATOR = "\u066b"
# A duplicate is merged before it is answered; an answered one has its own answer and objection window.
MERGEABLE_STATES = (wf.SUBMITTED, wf.IN_REVIEW, wf.AWAITING_INFO)


class ComplaintRefused(CaseError):
    """Bad input for a complaint. `message` is Persian and safe to show; `field` names the input."""

    def __init__(self, message, field=None):
        super().__init__(message)
        self.field = field


def _clean_kind(kind, category):
    if kind not in Complaint.Kind.values:
        raise ComplaintRefused(_("نوع را «شکایت» یا «درخواست» انتخاب کنید."), field="kind")
    if category.kinds not in (Category.Kinds.BOTH, kind):
        raise ComplaintRefused(
            _("در دسته «%(category)s» فقط «%(kind)s» ثبت می‌شود.")
            % {"category": category.name, "kind": Complaint.Kind(category.kinds).label},
            field="kind",
        )
    return kind


def _check_category(category):
    if category is None:
        raise ComplaintRefused(_("دسته شکایت یا درخواست را انتخاب کنید."), field="category")
    if category.children.exists():
        raise ComplaintRefused(
            _("«%(category)s» یک گروه است؛ یکی از زیرگروه‌های آن را انتخاب کنید.") % {"category": category.name},
            field="category",
        )
    node = category
    while node is not None:
        if not node.is_active:
            raise ComplaintRefused(
                _("دسته «%(category)s» دیگر فعال نیست.") % {"category": category.name}, field="category"
            )
        node = node.parent


def _clean_description(description):
    text = normalize_text(description or "", keep_newlines=True)
    if not text:
        raise ComplaintRefused(_("شرح شکایت یا درخواست را بنویسید."), field="description")
    if len(text) > DESCRIPTION_MAX_CHARS:
        raise ComplaintRefused(
            _("شرح بیش از %(max)s نویسه است؛ آن را کوتاه‌تر کنید.") % {"max": localize_digits(DESCRIPTION_MAX_CHARS)},
            field="description",
        )
    return text


def _coordinate(value, field, low, high):
    try:
        number = Decimal(normalize_digits(str(value)).strip().replace(ARABIC_DECIMAL_SEPARATOR, "."))
    except (InvalidOperation, ValueError):
        number = None
    if number is None or not number.is_finite() or not low <= number <= high:
        raise ComplaintRefused(_("مختصات مکان نادرست است."), field=field)
    return number.quantize(Decimal("0.000001"))


def _clean_point(latitude, longitude):
    given = [v not in (None, "") for v in (latitude, longitude)]
    if not any(given):
        return None, None
    if not all(given):
        raise ComplaintRefused(_("برای مکان هم عرض و هم طول جغرافیایی لازم است."),
                               field="latitude" if not given[0] else "longitude")
    lat = _coordinate(latitude, "latitude", -90, 90)
    lng = _coordinate(longitude, "longitude", -180, 180)
    if not routing.point_in_iran(lat, lng):
        raise ComplaintRefused(_("مکان انتخاب‌شده بیرون از ایران است."), field="latitude")
    return lat, lng


def _attribute_value(attribute, value):
    """One answer to a category question, checked against its type; returns the stored form."""
    field = f"attribute[{attribute.code}]"
    keys = {str(v.get("key")) for v in attribute.values or []}
    T = CategoryAttribute.DataType
    if attribute.datatype == T.MULTIVALUELIST:
        items = value if isinstance(value, (list, tuple)) else [value]
        items = [normalize_text(str(i)) for i in items if str(i).strip()]
        if any(i not in keys for i in items):
            raise ComplaintRefused(_("پاسخ «%(q)s» از گزینه‌های آن نیست.") % {"q": attribute.description}, field=field)
        return items
    text = normalize_text(str(value)) if value is not None else ""
    if attribute.datatype == T.SINGLEVALUELIST and text and text not in keys:
        raise ComplaintRefused(_("پاسخ «%(q)s» از گزینه‌های آن نیست.") % {"q": attribute.description}, field=field)
    if attribute.datatype == T.NUMBER and text:
        try:
            Decimal(text)
        except InvalidOperation:
            message = _("پاسخ «%(q)s» باید عدد باشد.") % {"q": attribute.description}
            raise ComplaintRefused(message, field=field) from None
    return text


def _clean_attributes(category, attributes):
    attributes = attributes or {}
    cleaned = {}
    for attribute in category.attributes.all():
        value = _attribute_value(attribute, attributes.get(attribute.code))
        if value in ("", []):
            if attribute.required:
                raise ComplaintRefused(
                    _("به پرسش «%(q)s» پاسخ دهید.") % {"q": attribute.description}, field=f"attribute[{attribute.code}]"
                )
            continue
        cleaned[attribute.code] = value
    return cleaned


def _title(kind, category, description):
    first_line = description.split("\n", 1)[0]
    excerpt = first_line if len(first_line) <= 80 else first_line[:79] + "…"
    return f"{Complaint.Kind(kind).label} — {category.name}: {excerpt}"


def complaint_file(*, applicant, kind, category, description, org_unit=None, latitude=None, longitude=None,
                   address="", is_public=False, attributes=None, channel="web", open311_client=None, contact=None,
                   idempotency_key=None):
    """File a complaint or request and open its case, routed to the unit that must answer it.

    Returns `Outcome(case, created)`; the same `idempotency_key` from the same applicant returns the first
    case with created=False. Raises ComplaintRefused (nothing written) for bad input. The engine tells the
    applicant the tracking code in-app and by SMS.
    """
    _check_category(category)
    kind = _clean_kind(kind, category)
    text = _clean_description(description)
    lat, lng = _clean_point(latitude, longitude)
    if org_unit is None:
        raise ComplaintRefused(
            _("شهر یا روستای محل را هم انتخاب کنید؛ نقطه روی نقشه به تنهایی واحد مسئول را مشخص نمی‌کند.")
            if lat is not None else _("شهر یا روستای محل را انتخاب کنید."),
            field="org_unit",
        )
    if channel not in Complaint.Channel.values:
        raise ComplaintRefused(_("مسیر ثبت نامعتبر است."), field="channel")
    cleaned_attributes = _clean_attributes(category, attributes)
    address = normalize_text(address or "")[:300]
    responsible = routing.route(unit=org_unit, category=category)

    def create():
        case = case_open(service=SERVICE, applicant=applicant, org_unit=org_unit, responsible_unit=responsible,
                         title=_title(kind, category, text))
        Complaint.objects.create(
            case=case, kind=kind, category=category, description=text, latitude=lat, longitude=lng,
            address=address, is_public=bool(is_public), attributes=cleaned_attributes, channel=channel,
            open311_client=open311_client,
            open311_token=secrets.token_hex(8) if channel == Complaint.Channel.OPEN311 else "",
            contact=contact or {},
        )
        return case

    return case_create_once(user=applicant, idempotency_key=idempotency_key, create=create)


@transaction.atomic
def complaint_rate(*, case, user, rating, comment=""):
    """The applicant rates the answer (1–5, with an optional comment): once, and only after an answer."""
    complaint = Complaint.objects.select_for_update().select_related("case").get(pk=case.pk)
    if user.pk != complaint.case.applicant_id:
        raise ComplaintRefused(_("فقط ثبت‌کننده پرونده می‌تواند به پاسخ امتیاز دهد."))
    if complaint.answered_at is None:
        raise ComplaintRefused(_("پس از دریافت پاسخ می‌توانید به آن امتیاز دهید."), field="rating")
    if complaint.rated_at is not None:
        raise ComplaintRefused(_("شما پیش‌تر به این پاسخ امتیاز داده‌اید."), field="rating")
    try:
        rating = int(normalize_text(str(rating)))
    except (TypeError, ValueError):
        rating = None
    if rating is None or not RATING_MIN <= rating <= RATING_MAX:
        raise ComplaintRefused(_("امتیاز را از ۱ تا ۵ انتخاب کنید."), field="rating")
    comment = normalize_text(comment or "", keep_newlines=True)
    if len(comment) > RATING_COMMENT_MAX_CHARS:
        raise ComplaintRefused(
            _("نظر درباره پاسخ بیش از %(max)s نویسه است.") % {"max": localize_digits(RATING_COMMENT_MAX_CHARS)},
            field="comment",
        )
    complaint.rating, complaint.rating_comment, complaint.rated_at = rating, comment, timezone.now()
    complaint.save(update_fields=["rating", "rating_comment", "rated_at"])
    audit_record(actor=user, action="complaint.rate", target=complaint.case,
                 after={"rating": rating, "comment": comment})
    return complaint


def _mergeable(case, label):
    complaint = getattr(case, "complaint", None)
    if case.service != SERVICE or complaint is None:
        raise ComplaintRefused(_("پرونده %(label)s شکایت یا درخواست نیست.") % {"label": label})
    return complaint


@transaction.atomic
def complaint_merge(*, user, duplicate_case, into_case, reason):
    """Close `duplicate_case` as a duplicate of `into_case`: its citizen is told the main tracking code
    and, when the main case is answered, gets that answer too (transitions._answer_merged).

    The expert must see both cases. Complaints already merged into the duplicate move to the main case,
    so every citizen is answered once the main case is. Returns the duplicate's complaint.
    """
    # Locking both case rows serialises merges touching either case. (No join to the complaint here:
    # PostgreSQL refuses FOR UPDATE on the nullable side of the outer join a reverse one-to-one makes.)
    cases = {c.pk: c for c in Case.objects.select_for_update().select_related("responsible_unit")
             .filter(pk__in=[duplicate_case.pk, into_case.pk]).order_by("pk")}
    duplicate_case, into_case = cases.get(duplicate_case.pk), cases.get(into_case.pk)
    if duplicate_case is None or into_case is None:
        raise ComplaintRefused(_("پرونده پیدا نشد."))
    for case in (duplicate_case, into_case):
        if not scope.can_act(user, Perm.CASE_VIEW, case.responsible_unit):
            raise ComplaintRefused(
                _("پرونده %(code)s در حوزه دسترسی شما نیست.") % {"code": localize_digits(case.tracking_code)}
            )
    if duplicate_case.pk == into_case.pk:
        raise ComplaintRefused(_("یک پرونده را نمی‌توان در خودش ادغام کرد."))
    duplicate = _mergeable(duplicate_case, localize_digits(duplicate_case.tracking_code))
    main = _mergeable(into_case, localize_digits(into_case.tracking_code))
    if main.merged_into_id is not None or into_case.is_closed:
        raise ComplaintRefused(
            _("پرونده اصلی %(code)s بسته یا خود ادغام‌شده است.") % {"code": localize_digits(into_case.tracking_code)}
        )
    if duplicate_case.state not in MERGEABLE_STATES:
        raise ComplaintRefused(
            _("پرونده %(code)s پاسخ گرفته یا بسته است و ادغام نمی‌شود.")
            % {"code": localize_digits(duplicate_case.tracking_code)}
        )
    reason = normalize_text(reason or "", keep_newlines=True)
    if not reason:
        raise ComplaintRefused(_("دلیل ادغام را بنویسید."), field="reason")
    # Stored text keeps ASCII digits like every stored text; pages show them in the reader's digits.
    note = _("این پرونده با پرونده %(code)s یکی است و در آن ادغام شد؛ پاسخ آن پرونده برای شما هم فرستاده می‌شود.") % {
        "code": into_case.tracking_code
    }
    try:
        case_transition(case=duplicate_case, action="close", user=user, text=note, internal_note=reason)
    except CaseError as refusal:
        raise ComplaintRefused(refusal.message) from None
    Complaint.objects.filter(merged_into=duplicate).update(merged_into=main)
    duplicate.merged_into = main
    duplicate.save(update_fields=["merged_into"])
    audit_record(actor=user, action="complaint.merge", target=duplicate_case,
                 after={"merged_into": into_case.pk, "reason": reason})
    return duplicate
