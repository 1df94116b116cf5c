from django.urls import path

from asylon.web.cases import edit_views, section_views, views

app_name = "cases"
urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("cases/import/", views.import_view, name="import"),
    path("cases/new/", edit_views.new_case, name="new"),
    path("cases/<int:pk>/", views.case_detail, name="detail"),
    path("cases/<int:pk>/client/", edit_views.edit_client, name="client"),
    path("cases/<int:pk>/client/family/", edit_views.add_family_link, name="family"),
    path("cases/<int:pk>/settings/", edit_views.case_settings, name="settings"),
    path("cases/<int:pk>/findings/", edit_views.edit_findings, name="findings"),
    path(
        "cases/<int:pk>/<str:page>/edit/",
        section_views.edit_section,
        name="section",
    ),
    path("cases/<int:pk>/assess/", views.assess_view, name="assess"),
    path(
        "cases/<int:pk>/assessments/<int:assessment_id>/",
        views.assessment_detail,
        name="assessment",
    ),
    path("cases/<int:pk>/compare/", views.compare_view, name="compare"),
    path("cases/<int:pk>/case-file.json", views.export_case_file, name="export"),
]
