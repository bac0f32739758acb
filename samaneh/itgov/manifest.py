"""The IT profile review, declared once for the case engine (queues, history, comments, deadlines)."""
from django.utils.translation import gettext_lazy as _

from samaneh.cases.registry import ServiceManifest
from samaneh.itgov.workflow import WORKFLOW

SERVICE = "itgov_profile"


def _on_transition(**kwargs):
    from samaneh.itgov.services import profile_on_transition

    return profile_on_transition(**kwargs)


def _category_of(case):
    profile = getattr(case, "it_profile", None)
    return str(profile.administration.get_kind_display()) if profile else ""


MANIFEST = ServiceManifest(
    slug=SERVICE,
    name=_("شناسنامه فناوری اطلاعات"),
    workflow=WORKFLOW,
    on_transition=_on_transition,
    detail_template="itgov/_case_detail.html",
    category_of=_category_of,
)
