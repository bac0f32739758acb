"""Every read of the complaints service: the citizen's own cases, what the citizen may see of one, the
category tree for the filing form, and duplicate suggestions for the expert (narrowed to the expert's scope).
"""
import datetime as dt

from django.conf import settings
from django.shortcuts import get_object_or_404

from samaneh.accounts.roles import Perm
from samaneh.cases import registry
from samaneh.cases.models import Attachment, Case, CaseEvent, Comment, Notification
from samaneh.cases.services import available_steps
from samaneh.cases.workflow import APPLICANT
from samaneh.core.text import persian_sort_key
from samaneh.geo import scope
from samaneh.geo.distance import box, distance_m
from samaneh.geo.models import OrgUnit
from samaneh.services.complaints.models import Category, Complaint

SERVICE = "complaints"


def category_groups():
    """The categories citizens may pick — active leaves under active groups — as a list of
    (top-level group or None, [leaf, …]) in admin order. Each leaf gets `label`: its path below the group."""
    categories = list(Category.objects.all())
    by_id = {c.pk: c for c in categories}
    parent_ids = {c.parent_id for c in categories if c.parent_id}
    groups = {}
    for leaf in categories:
        if leaf.pk in parent_ids:
            continue
        chain = [leaf]
        while chain[-1].parent_id:
            chain.append(by_id[chain[-1].parent_id])
        if not all(node.is_active for node in chain):
            continue
        chain.reverse()
        top = chain[0] if len(chain) > 1 else None
        leaf.label = " › ".join(node.name for node in (chain[1:] if top else chain))
        groups.setdefault(top.pk if top else None, (top, []))[1].append(leaf)
    ordered = sorted(groups.values(), key=lambda g: (g[0] is None, *_order(g[0])))
    return [(top, sorted(leaves, key=_order)) for top, leaves in ordered]


def located_points(*, category_codes, since, within=None):
    """[(latitude, longitude)] of every complaint filed since `since` with a point, in the categories with
    these service codes or below them, leaving out duplicates merged into another — for other services
    that count complaints around a place (the landfill bank). No content, no one's identity: only points.
    `within` = (lat_min, lat_max, lon_min, lon_max) narrows it in the database."""
    ids = set(Category.objects.filter(service_code__in=category_codes).values_list("pk", flat=True))
    frontier = ids
    while frontier:
        frontier = set(Category.objects.filter(parent_id__in=frontier).values_list("pk", flat=True)) - ids
        ids |= frontier
    found = Complaint.objects.filter(category_id__in=ids, case__created_at__gte=since, merged_into__isnull=True,
                                     latitude__isnull=False, longitude__isnull=False)
    if within is not None:
        lat_min, lat_max, lon_min, lon_max = within
        found = found.filter(latitude__range=(lat_min, lat_max), longitude__range=(lon_min, lon_max))
    return [(float(lat), float(lon)) for lat, lon in found.values_list("latitude", "longitude")]


def _order(category):
    return (category.order, persian_sort_key(category.name)) if category is not None else (0, [])


def citizen_cases(*, user):
    """The citizen's own complaints and requests, newest first, each with `state_label` (public wording)."""
    cases = list(
        Case.objects.filter(applicant=user, service=SERVICE)
        .select_related("complaint__category", "org_unit")
        .order_by("-created_at", "-pk")
    )
    workflow = registry.get(SERVICE).workflow
    for case in cases:
        case.state_label = workflow.state(case.state).public_label
    return cases


def citizen_case(*, user, pk):
    """One of the citizen's own cases; anyone else's (or none) is a 404, never a 403."""
    return get_object_or_404(
        Case.objects.select_related("complaint__category__parent", "complaint__merged_into__case", "org_unit"),
        pk=pk, applicant=user, service=SERVICE,
    )


def citizen_case_page(*, user, case):
    """What the applicant reads on their case page: public history (state wording for the public),
    public comments, public attachments, notifications about the case, and the steps open to them now."""
    workflow = registry.get(SERVICE).workflow
    comments = list(Comment.objects.filter(case=case, visibility=Comment.Visibility.PUBLIC).select_related("author"))
    bodies = {c.body for c in comments}
    events = list(CaseEvent.objects.filter(case=case, public=True).select_related("to_unit"))
    for event in events:
        event.state_label = workflow.state(event.to_state).public_label if event.to_state else ""
        # The answer already shows as a comment; the history line need not repeat it.
        event.shown_note = "" if event.note in bodies else event.note
    for comment in comments:
        comment.by_applicant = comment.author_id == case.applicant_id
    return {
        "state_label": workflow.state(case.state).public_label,
        "events": events,
        "comments": comments,
        "attachments": list(Attachment.objects.filter(case=case, public=True)),
        "notifications": list(Notification.objects.filter(user=user, case=case).order_by("created_at", "pk")),
        "steps": [s for s in available_steps(user, case) if APPLICANT in s.actors],
    }


def duplicates_for(complaint, *, user=None):
    """Open complaints that may report the same thing: same category, filed within
    COMPLAINTS_DUPLICATE_DAYS of this one, and either within COMPLAINTS_DUPLICATE_METERS of its point or,
    where one of the two has no point, in the same org unit. Nearest first; each has `distance` (metres or
    None). With `user`, only those whose case the user may see."""
    case = complaint.case
    window = dt.timedelta(days=settings.COMPLAINTS_DUPLICATE_DAYS)
    candidates = (
        Complaint.objects.filter(category_id=complaint.category_id, case__is_closed=False,
                                 case__created_at__range=(case.created_at - window, case.created_at + window))
        .exclude(pk=complaint.pk)
        .select_related("case__org_unit", "case__responsible_unit")
    )
    if user is not None:
        candidates = scope.narrow(candidates, user, Perm.CASE_VIEW, unit_field="case__responsible_unit")
    same_unit = candidates.filter(case__org_unit_id=case.org_unit_id)
    if complaint.latitude is None:
        found = [(None, c) for c in same_unit]
    else:
        meters = settings.COMPLAINTS_DUPLICATE_METERS
        lat, lng = float(complaint.latitude), float(complaint.longitude)
        lat_min, lat_max, lng_min, lng_max = box(lat, lng, meters)
        near = candidates.filter(latitude__range=(lat_min, lat_max), longitude__range=(lng_min, lng_max))
        found = []
        for other in near:
            distance = distance_m(lat, lng, float(other.latitude), float(other.longitude))
            if distance <= meters:
                found.append((distance, other))
        found += [(None, c) for c in same_unit.filter(latitude__isnull=True)]
    found.sort(key=lambda pair: (pair[0] is None, pair[0] or 0, -pair[1].case.created_at.timestamp()))
    for distance, other in found:
        other.distance = round(distance) if distance is not None else None
    return [other for _distance, other in found]


def unit_label(unit):
    """A place as a person recognises it: «روستا کلاک بالا — دهستان کمال‌آباد، بخش …، استان البرز»."""
    above = [u for u in unit.ancestors() if u.kind != OrgUnit.Kind.COUNTRY and u.pk != unit.pk]
    label = f"{unit.get_kind_display()} {unit.name}"
    if above:
        label += " — " + "، ".join(f"{u.get_kind_display()} {u.name}" for u in reversed(above))
    return label
