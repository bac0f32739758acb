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
    path("api/", include("samaneh.geo.api_urls")),
    path("api/schema/", SpectacularAPIView.as_view(), name="schema"),
    path("api/docs/", SpectacularSwaggerView.as_view(url_name="schema"), name="swagger-ui"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
]
