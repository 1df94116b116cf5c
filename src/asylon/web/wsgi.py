"""WSGI entry point (served by gunicorn through ``asylon serve``).

Everything a request would otherwise import on first use — the URL configuration and the
modules it pulls in (the register's FollowTheMoney model loads dozens of schema files) — is
loaded here, once, before gunicorn forks its workers: a worker's first request must not
spend seconds importing, or under load it outlives gunicorn's timeout and is killed.
"""

import os

from django.core.wsgi import get_wsgi_application
from django.urls import get_resolver

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "asylon.web.settings")
application = get_wsgi_application()
get_resolver().url_patterns  # noqa: B018  (imports every view module now)
