"""Which dates matter for a case, and which area is the client's home.

The dates: arrival in the host country (the client had left the country of origin by then), the
application, every decision (first instance, an earlier refusal, a renewal refused), every
appeal decided and court hearing, every removal order, the decision date of the latest
assessment, and today. They are read from the case facts with the timeline's facts laid over
them (as the assessment reads them, :func:`asylon.web.timeline.services.facts_from_timeline`)
and from each timeline event, so two decisions are two dates.

The home area is the case file's ``applicant.habitual_residence``, else the client's home
country and area; the assessment reads the governorate it lies in
(:class:`asylon.evidence.reading.StoreEvidence`).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from django.utils.translation import gettext as _

from asylon.evidence.gazetteer import AmbiguousPlace, Gazetteer, Place, UnknownPlace
from asylon.web.cases.models import Assessment, Case
from asylon.web.evidence.names import place_label, suggested_places
from asylon.web.timeline.forms import CHOICE_LABELS
from asylon.web.timeline.models import TimelineEvent
from asylon.web.timeline.services import facts_from_timeline, merge_facts

K = TimelineEvent.Kind
COUNTRY = "SY"  # the only country the evidence store holds conflict events for


@dataclass(frozen=True)
class KeyDate:
    on: date
    reasons: tuple[str, ...]


def dates_that_matter(case: Case, today: date) -> list[KeyDate]:
    """The case's dates that matter, oldest first, each with why it matters."""
    events = list(TimelineEvent.objects.filter(case=case).order_by("on", "id"))
    facts = merge_facts(dict(case.facts or {}), facts_from_timeline(case, events))
    applicant = facts.get("applicant") or {}
    procedure = facts.get("procedure") or {}
    found: list[tuple[date | None, str]] = [
        (_day(applicant.get("arrived_on")), _("arrival in the host country")),
        (_day(procedure.get("applied_on")), _("application lodged")),
        (_day((procedure.get("prior_refusal") or {}).get("on")), _("earlier refusal")),
    ]
    found += [(e.on, label) for e in events if (label := _event_reason(e))]
    latest = Assessment.objects.filter(case=case).order_by("-created_at", "-id").first()
    if latest is not None:
        found.append((latest.as_of, _("decision date of the latest assessment")))
    found.append((today, _("today")))
    reasons: dict[date, list[str]] = {}
    for on, reason in found:
        if on is not None and reason not in reasons.setdefault(on, []):
            reasons[on].append(reason)
    return [KeyDate(on, tuple(reasons[on])) for on in sorted(reasons)]


def _event_reason(e: TimelineEvent) -> str:
    outcome = str(CHOICE_LABELS.get(e.details.get("outcome"), e.details.get("outcome") or ""))
    if e.kind == K.ARRIVAL:
        return _("arrival in the host country")
    if e.kind == K.APPLICATION_LODGED:
        return _("application lodged")
    if e.kind == K.DECISION:
        return _("decision: %(outcome)s") % {"outcome": outcome}
    if e.kind == K.APPEAL_DECIDED:
        return _("appeal decided: %(outcome)s") % {"outcome": outcome}
    if e.kind in (K.COURT_HEARING, K.STATUS_REFUSED, K.REMOVAL_ORDER):
        return str(K(e.kind).label)
    return ""


def _day(value: Any) -> date | None:
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(value) if isinstance(value, str) else None
    except ValueError:
        return None


@dataclass(frozen=True)
class HomeArea:
    """The client's home as recorded, the gazetteer place it names and the governorate the
    assessment reads; ``problem`` says why there is none."""

    country: str
    place: str
    found: Place | None = None
    governorate: Place | None = None
    problem: str = ""


def home_area(case: Case) -> HomeArea:
    applicant = (case.facts or {}).get("applicant") or {}
    recorded = applicant.get("habitual_residence") or {}
    if recorded:
        country, place = str(recorded.get("country") or ""), str(recorded.get("place") or "")
    else:
        country, place = case.client.home_country or "", case.client.home_place or ""
    country, place = country.strip().upper(), place.strip()
    if not country and not place:
        return HomeArea(country, place, problem=_("No home area is recorded for this client."))
    if country and country != COUNTRY:
        return HomeArea(
            country,
            place,
            problem=_(
                "The home country is %(country)s: the evidence store holds conflict events "
                "in Syria only."
            )
            % {"country": country},
        )
    if not place:
        return HomeArea(
            country,
            place,
            problem=_(
                "The home area within Syria is not recorded: the assessment reads the "
                "governorate of the home area."
            ),
        )
    gazetteer = Gazetteer.load()
    try:
        found = gazetteer.resolve_home_area(place, COUNTRY)
    except UnknownPlace as err:
        message = _("The home area “%(place)s” is not in the gazetteer of Syrian places.") % {
            "place": place
        }
        nearest = [place_label(p) for p in suggested_places(err.suggestions)]
        if nearest:
            message += " " + _("Did you mean: %(suggestions)s?") % {
                "suggestions": "; ".join(nearest)
            }
        return HomeArea(country, place, problem=message)
    except AmbiguousPlace as err:
        return HomeArea(
            country,
            place,
            problem=_("The home area “%(place)s” could be several places: %(candidates)s.")
            % {"place": place, "candidates": "; ".join(place_label(p) for p in err.candidates)},
        )
    adm1 = found.adm1 or (found.code if found.kind == "governorate" else None)
    if adm1 is None:
        return HomeArea(
            country,
            place,
            found,
            problem=_(
                "The home area “%(place)s” is not within one governorate: the assessment reads "
                "a governorate."
            )
            % {"place": place},
        )
    return HomeArea(country or COUNTRY, place, found, gazetteer.get(adm1))
