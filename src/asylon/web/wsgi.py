"""WSGI entry point (served by gunicorn through ``asylon serve``)."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "asylon.web.settings")
application = get_wsgi_application()
