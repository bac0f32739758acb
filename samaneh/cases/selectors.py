"""Every read of the case engine's staff side, already narrowed to the reader's scope.

A case belongs to whoever holds CASE_VIEW on its *responsible* unit (where it is being handled now), not
on the place it concerns: a municipal case escalated to the county leaves the municipality's queue.
"""
import datetime as dt

from django.apps import apps
from django.db.models import F, Q
from django.utils import timezone

from samaneh.accounts.roles import Perm
from samaneh.cases import registry
from samaneh.cases.models import Case, CaseEvent, Comment, Notification
from samaneh.core.text import normalize_text, persian_sort_key
from samaneh.core.tracking import normalize_tracking_code
from samaneh.geo import scope

# The complaints service's detail row holds the category the queue filters on and shows. A later service
# with categories of its own adds its path here (the manifest does not declare one yet).
CATEGORY_PATH = "complaint__category"

# Each descending order is the exact reverse of its ascending one (NULLs included), so one index read
# backwards serves both on PostgreSQL. Closed cases have no deadline: last when nearest-first.
SORTS = {
    "created": (F("created_at").asc(), F("pk").asc()),
    "-created": (F("created_at").desc(), F("pk").desc()),
    "deadline": (F("deadline").asc(nulls_last=True), F("pk").asc()),
    "-deadline": (F("deadline").desc(nulls_first=True), F("pk").desc()),
    "-priority": (F("priority").desc(), F("deadline").asc(nulls_last=True), F("pk").asc()),
    "priority": (F("priority").asc(), F("deadline").desc(nulls_first=True), F("pk").desc()),
}
DEFAULT_SORT = "deadline"


def _detail_relations():
    """The reverse one-to-one accessors of Case: each service's own row (`complaint`, …)."""
    return [rel.get_accessor_name() for rel in Case._meta.related_objects if rel.one_to_one]


def category_with_descendants(category):
    """Ids of `category` and every category under it (the tree is a few levels deep)."""
    Category = apps.get_model("complaints", "Category")
    ids, frontier = {category.pk}, [category.pk]
    while frontier:
        frontier = list(Category.objects.filter(parent_id__in=frontier).exclude(pk__in=ids).values_list("pk", flat=True))
        ids.update(frontier)
    return ids


def _tracking_code_prefix(digits):
    """Codes starting with `digits`, as a range on the unique index.

    A LIKE 'prefix%' uses a btree index only under the C collation; a range works under any collation
    because codes are ASCII digits only, which every collation orders digit by digit.
    """
    q = Q(tracking_code__gte=digits)
    if digits.strip("9"):
        following = str(int(digits) + 1).zfill(len(digits))  # "1299" -> "1300"
        q &= Q(tracking_code__lt=following)
    return q


def _day_start(day):
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


def cases_in_scope(*, user):
    return scope.narrow(Case.objects.all(), user, Perm.CASE_VIEW, unit_field="responsible_unit")


def case_queue(*, user, filters):
    """The cases `user` may handle, filtered and sorted as asked.

    `filters` is a cleaned filter form: service, state, status (open|closed|all), overdue, unit (its subtree),
    category (with its children), assigned (me|none), date_from/date_to (created, local days, inclusive),
    q (tracking code or words of the title), sort (a key of SORTS).
    """
    cases = cases_in_scope(user=user).select_related(
        "responsible_unit", "assigned_to", f"{CATEGORY_PATH}__parent"
    )
    if filters.get("service"):
        cases = cases.filter(service=filters["service"])
    if filters.get("state"):
        cases = cases.filter(state=filters["state"])
    status = filters.get("status") or "open"
    if status == "open":
        cases = cases.filter(is_closed=False)
    elif status == "closed":
        cases = cases.filter(is_closed=True)
    if filters.get("overdue"):
        cases = cases.filter(is_closed=False, sla_paused_at__isnull=True, deadline__lt=timezone.now())
    if filters.get("unit"):
        cases = cases.filter(responsible_unit__path__startswith=filters["unit"].path)
    if filters.get("category"):
        cases = cases.filter(**{f"{CATEGORY_PATH}_id__in": category_with_descendants(filters["category"])})
    if filters.get("assigned") == "me":
        cases = cases.filter(assigned_to=user)
    elif filters.get("assigned") == "none":
        cases = cases.filter(assigned_to__isnull=True)
    if filters.get("date_from"):
        cases = cases.filter(created_at__gte=_day_start(filters["date_from"]))
    if filters.get("date_to"):
        cases = cases.filter(created_at__lt=_day_start(filters["date_to"] + dt.timedelta(days=1)))
    query = normalize_text(filters.get("q") or "")
    if query:
        code = normalize_tracking_code(query)
        cases = cases.filter(_tracking_code_prefix(code) if code.isdigit() else Q(title__icontains=query))
    return cases.order_by(*SORTS.get(filters.get("sort") or DEFAULT_SORT, SORTS[DEFAULT_SORT]))


def describe_cases(cases):
    """Give each case the labels a person reads: `service_name`, `state_label`, `category_label`."""
    for case in cases:
        try:
            manifest = registry.get(case.service)
        except LookupError:  # a service since removed: its cases still list, with raw codes
            case.service_name, case.state_label, case.category_label = case.service, case.state, ""
            continue
        case.service_name = manifest.name
        case.state_label = state_label(manifest, case.state)
        case.category_label = category_label(case, manifest)
    return cases


def category_label(case, manifest=None):
    try:
        manifest = manifest or registry.get(case.service)
    except LookupError:
        return ""
    return manifest.category_of(case) if manifest.category_of else ""


def state_label(manifest, code):
    try:
        return manifest.workflow.state(code).label
    except KeyError:
        return code


def case_for_staff(*, user, pk):
    """One case the user may handle, with what its page shows; 404 outside scope."""
    queryset = Case.objects.select_related(
        "responsible_unit", "org_unit", "applicant", "assigned_to", *_detail_relations()
    )
    return scope.get_or_404(queryset, user, Perm.CASE_VIEW, unit_field="responsible_unit", pk=pk)


def case_detail_rows(case):
    """The service's own row(s) of this case, by accessor name (`{"complaint": <Complaint>}`)."""
    rows = {}
    for name in _detail_relations():
        row = getattr(case, name, None)
        if row is not None:
            rows[name] = row
    return rows


def case_history(case):
    """Every event, internal ones too (staff only), with state labels."""
    manifest = registry.get(case.service)
    events = list(CaseEvent.objects.filter(case=case).select_related("actor", "from_unit", "to_unit"))
    for event in events:
        event.from_label = state_label(manifest, event.from_state) if event.from_state else ""
        event.to_label = state_label(manifest, event.to_state) if event.to_state else ""
    return events


def case_comments(case, *, include_internal):
    comments = Comment.objects.filter(case=case).select_related("author").prefetch_related("attachments")
    if not include_internal:
        comments = comments.filter(visibility=Comment.Visibility.PUBLIC)
    return comments


def case_colleagues(*, units):
    """Active users whose CASE_VIEW role reaches at least one of `units` (a role held on the unit or on a unit
    above it): whom cases there can be assigned to. The engine's `case_assign` still checks every case."""
    if not units:
        return []
    colleagues = scope.holders(Perm.CASE_VIEW, units)
    return sorted(colleagues, key=lambda user: (persian_sort_key(str(user)), user.pk))


def notifications_for(*, user):
    return Notification.objects.filter(user=user).select_related("case__responsible_unit")


def unread_notification_count(*, user):
    if not user.is_authenticated:
        return 0
    return Notification.objects.filter(user=user, read_at__isnull=True).count()
