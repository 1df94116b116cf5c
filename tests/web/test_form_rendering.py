"""Forms render through Django's Jinja2 form templates (settings.FORM_RENDERER), which are
faster than its own engine's; they must give the same HTML, whitespace aside, for every form
of the application, so that no label, value, error or attribute is lost on the way."""

from __future__ import annotations

import importlib
import inspect
import pkgutil
import re

import pytest
from django import forms
from django.conf import settings
from django.forms.renderers import DjangoTemplates, get_default_renderer

import asylon.web


def _forms() -> list[type[forms.BaseForm]]:
    found = []
    for info in pkgutil.walk_packages(asylon.web.__path__, "asylon.web."):
        if any(part in info.name for part in ("migrations", "settings", "wsgi", "management")):
            continue
        module = importlib.import_module(info.name)
        for obj in vars(module).values():
            if (
                inspect.isclass(obj)
                and issubclass(obj, forms.BaseForm)
                and obj.__module__ == module.__name__
            ):
                found.append(obj)
    return found


def _same(html: str) -> str:
    return re.sub(r"\s+", " ", html).replace("> <", "><").strip()


def test_the_configured_renderer_is_jinja2() -> None:
    assert settings.FORM_RENDERER == "django.forms.renderers.Jinja2"
    assert type(get_default_renderer()).__name__ == "Jinja2"


@pytest.mark.django_db
def test_every_form_renders_as_django_templates_would() -> None:
    compared = 0
    for cls in _forms():
        for data in (None, {"unknown": "1"}):  # unbound, and bound with errors
            try:
                ours = cls(data=data)
                django_own = cls(data=data, renderer=DjangoTemplates())
            except TypeError:
                break  # a form built for a given case or user: covered by its page's tests
            if data is not None:
                ours.is_valid()
                django_own.is_valid()
            assert _same(str(ours)) == _same(str(django_own)), cls.__qualname__
            assert _same(ours.as_p()) == _same(django_own.as_p()), cls.__qualname__
        else:
            compared += 1
    assert compared >= 20  # the application's plain forms (27 when this was written)
