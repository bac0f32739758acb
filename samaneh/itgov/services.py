"""Every write of IT supervision: profiles and their review, evidence, catalogue reviews, score weights.

Plain functions, acting user first, keyword-only, each one transaction, each significant write in the
audit chain. A refusal is `ITGovRefused` with a Persian message naming what was wrong; nothing is written.
"""
from decimal import Decimal, InvalidOperation

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from samaneh.accounts.roles import Perm
from samaneh.cases.attachments import _clean_original_name, _read_checked, too_large_message
from samaneh.cases.services import CaseError, case_open, case_transition
from samaneh.core.audit import audit_record, model_snapshot
from samaneh.core.text import localize_digits, normalize_text
from samaneh.geo import scope
from samaneh.geo.models import Administration
from samaneh.itgov import scoring
from samaneh.itgov.manifest import SERVICE
from samaneh.itgov.models import (
    Answer, ControlAnswer, Domain, Evidence, ITProfile, ProductVersion, ProfileStatus, Requirement,
    RequirementKind, ScoreWeights, SoftwareUse,
)
from samaneh.itgov.workflow import APPROVED, COUNTY_APPROVED, RETURNED, SUBMITTED

STATUS_OF_STATE = {
    SUBMITTED: ProfileStatus.SUBMITTED, COUNTY_APPROVED: ProfileStatus.COUNTY_APPROVED,
    RETURNED: ProfileStatus.RETURNED, APPROVED: ProfileStatus.APPROVED,
}


class ITGovRefused(Exception):
    def __init__(self, message, field=None):
        super().__init__(message)
        self.message = message
        self.field = field


def _fa(value):
    return localize_digits(str(value))


def _editable_profile(user, profile):
    profile = (ITProfile.objects.select_for_update(of=("self",)).select_related("administration", "org_unit")
               .get(pk=profile.pk))
    if not scope.can_act(user, Perm.IT_PROFILE_EDIT, profile.org_unit):
        raise ITGovRefused(_("شما اجازه ویرایش شناسنامه این مدیریت محلی را ندارید."))
    if not profile.editable:
        raise ITGovRefused(_("این شناسنامه در دست بررسی یا تأییدشده است و ویرایش نمی‌شود."))
    return profile


# --- profiles -----------------------------------------------------------------------------------------


@transaction.atomic
def profile_create(*, user, administration: Administration, year: int) -> ITProfile:
    """A draft profile for `administration` and Jalali `year`; a second one for the same year is refused."""
    if not scope.can_act(user, Perm.IT_PROFILE_EDIT, administration.org_unit):
        raise ITGovRefused(_("شما اجازه ثبت شناسنامه برای این مدیریت محلی را ندارید."))
    if ITProfile.objects.filter(administration=administration, year=year).exists():
        raise ITGovRefused(
            _("شناسنامه فناوری اطلاعات سال %(year)s برای %(name)s پیش‌تر ثبت شده است؛ همان را ویرایش کنید.")
            % {"year": _fa(year), "name": administration.name}, field="year")
    try:
        with transaction.atomic():
            profile = ITProfile.objects.create(
                administration=administration, org_unit=administration.org_unit, year=year, created_by=user)
    except IntegrityError:  # the same form sent twice at once: the constraint is the last word
        raise ITGovRefused(
            _("شناسنامه فناوری اطلاعات سال %(year)s برای %(name)s پیش‌تر ثبت شده است؛ همان را ویرایش کنید.")
            % {"year": _fa(year), "name": administration.name}, field="year") from None
    audit_record(actor=user, action="itgov.profile_create", target=profile, after={"year": year})
    return profile


SECTION_FIELDS = {
    "hardware": ["servers_new", "servers_mid", "servers_old", "workstations_new", "workstations_mid",
                 "workstations_old", "backup_new", "backup_mid", "backup_old", "network_links", "bandwidth_mbps",
                 "offsite_backup"],
    "management": ["has_it_unit", "it_reports_to", "it_budget_share", "has_written_plan"],
    "people": ["staff_permanent", "staff_contract", "staff_outsourced", "staff_certified", "staff_left", "skills",
               "certificates"],
}


@transaction.atomic
def profile_section_update(*, user, profile: ITProfile, section: str, data: dict) -> ITProfile:
    """Save one section (hardware, management, people) from cleaned form data."""
    profile = _editable_profile(user, profile)
    fields = SECTION_FIELDS[section]
    for name in fields:
        value = data[name]
        if isinstance(value, int) and not isinstance(value, bool) and value < 0:
            label = ITProfile._meta.get_field(name).verbose_name
            raise ITGovRefused(_("«%(field)s» نمی‌تواند منفی باشد.") % {"field": label}, field=name)
    if section == "people" and data["staff_certified"] > (
            data["staff_permanent"] + data["staff_contract"] + data["staff_outsourced"]):
        raise ITGovRefused(_("«کارکنان دارای گواهی‌نامه» از کل کارکنان فناوری اطلاعات بیشتر است."),
                           field="staff_certified")
    before = model_snapshot(profile, fields)
    for name in fields:
        setattr(profile, name, data[name])
    profile.save()
    audit_record(actor=user, action=f"itgov.profile_{section}", target=profile, before=before,
                 after=model_snapshot(profile, fields))
    return profile


@transaction.atomic
def software_set(*, user, profile: ITProfile, domain: Domain, version: ProductVersion | None = None,
                 other_product="", other_vendor="", other_version="", since_year=None, hosting, licence,
                 satisfaction, integrates_with=()) -> SoftwareUse:
    """Record the software one domain runs: a catalogued version, or a product outside the catalogue, which
    is stored as pending catalogue review (and counted so in every report) until the catalogue takes it."""
    profile = _editable_profile(user, profile)
    if not domain.applies(profile.administration.kind) or not Domain.objects.in_force(profile.year).filter(
            pk=domain.pk).exists():
        raise ITGovRefused(_("حوزه «%(domain)s» برای این مدیریت محلی در سال %(year)s تعریف نشده است.")
                           % {"domain": domain.name, "year": _fa(profile.year)}, field="domain")
    other_product = normalize_text(other_product or "")
    if version is None and not other_product:
        raise ITGovRefused(_("برای حوزه «%(domain)s» محصول و نسخه را از فهرست برگزینید یا نام محصول خارج از فهرست را بنویسید.")
                           % {"domain": domain.name}, field="version")
    if version is not None and other_product:
        raise ITGovRefused(_("یا محصول فهرست را برگزینید یا نام محصول خارج از فهرست را بنویسید، نه هر دو."),
                           field="other_product")
    if version is not None and not version.product.domains.filter(pk=domain.pk).exists():
        raise ITGovRefused(_("«%(product)s» در فهرست برای حوزه «%(domain)s» ثبت نشده است.")
                           % {"product": version.product.name, "domain": domain.name}, field="version")
    if since_year is not None and since_year > profile.year:
        raise ITGovRefused(_("«در کار از سال» نمی‌تواند پس از سال شناسنامه (%(year)s) باشد.") % {"year": _fa(profile.year)},
                           field="since_year")
    if not 1 <= int(satisfaction) <= 5:
        raise ITGovRefused(_("«رضایت» باید عددی از ۱ تا ۵ باشد."), field="satisfaction")
    use, created = SoftwareUse.objects.update_or_create(
        profile=profile, domain=domain,
        defaults={
            "version": version, "other_product": other_product if version is None else "",
            "other_vendor": normalize_text(other_vendor or "") if version is None else "",
            "other_version": normalize_text(other_version or "") if version is None else "",
            "pending_review": version is None, "since_year": since_year, "hosting": hosting, "licence": licence,
            "satisfaction": int(satisfaction),
        },
    )
    use.integrates_with.set([d for d in integrates_with if d.pk != domain.pk])
    audit_record(actor=user, action="itgov.software_set", target=profile,
                 after={"domain": domain.code, "product": use.product_label, "pending_review": use.pending_review})
    return use


@transaction.atomic
def software_remove(*, user, profile: ITProfile, domain: Domain):
    profile = _editable_profile(user, profile)
    deleted, _detail = SoftwareUse.objects.filter(profile=profile, domain=domain).delete()
    if deleted:
        audit_record(actor=user, action="itgov.software_remove", target=profile, after={"domain": domain.code})


@transaction.atomic
def control_answer_set(*, user, profile: ITProfile, requirement: Requirement, answer: str, note="",
                       files=()) -> ControlAnswer:
    """Answer one security control, with evidence files (PDF, JPEG or PNG by their first bytes) if any."""
    profile = _editable_profile(user, profile)
    if requirement.kind != RequirementKind.CONTROL or not Requirement.objects.in_force(profile.year).filter(
            pk=requirement.pk).exists():
        raise ITGovRefused(_("کنترل %(code)s در چارچوب امنیتی سال %(year)s نیست.")
                           % {"code": requirement.code, "year": _fa(profile.year)}, field="requirement")
    if answer not in Answer.values:
        raise ITGovRefused(_("پاسخ کنترل %(code)s را برگزینید.") % {"code": requirement.code}, field="answer")
    checked = []
    for upload in files:
        try:
            declared = upload.size
            if declared is not None and declared > settings.ATTACHMENT_MAX_BYTES:
                raise CaseError(too_large_message())
            content_type, size, sha256 = _read_checked(upload, settings.ATTACHMENT_MAX_BYTES)
        except CaseError as error:
            raise ITGovRefused(error.message, field="evidence") from None
        if size == 0:
            raise ITGovRefused(_("فایل شاهد «%(name)s» خالی است.") % {"name": _clean_original_name(upload.name, None)},
                               field="evidence")
        if content_type not in settings.ATTACHMENT_TYPES:
            raise ITGovRefused(
                _("فایل شاهد «%(name)s» پذیرفته نیست؛ فقط PDF یا تصویر (JPEG، PNG) پذیرفته می‌شود.")
                % {"name": _clean_original_name(upload.name, None)}, field="evidence")
        checked.append((upload, content_type, size, sha256))
    control, _created = ControlAnswer.objects.update_or_create(
        profile=profile, requirement=requirement, defaults={"answer": answer, "note": normalize_text(note or "")})
    stored = []
    try:
        for upload, content_type, size, sha256 in checked:
            evidence = Evidence(answer=control, original_name=_clean_original_name(upload.name, content_type),
                                content_type=content_type, size=size, sha256=sha256, uploaded_by=user)
            upload.seek(0)
            evidence.file.save(evidence.original_name, upload, save=False)
            stored.append(evidence)
            evidence.save()
    except Exception:
        for evidence in stored:
            evidence.file.delete(save=False)
        raise
    audit_record(actor=user, action="itgov.control_answer", target=profile,
                 after={"control": requirement.code, "answer": answer, "evidence": [e.sha256 for e in stored]})
    return control


def missing_for_submission(profile: ITProfile):
    """What must be answered before a profile can go to review: every security control in force."""
    controls = Requirement.objects.in_force(profile.year).filter(kind=RequirementKind.CONTROL)
    answered = set(profile.controls.values_list("requirement_id", flat=True))
    return [c for c in controls if c.pk not in answered]


@transaction.atomic
def profile_submit(*, user, profile: ITProfile) -> ITProfile:
    """Send a draft to the county (opens its case), or a returned profile back after correction."""
    profile = (ITProfile.objects.select_for_update(of=("self",)).select_related("administration", "org_unit", "case")
               .get(pk=profile.pk))
    if not scope.can_act(user, Perm.IT_PROFILE_EDIT, profile.org_unit):
        raise ITGovRefused(_("شما اجازه ارسال شناسنامه این مدیریت محلی را ندارید."))
    if not profile.editable:
        raise ITGovRefused(_("شناسنامه سال %(year)s پیش‌تر ارسال شده و در دست بررسی یا تأییدشده است.")
                           % {"year": _fa(profile.year)})
    missing = missing_for_submission(profile)
    if missing:
        raise ITGovRefused(_("پیش از ارسال به همه کنترل‌های امنیتی پاسخ دهید؛ بی‌پاسخ: %(codes)s")
                           % {"codes": "، ".join(c.code for c in missing[:8]) + ("…" if len(missing) > 8 else "")},
                           field="controls")
    if profile.case_id is None:
        title = _("شناسنامه فناوری اطلاعات %(year)s — %(name)s") % {"year": _fa(profile.year),
                                                                 "name": profile.administration.name}
        profile.case = case_open(service=SERVICE, applicant=user, org_unit=profile.org_unit,
                                 responsible_unit=profile.org_unit, title=title)
        profile.status = ProfileStatus.SUBMITTED
        profile.submitted_at = timezone.now()
        profile.save(update_fields=["case", "status", "submitted_at", "updated_at"])
        audit_record(actor=user, action="itgov.profile_submit", target=profile, after={"case": profile.case_id})
        return profile
    try:
        case_transition(case=profile.case, action="resubmit", user=user)
    except CaseError as error:
        raise ITGovRefused(error.message) from None
    profile.refresh_from_db()
    return profile


def profile_review(*, user, profile: ITProfile, action: str, text=""):
    """A reviewer's step on the profile's case (county pass, return, province approval)."""
    profile = ITProfile.objects.select_related("case").get(pk=profile.pk)
    if profile.case is None:
        raise ITGovRefused(_("این شناسنامه هنوز برای بررسی فرستاده نشده است."))
    try:
        case_transition(case=profile.case, action=action, user=user, text=text)
    except CaseError as error:
        raise ITGovRefused(error.message) from None
    profile.refresh_from_db()
    return profile


def profile_on_transition(*, case, step, user, text, data):
    """Called by the engine inside the transition: mirror the state, fix the scores on approval."""
    profile = ITProfile.objects.select_for_update().get(case=case)
    profile.status = STATUS_OF_STATE[case.state]
    fields = ["status", "updated_at"]
    if case.state == APPROVED:
        profile.approved_at = timezone.now()
        fields.append("approved_at")
        profile.save(update_fields=fields)
        scores_store([profile])
        return
    if step.action == "resubmit":
        profile.submitted_at = timezone.now()
        fields.append("submitted_at")
    profile.save(update_fields=fields)


# --- scores -------------------------------------------------------------------------------------------


def weights_for_year(year):
    return ScoreWeights.objects.filter(effective_year__lte=year).order_by("-effective_year", "-created_at", "-pk").first()


def scores_store(profiles):
    """Compute and store the scores of `profiles` (a handful of queries whatever their number)."""
    from samaneh.itgov.selectors import facts_for

    profiles = list(profiles)
    facts = facts_for(profiles)
    weights_cache = {}
    for profile in profiles:
        if profile.year not in weights_cache:
            weights_cache[profile.year] = weights_for_year(profile.year)
        weights = weights_cache[profile.year]
        dims, overall = scoring.score(facts[profile.pk], weights.as_dict() if weights else None)
        profile.weights = weights
        for name in scoring.DIMENSIONS:
            setattr(profile, f"score_{name}", dims[name].score)
        profile.score_overall = overall
    ITProfile.objects.bulk_update(
        profiles, ["weights", *[f"score_{n}" for n in scoring.DIMENSIONS], "score_overall"], batch_size=500)
    return profiles


def _weight(value, label):
    try:
        number = Decimal(str(value).strip())
    except (InvalidOperation, ValueError):
        raise ITGovRefused(_("وزن «%(dim)s» عدد نیست.") % {"dim": label}, field=label) from None
    if number < 0 or number > 1:
        raise ITGovRefused(_("وزن «%(dim)s» باید میان صفر و یک باشد.") % {"dim": label}, field=label)
    return number


@transaction.atomic
def weights_create(*, user, effective_year: int, weights: dict, note="") -> ScoreWeights:
    """New dimension weights from `effective_year` on (national IT office only); they must sum to 1.
    The approved profiles of that year and later are rescored with them."""
    if not any(unit.level == 0 for unit in scope.roots(user, Perm.IT_CATALOGUE)):
        raise ITGovRefused(_("وزن‌های مدل بلوغ را فقط دفتر ملی فناوری اطلاعات تعیین می‌کند."))
    values = {name: _weight(weights.get(name, ""), scoring.DIMENSION_LABELS[name]) for name in scoring.DIMENSIONS}
    total = sum(values.values())
    if total != 1:
        raise ITGovRefused(_("جمع وزن‌ها باید دقیقاً ۱ باشد؛ اکنون %(total)s است.") % {"total": _fa(total.normalize())},
                           field="weights")
    row = ScoreWeights.objects.create(effective_year=effective_year, note=normalize_text(note or ""),
                                      created_by=user, **values)
    audit_record(actor=user, action="itgov.weights_create", target=row,
                 after={"effective_year": effective_year, **{k: str(v) for k, v in values.items()}})
    later = ITProfile.objects.filter(status=ProfileStatus.APPROVED, year__gte=effective_year)
    scores_store(later)
    return row


# --- catalogue ----------------------------------------------------------------------------------------


def may_edit_catalogue(user):
    """National and provincial IT supervisors keep the shared definition."""
    return any(unit.level <= 1 for unit in scope.roots(user, Perm.IT_CATALOGUE))


@transaction.atomic
def version_save(*, user, version: ProductVersion, data: dict) -> ProductVersion:
    if not may_edit_catalogue(user):
        raise ITGovRefused(_("ویرایش فهرست مشترک فقط با ناظران فناوری اطلاعات ملی و استانی است."))
    fields = ["version", "released_on", "support_status", "end_of_support"]
    before = model_snapshot(version, fields) if version.pk else None
    for name in fields:
        setattr(version, name, data[name])
    if version.released_on and version.end_of_support and version.end_of_support < version.released_on:
        raise ITGovRefused(_("«پایان پشتیبانی» پیش از «تاریخ انتشار» است."), field="end_of_support")
    try:
        with transaction.atomic():
            version.save()
    except IntegrityError:
        raise ITGovRefused(_("نسخه «%(v)s» برای این محصول پیش‌تر ثبت شده است.") % {"v": version.version},
                           field="version") from None
    audit_record(actor=user, action="itgov.catalogue_version", target=version, before=before,
                 after=model_snapshot(version, fields))
    return version


@transaction.atomic
def pending_accept(*, user, use: SoftwareUse, version: ProductVersion) -> int:
    """The catalogue takes a product reported as "other": every use with the same free text (same product,
    vendor and version as typed) is linked to `version`. Returns how many uses were linked."""
    if not may_edit_catalogue(user):
        raise ITGovRefused(_("بررسی محصولات خارج از فهرست فقط با ناظران فناوری اطلاعات ملی و استانی است."))
    if not version.product.domains.filter(pk=use.domain_id).exists():
        raise ITGovRefused(_("«%(product)s» در فهرست برای حوزه «%(domain)s» ثبت نشده است.")
                           % {"product": version.product.name, "domain": use.domain.name}, field="version")
    same = SoftwareUse.objects.filter(pending_review=True, domain_id=use.domain_id, other_product=use.other_product,
                                      other_vendor=use.other_vendor, other_version=use.other_version)
    count = same.update(version=version, pending_review=False, other_product="", other_vendor="", other_version="")
    audit_record(actor=user, action="itgov.pending_accept", target=version, after={"linked": count})
    return count
