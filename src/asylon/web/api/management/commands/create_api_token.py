"""``asylon manage create_api_token USERNAME [--name N]``: print a new API token once."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError, CommandParser

from asylon.web.api.models import ApiToken


class Command(BaseCommand):
    help = "Create an API token for USERNAME and print it (it is not shown again)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username")
        parser.add_argument("--name", default="", help="a label for the token")

    def handle(self, *args: Any, **options: Any) -> None:
        User = get_user_model()
        try:
            user = User.objects.get(username=options["username"])
        except User.DoesNotExist:
            raise CommandError(f"no user {options['username']!r}") from None
        if not user.is_active:
            raise CommandError(f"user {options['username']!r} is inactive")
        row, token = ApiToken.issue(user, options["name"])
        self.stdout.write(token)
        self.stderr.write(
            f"token {row.pk} for {user.username}: store it now, it cannot be shown again"
        )
