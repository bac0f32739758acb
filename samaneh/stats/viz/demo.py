"""A demo dashboard for the demo statistics officer (`demo-stats`), built on the demo statistics.

`create_demo_dashboard()` is idempotent: the visualisations and the dashboard are found by name and
owner, and only what is missing is created. The queries use relative periods and `USER_ORGUNIT`, so
every viewer of the shared dashboard sees their own area's recent figures.
"""
from django.contrib.auth import get_user_model
from django.db import transaction

from samaneh.stats.demo import UID, create_demo_stats
from samaneh.stats.viz import services
from samaneh.stats.viz.models import Dashboard, DashboardItem, Kind, SavedVisualization
from samaneh.stats.viz.query import VizQuery

DEMO_USERNAME = "demo-stats"
DASHBOARD_NAME = "عملکرد شهرداری‌ها"
INDICATOR_COMPLAINTS_ANSWERED = "TJY7Re5Pveo"

VISUALIZATIONS = [
    ("درآمد عوارض شهرداری‌ها در چهار فصل گذشته", Kind.COLUMN, 12,
     VizQuery(dx=[UID["REV_FEES"]], pe=["LAST_4_QUARTERS"], ou=["USER_ORGUNIT_CHILDREN"],
              rows=["pe"], columns=["ou"], filters=["dx"])),
    ("شکایات دریافتی و پاسخ‌داده‌شده در دوازده ماه گذشته", Kind.LINE, 6,
     VizQuery(dx=[UID["CMP_RECEIVED"], UID["CMP_ANSWERED"]], pe=["LAST_12_MONTHS"], ou=["USER_ORGUNIT"],
              rows=["pe"], columns=["dx"], filters=["ou"])),
    ("درصد شکایات پاسخ‌داده‌شده به تفکیک واحد", Kind.PIVOT, 6,
     VizQuery(dx=[INDICATOR_COMPLAINTS_ANSWERED], pe=["LAST_4_QUARTERS"], ou=["USER_ORGUNIT", "USER_ORGUNIT_CHILDREN"],
              rows=["ou"], columns=["pe"], filters=["dx"])),
    ("پسماند جمع‌آوری‌شده در استان‌ها (دوازده ماه گذشته)", Kind.MAP, 6,
     VizQuery(dx=[UID["WASTE_TONNES"]], pe=["LAST_12_MONTHS"], ou=["LEVEL-2"], rows=["ou"], columns=[],
              filters=["dx", "pe"])),
    ("سهم پروانه‌های ساختمانی", Kind.PIE, 6,
     VizQuery(dx=[UID["BUILD_PERMITS"]], pe=["LAST_12_MONTHS"], ou=["USER_ORGUNIT_CHILDREN"],
              rows=["ou"], columns=[], filters=["dx", "pe"])),
]


@transaction.atomic
def create_demo_dashboard():
    """The demo officer's shared dashboard of five items; returns it (None without the demo officer)."""
    user = get_user_model().objects.filter(username=DEMO_USERNAME).first()
    if user is None:
        return None
    create_demo_stats()
    dashboard = Dashboard.objects.filter(owner=user, name=DASHBOARD_NAME).first()
    if dashboard is None:
        dashboard = services.dashboard_create(user, name=DASHBOARD_NAME, shared=True)
    for name, kind, width, query in VISUALIZATIONS:
        visualization = SavedVisualization.objects.filter(owner=user, name=name).first()
        if visualization is None:
            visualization = services.visualization_save(user, name=name, kind=kind, query=query)
        if not DashboardItem.objects.filter(dashboard=dashboard, visualization=visualization).exists():
            services.dashboard_item_add(user, dashboard=dashboard, visualization=visualization, width=width)
    return dashboard
