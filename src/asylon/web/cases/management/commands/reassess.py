"""``asylon manage reassess [--as-of DATE] [--status open ...] [--user NAME]``: assess every
stored case again, e.g. after a change of the law's parameters or of the country evidence.

Each case is assessed and stored with its audit entry in one transaction
(:func:`asylon.web.cases.assessing.assess_case`): a run that is interrupted (a crash, a kill)
leaves every case either assessed with its audit entry or untouched, never half written; run
again, it assesses the cases again. A case whose file does not validate is reported by its id
and skipped; the command exits 1 when any was.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError, CommandParser

from asylon.faults import checkpoint
from asylon.law import CaseFileError, LawNotInForce
from asylon.web.cases.assessing import assess_case
from asylon.web.cases.models import Case


class Command(BaseCommand):
    help = "Assess every stored case again (one transaction per case)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--as-of", type=date.fromisoformat, default=None,
                            help="the date the law is applied on (YYYY-MM-DD); default today")  # fmt: skip
        parser.add_argument("--status", action="append", default=None,
                            help="only cases with this status (repeat); default every case")  # fmt: skip
        parser.add_argument("--user", default=None, help="record the assessments as this user")

    def handle(self, *args: Any, **options: Any) -> None:
        as_of = options["as_of"] or date.today()
        user = None
        if options["user"]:
            try:
                user = get_user_model().objects.get(username=options["user"])
            except get_user_model().DoesNotExist:
                raise CommandError(f"--user: no user {options['user']!r}") from None
        cases = Case.objects.select_related("client").order_by("pk")
        if options["status"]:
            cases = cases.filter(status__in=options["status"])
        done = failed = 0
        for case in cases.iterator():
            try:
                assess_case(case, user, as_of)
            except (CaseFileError, LawNotInForce) as err:
                failed += 1
                self.stderr.write(f"case {case.pk}: not assessed: {err}")
                continue
            done += 1
            checkpoint("reassess")
        self.stdout.write(f"{done} cases assessed on {as_of.isoformat()}; {failed} not assessed")
        if failed:
            raise SystemExit(1)
