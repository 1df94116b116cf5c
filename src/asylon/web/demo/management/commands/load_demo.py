"""Load the fictional demo data: teams, one user per role, and the case files in data/demo/cases.

Idempotent: if the demo teams already hold cases nothing is loaded again, unless ``--reset``
deletes the demo cases, clients and assessments first. Demo users and teams are kept (and their
passwords reset), because the append-only audit log names them.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from django.contrib.auth.password_validation import validate_password
from django.core.management.base import BaseCommand, CommandParser
from django.db import transaction

from asylon.paths import data_dir
from asylon.web.accounts.models import Team, User
from asylon.web.cases.assessing import assess_case
from asylon.web.cases.casefile import import_case
from asylon.web.cases.models import Assessment, Case, Client

MOSCOW = "Moscow legal aid"
BERLIN = "Berlin counselling"
AMMAN = "Amman protection desk (UNHCR-style)"
TEAMS = (MOSCOW, BERLIN, AMMAN)


@dataclass(frozen=True)
class DemoUser:
    username: str
    password: str
    role: str
    team: str | None


# Fixed, public demo passwords: for a local demo only, never for real data.
USERS = (
    DemoUser("demo-admin", "lantern orchard keeps nine keys", User.Role.ADMIN, None),
    DemoUser("demo-supervisor", "quiet river signs the ledger", User.Role.SUPERVISOR, MOSCOW),
    DemoUser("demo-caseworker", "amber tram crosses the Moskva", User.Role.CASEWORKER, MOSCOW),
    DemoUser(
        "demo-caseworker-berlin", "linden leaves over Spree bridge", User.Role.CASEWORKER, BERLIN
    ),
    DemoUser("demo-caseworker-amman", "citadel steps at seven sharp", User.Role.CASEWORKER, AMMAN),
    DemoUser("demo-reviewer", "second reading finds the gap", User.Role.REVIEWER, BERLIN),
    DemoUser("demo-researcher", "counting rows without any names", User.Role.RESEARCHER, None),
)
CASEWORKER_OF = {
    MOSCOW: "demo-caseworker",
    BERLIN: "demo-caseworker-berlin",
    AMMAN: "demo-caseworker-amman",
}
# Files whose applicant's own account raises exclusion questions: open to named users only.
RESTRICTED = {
    "de-former-colonel-2016": ("demo-caseworker-berlin", "demo-reviewer"),
    "de-former-sergeant-2018": ("demo-caseworker-berlin", "demo-reviewer"),
}


def cases_dir() -> Path:
    return data_dir() / "demo" / "cases"


def case_files() -> list[Path]:
    return sorted(cases_dir().glob("*.yaml"))


def team_for(doc: dict[str, Any]) -> str:
    jurisdiction = str(doc["jurisdiction"])
    if jurisdiction == "ru":
        return MOSCOW
    if jurisdiction.startswith("eu"):
        return BERLIN
    return AMMAN


class Command(BaseCommand):
    help = "Load the fictional demo teams, users and cases (all people are fictional)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--reset", action="store_true", help="delete the demo cases first, then load again"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        started = time.monotonic()
        if options["reset"]:
            self._reset()
        if Case.objects.filter(team__name__in=TEAMS).exists():
            self.stdout.write("Demo data already loaded (use --reset to load it again).")
            users = self._users()
        else:
            users = self._users()
            count = self._load(users)
            self.stdout.write(
                f"Loaded {count} fictional cases in {time.monotonic() - started:.1f} s."
            )
        self._print_logins()

    @transaction.atomic
    def _users(self) -> dict[str, User]:
        teams = {name: Team.objects.get_or_create(name=name)[0] for name in TEAMS}
        users: dict[str, User] = {}
        for spec in USERS:
            user, _ = User.objects.get_or_create(username=spec.username)
            user.role = spec.role
            user.team = teams[spec.team] if spec.team else None
            user.first_name, user.last_name = "Demo", spec.role.capitalize()
            user.is_staff = user.is_superuser = spec.role == User.Role.ADMIN
            validate_password(spec.password, user)
            user.set_password(spec.password)
            user.save()
            users[spec.username] = user
        return users

    @transaction.atomic
    def _load(self, users: dict[str, User]) -> int:
        files = case_files()
        for path in files:
            text = path.read_text(encoding="utf-8")
            doc = yaml.safe_load(text)
            team_name = team_for(doc)
            caseworker = users[CASEWORKER_OF[team_name]]
            case = import_case(text, "yaml", caseworker.team, caseworker)
            named = RESTRICTED.get(doc["id"])
            if named:
                case.restricted = True
                case.save(update_fields=["restricted"])
                case.named_users.set([users[name] for name in named])
            assess_case(case, caseworker, doc["as_of"])
        return len(files)

    @transaction.atomic
    def _reset(self) -> None:
        cases = Case.objects.filter(team__name__in=TEAMS)
        clients = Client.objects.filter(team__name__in=TEAMS)
        Assessment.objects.filter(case__in=cases).delete()
        cases.delete()
        clients.delete()
        self.stdout.write("Deleted the demo cases, clients and assessments.")

    def _print_logins(self) -> None:
        rows = [("username", "password", "role", "team")]
        rows += [(u.username, u.password, u.role, u.team or "-") for u in USERS]
        widths = [max(len(str(r[i])) for r in rows) for i in range(4)]
        line = "+".join("-" * (w + 2) for w in widths)
        self.stdout.write("\nDemo logins (fictional data, local demo only):")
        self.stdout.write(line)
        for n, row in enumerate(rows):
            cells = (str(cell).ljust(w) for cell, w in zip(row, widths, strict=True))
            self.stdout.write(" " + " | ".join(cells))
            if n == 0:
                self.stdout.write(line)
        self.stdout.write(line)
