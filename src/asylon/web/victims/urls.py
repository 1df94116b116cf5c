"""The victim-list pages, mounted under /<lang>/victims/. Persons are named by their database
id in URLs (never a name or a source id)."""

from django.urls import path

from asylon.web.victims import views

app_name = "victims"
urlpatterns = [
    path("", views.persons, name="persons"),
    path("link/", views.link_view, name="link"),
    path("sources/", views.sources, name="sources"),
    path("sources/import/", views.import_view, name="import"),
    path("persons/<int:pk>/", views.person, name="person"),
    path("persons/<int:pk>/split/", views.split_view, name="split"),
    path("persons/<int:pk>/merge/", views.merge_view, name="merge"),
    path("counts/", views.counts, name="counts"),
    path("counts/overlap.csv", views.overlap_csv, name="overlap_csv"),
]
