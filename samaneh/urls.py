from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView
from django.utils.translation import gettext_lazy as _

admin.site.site_header = _("مدیریت سامانه")
admin.site.site_title = _("مدیریت سامانه")
admin.site.index_title = _("مدیریت سامانه")

urlpatterns = [
    # The public tracking lookup first: it is the hottest public path, and URL resolution is linear.
    path("track/", include("samaneh.cases.public_urls")),
    path("", include("samaneh.web.urls")),
    path("units/", include("samaneh.geo.urls")),
    path("dehyaris/", include("samaneh.geo.dehyari_urls")),
    path("accounts/", include("samaneh.accounts.urls")),
    path("cases/", include("samaneh.cases.urls")),
    path("attachments/", include("samaneh.cases.attachment_urls")),
    path("complaints/", include("samaneh.services.complaints.urls")),
    path("supervision/complaints/", include("samaneh.services.complaints.dashboard_urls")),
    path("open311/v2/", include("samaneh.services.complaints.open311.urls")),
    # The DHIS2-compatible Web API: DHIS2 clients use base URL http://host/dhis2.
    path("dhis2/api/", include("samaneh.stats.analytics.urls")),
    path("dhis2/api/", include("samaneh.stats.api.urls")),
    path("stats/import/", include("samaneh.stats.io.urls")),
    path("stats/data/", include("samaneh.stats.entry.urls")),
    path("stats/", include("samaneh.stats.viz.urls")),
    path("itgov/", include("samaneh.itgov.urls")),
    path("landfills/planning/", include("samaneh.services.landfills.planning.urls")),
    path("landfills/priorities/", include("samaneh.services.landfills.priorities.urls")),
    path("landfills/", include("samaneh.services.landfills.urls")),
    path("api/", include("samaneh.geo.api_urls")),
    path("api/schema/", SpectacularAPIView.as_view(), name="schema"),
    path("api/docs/", SpectacularSwaggerView.as_view(url_name="schema"), name="swagger-ui"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
]
