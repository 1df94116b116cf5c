"""Load the fictional demo data: teams, one user per role, the case files in data/demo/cases and
their timelines in data/demo/timelines.yaml (events, status, languages, contact, family, notes).

Idempotent: if the demo teams already hold cases nothing is loaded again, unless ``--reset``
deletes the demo cases first (with their clients, assessments, timeline events, notes,
documents and family links), all in the same transaction as the new load. Demo users and teams
are kept (and their passwords reset), and so is the append-only audit log, which names them.

Each case is assessed at its file's ``as_of`` with the events up to that day (which reproduce the
file's procedural facts); the events after it are added next, so the timeline carries the story
to the day the demo is loaded (relative dates such as ``today-10d``: see the top of
timelines.yaml) and the dashboard shows what is due now.
"""

from __future__ import annotations

import re
import time
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pycountry
from django.contrib.auth.password_validation import validate_password
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction

from asylon.law.calendar import add_months
from asylon.law.facts import CaseFileError
from asylon.paths import data_dir
from asylon.web.accounts import mfa
from asylon.web.accounts.models import Team, User
from asylon.web.audit.services import record
from asylon.web.cases.assessing import assess_case
from asylon.web.cases.casefile import import_case, to_case_file
from asylon.web.cases.family import RECIPROCAL
from asylon.web.cases.models import Assessment, Case, Client, FamilyLink
from asylon.web.documents.models import Document, Note
from asylon.web.documents.services import add_note
from asylon.web.timeline.details import DetailsError
from asylon.web.timeline.models import TimelineEvent
from asylon.web.timeline.services import add_event
from asylon.yamlfile import safe_load

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
# Fixed, public second factors (TOTP secrets) of the roles that must use one (admins and
# supervisors, ASYLON_MFA_REQUIRED_ROLES): for a local demo only, printed with the logins.
DEMO_TOTP = {
    "demo-admin": "XVLCWOQTNLMUWD3CLANT5C4B6BCNAVLY",
    "demo-supervisor": "65FRXAU3YKWS4PFD33BF2C76WMMYXQSN",
}
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


def timelines_path() -> Path:
    return data_dir() / "demo" / "timelines.yaml"


def team_for(doc: dict[str, Any]) -> str:
    jurisdiction = str(doc["jurisdiction"])
    if jurisdiction == "ru":
        return MOSCOW
    if jurisdiction.startswith("eu"):
        return BERLIN
    return AMMAN


# ---------------------------------------------------------------------------------------------
# Timelines: the file and its relative dates

_RELATIVE = re.compile(r"today((?:[+-]\d+[dwmy])*)")
_TERM = re.compile(r"([+-])(\d+)([dwmy])")


class TimelineDataError(ValueError):
    """The timelines file is malformed; the message names the case and the entry."""


def resolve_day(value: Any, today: date) -> date:
    """An ISO date (or a date YAML has read) as is; ``today``, ``today-20d``, ``today+1y``,
    ``today-10m-15d+1y``... relative to ``today``, terms applied left to right."""
    if isinstance(value, date):
        return value
    text = str(value).strip()
    match = _RELATIVE.fullmatch(text)
    if match is None:
        try:
            return date.fromisoformat(text)
        except ValueError:
            raise TimelineDataError(
                f"{text!r} is neither a date (2016-11-22) nor today[+-]N(d|w|m|y)..."
            ) from None
    day = today
    for sign, number, unit in _TERM.findall(match.group(1)):
        n = int(number) * (-1 if sign == "-" else 1)
        if unit == "d":
            day += timedelta(days=n)
        elif unit == "w":
            day += timedelta(weeks=n)
        else:
            day = add_months(day, n * (12 if unit == "y" else 1))
    return day


def _resolve_details(details: Any, today: date) -> Any:
    """Details with every relative date (a string starting with ``today``) resolved."""
    if not isinstance(details, dict):
        return details
    return {
        key: resolve_day(value, today)
        if isinstance(value, str) and value.startswith("today")
        else value
        for key, value in details.items()
    }


def load_timelines(path: Path | None = None) -> dict[str, dict[str, Any]]:
    """The timelines file: case id -> entry (see the comment at the top of the file)."""
    with (path or timelines_path()).open(encoding="utf-8") as fh:
        data = safe_load(fh)
    if not isinstance(data, dict):
        raise TimelineDataError("expected a mapping of case ids to timelines")
    return data


@dataclass(frozen=True)
class PlannedEvent:
    kind: str
    on: date
    details: dict[str, Any]
    relative: bool


def planned_events(case_id: str, entry: dict[str, Any], today: date) -> list[PlannedEvent]:
    """The entry's events with their days resolved, in date order (stable: same-day events keep
    the order of the file)."""
    out = []
    for n, raw in enumerate(entry.get("events") or []):
        where = f"{case_id}: events[{n}]"
        if not isinstance(raw, dict) or set(raw) - {"on", "kind", "details"} or "on" not in raw:
            raise TimelineDataError(f"{where}: expected {{'on': DAY, kind: KIND, details: {{}}}}")
        try:
            day = resolve_day(raw["on"], today)
            details = _resolve_details(raw.get("details") or {}, today)
        except TimelineDataError as err:
            raise TimelineDataError(f"{where}: {err}") from None
        relative = isinstance(raw["on"], str)
        out.append(PlannedEvent(str(raw.get("kind")), day, details, relative))
    return sorted(out, key=lambda e: e.on)


def language_ok(code: str) -> bool:
    """An ISO 639-1 or 639-3 code (as the client form accepts them)."""
    return bool(
        (len(code) == 2 and pycountry.languages.get(alpha_2=code))
        or (len(code) == 3 and pycountry.languages.get(alpha_3=code))
    )


def check_entry(case_id: str, entry: Any) -> None:
    """Raise TimelineDataError for an entry that would not load (before anything is written)."""
    if not isinstance(entry, dict):
        raise TimelineDataError(f"{case_id}: expected a mapping")
    known = {"status", "languages", "contact", "family", "notes", "events"}
    if unknown := sorted(set(entry) - known):
        raise TimelineDataError(f"{case_id}: unknown keys {unknown}")
    if entry.get("status", Case.Status.OPEN) not in Case.Status.values:
        raise TimelineDataError(f"{case_id}: status {entry['status']!r} is not a case status")
    bad = [c for c in entry.get("languages") or [] if not language_ok(str(c))]
    if bad:
        raise TimelineDataError(f"{case_id}: not ISO 639 language codes: {bad}")
    for link in entry.get("family") or []:
        if not isinstance(link, dict) or link.get("relation") not in FamilyLink.Relation.values:
            raise TimelineDataError(f"{case_id}: family link {link!r} needs relative, relation")


# ---------------------------------------------------------------------------------------------


class Command(BaseCommand):
    help = "Load the fictional demo teams, users and cases (all people are fictional)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--reset", action="store_true", help="delete the demo cases first, then load again"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        started = time.monotonic()
        users = self._users()
        with transaction.atomic():  # a failed load leaves the previous demo data in place
            if options["reset"]:
                self._reset()
            if Case.objects.filter(team__name__in=TEAMS).exists():
                self.stdout.write("Demo data already loaded (use --reset to load it again).")
            else:
                cases, events, notes = self._load(users)
                self.stdout.write(
                    f"Loaded {cases} fictional cases with {events} timeline events and {notes} "
                    f"notes in {time.monotonic() - started:.1f} s."
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
            if spec.username in DEMO_TOTP:
                mfa.provision_totp(user, DEMO_TOTP[spec.username])
            users[spec.username] = user
        return users

    def _load(self, users: dict[str, User]) -> tuple[int, int, int]:
        files = case_files()
        today = date.today()
        try:
            timelines = load_timelines()
            ids = {p.stem for p in files}
            if unknown := sorted(set(timelines) - ids):
                raise TimelineDataError(f"timelines for unknown demo cases: {unknown}")
            for case_id, entry in timelines.items():
                check_entry(case_id, entry)
        except TimelineDataError as err:
            raise CommandError(f"{timelines_path()}: {err}") from None
        by_id: dict[str, Case] = {}
        events = notes = 0
        for path in files:
            text = path.read_text(encoding="utf-8")
            doc = safe_load(text)
            team_name = team_for(doc)
            caseworker = users[CASEWORKER_OF[team_name]]
            case = import_case(text, "yaml", caseworker.team, caseworker)
            named = RESTRICTED.get(doc["id"])
            if named:
                case.restricted = True
                case.save(update_fields=["restricted"])
                case.named_users.set([users[name] for name in named])
            entry = timelines.get(doc["id"]) or {}
            try:
                planned = planned_events(doc["id"], entry, today)
                as_of: date = doc["as_of"]
                # the assessment at as_of sees what was known then; the rest of the story after
                for e in planned:
                    if e.on <= as_of:
                        self._add_event(doc["id"], case, caseworker, e)
                assess_case(case, caseworker, as_of)
                for e in planned:
                    if e.on > as_of:
                        self._add_event(doc["id"], case, caseworker, e)
                to_case_file(case)  # the facts the whole timeline gives still validate
            except (TimelineDataError, CaseFileError) as err:
                raise CommandError(f"{path.name}: {err}") from None
            events += len(planned)
            notes += self._describe(case, entry, caseworker)
            by_id[doc["id"]] = case
        self._link_families(timelines, by_id)
        return len(files), events, notes

    def _add_event(self, case_id: str, case: Case, user: User, e: PlannedEvent) -> None:
        try:
            add_event(case, user, e.kind, e.on, e.details)
        except DetailsError as err:
            raise TimelineDataError(f"{case_id}: {e.kind} on {e.on}: {err}") from None

    def _describe(self, case: Case, entry: dict[str, Any], user: User) -> int:
        """Status, languages and contact from the entry, and its notes; returns the notes."""
        case.status = entry.get("status", Case.Status.OPEN)
        case.save(update_fields=["status"])
        client = case.client
        client.languages = [str(c).lower() for c in entry.get("languages") or []]
        client.contact = str(entry.get("contact") or "")
        client.save(update_fields=["languages", "contact"])
        texts = entry.get("notes") or []
        for text in texts:
            add_note(case, user, str(text), via="load_demo")
        return len(texts)

    def _link_families(self, timelines: dict[str, Any], by_id: dict[str, Case]) -> None:
        for case_id, entry in timelines.items():
            for link in entry.get("family") or []:
                other = by_id.get(str(link.get("relative")))
                if other is None or other.pk == by_id[case_id].pk:
                    raise CommandError(f"{case_id}: no other demo case {link.get('relative')!r}")
                case, relation = by_id[case_id], link["relation"]
                FamilyLink.objects.update_or_create(
                    client=case.client, relative=other.client, defaults={"relation": relation}
                )
                FamilyLink.objects.update_or_create(
                    client=other.client,
                    relative=case.client,
                    defaults={"relation": RECIPROCAL.get(relation, relation)},
                )
                who = case.assigned.first()
                record(
                    who,
                    "link_family",
                    case,
                    client=case.client.pk,
                    relative=other.client.pk,
                    relation=relation,
                    via="load_demo",
                )

    def _reset(self) -> None:
        cases = Case.objects.filter(team__name__in=TEAMS)
        clients = Client.objects.filter(team__name__in=TEAMS)
        # children first: every one of these points at a case with on_delete=PROTECT
        Note.objects.filter(case__in=cases).delete()
        Document.objects.filter(case__in=cases).delete()  # stored files stay (by hash only)
        TimelineEvent.objects.filter(case__in=cases).delete()
        Assessment.objects.filter(case__in=cases).delete()
        cases.delete()
        clients.delete()  # family links go with the clients (CASCADE)
        self.stdout.write(
            "Deleted the demo cases, clients, assessments, timeline events, notes and family "
            "links (the audit log keeps its entries)."
        )

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
        self.stdout.write(
            "\nThe administrator and the supervisor also need a one-time code (TOTP). Add the secret "
            "to an authenticator app, or print the current code with\n"
            "  .venv/bin/python -c \"import pyotp; print(pyotp.TOTP('SECRET').now())\""
        )
        for username, secret in DEMO_TOTP.items():
            self.stdout.write(f"  {username}: {secret}")
