from django.urls import path

from samaneh.itgov import views

app_name = "itgov"
urlpatterns = [
    path("", views.home, name="home"),
    path("profiles/new/", views.profile_new, name="profile-new"),
    path("profiles/<int:pk>/", views.profile_detail, name="profile"),
    path("profiles/<int:pk>/section/<slug:section>/", views.profile_section, name="profile-section"),
    path("profiles/<int:pk>/software/<int:domain_pk>/", views.profile_software, name="profile-software"),
    path("profiles/<int:pk>/controls/<int:requirement_pk>/", views.profile_control, name="profile-control"),
    path("profiles/<int:pk>/submit/", views.profile_submit, name="profile-submit"),
    path("profiles/<int:pk>/review/<slug:action>/", views.profile_review, name="profile-review"),
    path("profiles/<int:pk>/score/", views.profile_score, name="profile-score"),
    path("evidence/<int:pk>/", views.evidence_download, name="evidence"),
    path("model/", views.model_page, name="model"),
    path("model/weights/", views.weights_page, name="weights"),
    path("catalogue/", views.catalogue, name="catalogue"),
    path("catalogue/products/<int:product_pk>/versions/new/", views.version_edit, name="version-new"),
    path("catalogue/products/<int:product_pk>/versions/<int:pk>/", views.version_edit, name="version-edit"),
    path("catalogue/pending/", views.pending, name="pending"),
    path("reports/heterogeneity/", views.heterogeneity, name="heterogeneity"),
    path("reports/supervisory/", views.supervisory, name="supervisory"),
]
