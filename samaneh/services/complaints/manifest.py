"""The complaints service, declared once for the engine, menus and demo (Decidim-style manifest)."""
from django.utils.translation import gettext_lazy as _

from samaneh.cases.registry import ServiceManifest
from samaneh.services.complaints.workflow import WORKFLOW


def _on_transition(**kwargs):
    from samaneh.services.complaints.transitions import on_transition

    return on_transition(**kwargs)


def _category_of(case):
    complaint = getattr(case, "complaint", None)
    return str(complaint.category) if complaint else ""


MANIFEST = ServiceManifest(
    slug="complaints",
    name=_("شکایات و درخواست‌های مردمی"),
    workflow=WORKFLOW,
    on_transition=_on_transition,
    detail_template="complaints/_staff_detail.html",
    category_of=_category_of,
)
