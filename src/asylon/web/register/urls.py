"""The register's pages, mounted under /<lang>/register/. Records are named by their database
id in URLs (a person's record id is a slug of the name: never in a URL, a log or the audit)."""

from django.urls import path

from asylon.web.register import evidence_views, views

app_name = "register"
urlpatterns = [
    path("", views.persons, name="persons"),
    path("persons/<int:pk>/", views.person, name="person"),
    path("persons/<int:pk>/dossier/", views.dossier, name="dossier"),
    path("persons/<int:pk>/dossier.pdf", views.dossier_pdf, name="dossier_pdf"),
    path("units/", views.units, name="units"),
    path("units/<int:pk>/", views.unit, name="unit"),
    path("incidents/", views.incidents, name="incidents"),
    path("incidents/<int:pk>/", views.incident, name="incident"),
    path("evidence/new/", evidence_views.add_evidence, name="add_evidence"),
    path("evidence/<int:pk>/", views.evidence_item, name="evidence"),
    path("evidence/<int:pk>/transfer/", evidence_views.transfer_evidence, name="transfer_evidence"),
    path("evidence/<int:pk>/download/", views.evidence_download, name="evidence_download"),
    path("review/", views.review_queue, name="queue"),
    path("records/<str:record_type>/<int:pk>/", views.record_history, name="record"),
    path(
        "records/<str:record_type>/<int:pk>/transition/",
        views.record_transition,
        name="transition",
    ),
]
