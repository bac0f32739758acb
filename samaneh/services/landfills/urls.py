from django.urls import path

from samaneh.services.landfills import excel_views, views

app_name = "landfills"
urlpatterns = [
    path("", views.registry, name="registry"),
    path("map/", views.site_map, name="map"),
    path("map/sites.geojson", views.sites_geojson, name="sites-geojson"),
    path("new/", views.create, name="create"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/edit/", views.edit, name="edit"),
    path("<int:pk>/submit/", views.submit, name="submit"),
    path("<int:pk>/review/", views.review, name="review"),
    path("<int:pk>/documents/", views.document_add, name="document-add"),
    path("documents/<int:pk>/", views.document, name="document"),
    path("export.xlsx", excel_views.sites_export, name="export"),
    path("import/", excel_views.sites_import, name="import"),
    path("import/template.xlsx", excel_views.sites_template, name="import-template"),
    path("places/", excel_views.places, name="places"),
    path("places/export.xlsx", excel_views.places_export, name="places-export"),
    path("places/template.xlsx", excel_views.places_template, name="places-template"),
]
