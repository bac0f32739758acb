"""Writes: saving a visualisation, composing a dashboard. Each is audited."""
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils.translation import gettext as _

from samaneh.core.audit import audit_record
from samaneh.core.text import normalize_text
from samaneh.stats.viz.models import Dashboard, DashboardItem, Kind, SavedVisualization
from samaneh.stats.viz.query import QueryError, VizQuery


def _clean_name(name):
    name = normalize_text(name or "")
    if not name:
        raise ValidationError({"name": _("نام را بنویسید.")})
    if len(name) > 200:
        raise ValidationError({"name": _("نام حداکثر ۲۰۰ نویسه است.")})
    return name


@transaction.atomic
def visualization_save(user, *, name, kind, query: VizQuery, visualization=None):
    """Create (or, for its owner, update) a saved pivot/chart/map; the query is checked first."""
    name = _clean_name(name)
    if kind not in Kind.values:
        raise ValidationError({"kind": _("نوع نما «%(kind)s» شناخته نیست.") % {"kind": kind}})
    try:
        query.validate()
    except QueryError as error:
        raise ValidationError({"query": error.messages}) from None
    if visualization is not None and visualization.owner_id != user.pk:
        raise PermissionDenied
    if visualization is None:
        visualization = SavedVisualization.objects.create(owner=user, name=name, kind=kind, query=query.as_json())
        action = "stats.visualization.create"
    else:
        visualization.name, visualization.kind, visualization.query = name, kind, query.as_json()
        visualization.save()
        action = "stats.visualization.update"
    audit_record(actor=user, action=action, target=visualization, after={"kind": kind, "query": query.as_json()})
    return visualization


@transaction.atomic
def visualization_delete(user, *, visualization):
    if visualization.owner_id != user.pk:
        raise PermissionDenied
    audit_record(actor=user, action="stats.visualization.delete", target=visualization)
    visualization.delete()


@transaction.atomic
def dashboard_create(user, *, name, shared=False):
    dashboard = Dashboard.objects.create(owner=user, name=_clean_name(name), shared=bool(shared))
    audit_record(actor=user, action="stats.dashboard.create", target=dashboard, after={"shared": dashboard.shared})
    return dashboard


@transaction.atomic
def dashboard_item_add(user, *, dashboard, visualization, width=DashboardItem.Width.HALF):
    """Put one of the owner's saved visualisations on the owner's dashboard, last."""
    if dashboard.owner_id != user.pk or visualization.owner_id != user.pk:
        raise PermissionDenied
    if width not in DashboardItem.Width.values:
        raise ValidationError({"width": _("عرض باید یک‌سوم، نیمه یا تمام عرض باشد.")})
    last = dashboard.items.aggregate(last=Max("order"))["last"]
    item = DashboardItem.objects.create(dashboard=dashboard, visualization=visualization, width=width,
                                        order=0 if last is None else last + 1)
    audit_record(actor=user, action="stats.dashboard.item_add", target=dashboard,
                 after={"visualization": visualization.pk, "width": width})
    return item


@transaction.atomic
def dashboard_item_move(user, *, item, step):
    """Swap the item with its neighbour before (step -1) or after (step +1)."""
    dashboard = item.dashboard
    if dashboard.owner_id != user.pk:
        raise PermissionDenied
    items = list(dashboard.items.order_by("order", "pk"))
    index = items.index(item)
    other = index + step
    if 0 <= other < len(items):
        items[index], items[other] = items[other], items[index]
        for position, each in enumerate(items):
            if each.order != position:
                each.order = position
                each.save(update_fields=["order"])
        audit_record(actor=user, action="stats.dashboard.item_move", target=dashboard,
                     after={"item": item.pk, "position": other})


@transaction.atomic
def dashboard_item_remove(user, *, item):
    if item.dashboard.owner_id != user.pk:
        raise PermissionDenied
    audit_record(actor=user, action="stats.dashboard.item_remove", target=item.dashboard,
                 before={"visualization": item.visualization_id})
    item.delete()
