"""/api/: the JSON API (django-ninja); docs at /api/docs, schema at /api/openapi.json."""

from django.urls import path

from asylon.web.api.api import api

urlpatterns = [path("", api.urls)]
