"""What every ``asylon`` command that works on the web application's database needs: Django
set up only when the command runs (so ``asylon --help`` and the pure commands stay fast), and
the user a command acts as."""

from __future__ import annotations

import os
import sys
from typing import Any

import click

EXIT_INVALID = 2


def setup_django() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "asylon.web.settings")
    import django

    django.setup()


def user_named(username: str | None) -> Any:
    """The user of that name (None for none); exits 2 naming the name when there is none."""
    if username is None:
        return None
    from asylon.web.accounts.models import User

    try:
        return User.objects.get(username=username)
    except User.DoesNotExist:
        click.echo(f"error: no user {username!r}", err=True)
        sys.exit(EXIT_INVALID)
