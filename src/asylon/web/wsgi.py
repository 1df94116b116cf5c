"""WSGI entry point (served by gunicorn through ``asylon serve``).

Everything a request would otherwise import on first use — the URL configuration and the
modules it pulls in (the register's FollowTheMoney model loads dozens of schema files) — is
loaded here, once, before gunicorn forks its workers: a worker's first request must not
spend seconds importing, or under load it outlives gunicorn's timeout and is killed. So are
the law's jurisdiction profiles: each worker loaded each of them on its first assessment
under it (60 ms each, 29 of them), which made the slow tail of the assess endpoint.
"""

import os

from django.core.wsgi import get_wsgi_application
from django.urls import get_resolver

from asylon.law.parameters import load_every_profile

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "asylon.web.settings")
application = get_wsgi_application()
get_resolver().url_patterns  # noqa: B018  (imports every view module now)
load_every_profile()
