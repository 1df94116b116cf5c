"""Mounted under /<lang>/cases/<pk>/documents/ (the ``pk`` of the case comes from there)."""

from django.urls import path

from asylon.web.documents import generate, views

app_name = "documents"
urlpatterns = [
    path("", views.case_documents, name="list"),
    path("upload/", views.upload, name="upload"),
    path("generate/", generate.generate, name="generate"),
    path("<int:doc_id>/download/", views.download, name="download"),
    path("notes/", views.add_note, name="add_note"),
    path("notes/<int:note_id>/delete/", views.delete_note, name="delete_note"),
]
