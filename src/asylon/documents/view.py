"""What a document shows: the case file and its determination turned into translated,
formatted values that a template only has to lay out. Pure: no I/O beyond the catalogues, no
clock (the document's date is the context's, else the determination's decision date).

Engine texts (reasons, bases of deadlines, flag messages, rights) are English and stay English:
the templates mark them ``lang="en" dir="ltr"`` (HTML) or with the "Engine Text" style (DOCX).
"""

from __future__ import annotations

import gettext
import re
from dataclasses import dataclass
from datetime import date
from functools import cache
from typing import Any

import pycountry

from asylon.documents import vocabulary as V
from asylon.documents.citations import describe
from asylon.documents.i18n import Translator
from asylon.law.determination import QUESTIONS
from asylon.law.explain import OUTCOME_TEXT


@dataclass(frozen=True, slots=True)
class DocumentContext:
    """What the case file does not hold: who sends the document, and when.

    ``date`` is the document's date (the determination's decision date when not given);
    ``client_name`` replaces the name in the case file (for example a preferred form).
    """

    organisation: str | None = None
    organisation_address: str | None = None
    caseworker: str | None = None
    caseworker_contact: str | None = None
    reference: str | None = None
    client_name: str | None = None
    date: date | None = None


@cache
def _country_names(lang: str) -> gettext.NullTranslations:
    if lang == "en":
        return gettext.NullTranslations()
    return gettext.translation("iso3166-1", pycountry.LOCALES_DIR, languages=[lang], fallback=True)


def country_name(code: str | None, lang: str) -> str:
    """A country's name in ``lang`` (pycountry's ISO 3166 catalogues), the code if unknown."""
    if not code:
        return ""
    country = pycountry.countries.get(alpha_2=code.upper())
    if country is None:
        return code
    names = _country_names(lang)
    common = getattr(country, "common_name", None)
    if common:
        # the catalogues translate the short name for some countries only ("Syria" is not,
        # "Syrian Arab Republic" is): the official name in the language beats English
        translated = names.gettext(common)
        if translated != common or lang == "en":
            return translated
    return names.gettext(country.name)


def _get(data: Any, *path: str) -> Any:
    for key in path:
        if not isinstance(data, dict):
            return None
        data = data.get(key)
    return data


class _Facts:
    """Rows of (label, value) for one section of facts; rows without a value are left out."""

    def __init__(self, t: Translator) -> None:
        self.t = t
        self.rows: list[dict[str, str]] = []

    def add(self, label: str, value: object) -> None:
        if value is None or value == "" or value == []:
            return
        if isinstance(value, bool):
            value = self.t.gettext(V.ANSWERS["yes" if value else "no"])
        self.rows.append({"label": label, "value": str(value)})


def _place(place: Any, t: Translator) -> str:
    if not isinstance(place, dict):
        return ""
    return t.join([place.get("place"), country_name(place.get("country"), t.lang)])


def _label(table: dict[str, str], code: object, t: Translator) -> str:
    key = "" if code is None else str(code)
    return t.gettext(table[key]) if key in table else key


def _facts(case: dict[str, Any], t: Translator) -> list[dict[str, Any]]:
    lang = t.lang
    _ = t.gettext
    sections = []
    a = case.get("applicant") or {}
    f = _Facts(t)
    f.add(_("Name"), _get(a, "name", "full"))
    f.add(_("Date of birth"), t.date(a.get("born")))
    f.add(_("Sex"), _label(V.SEXES, a["sex"], t) if a.get("sex") else None)
    nats = a.get("nationalities")
    if nats:
        f.add(_("Nationality"), t.join(country_name(c, lang) for c in nats))
    f.add(_("Stateless"), a.get("stateless"))
    f.add(_("Habitual residence"), _place(a.get("habitual_residence"), t))
    f.add(_("Present in"), _place(a.get("present_in"), t))
    f.add(_("Arrived on"), t.date(a.get("arrived_on")))
    f.add(_("Entered irregularly"), a.get("entered_irregularly"))
    sections.append({"title": _("Applicant"), "rows": f.rows})

    p = case.get("procedure") or {}
    f = _Facts(t)
    f.add(_("Procedure"), _label(V.PROCEDURES, p["kind"], t) if p.get("kind") else None)
    f.add(_("Applied on"), t.date(p.get("applied_on")))
    f.add(_("Decision notified on"), t.date(p.get("decision_notified_on")))
    f.add(
        _("Status held"),
        _label(V.PROCEDURES, p["status_held"], t) if p.get("status_held") else None,
    )
    f.add(_("Status granted on"), t.date(p.get("status_granted_on")))
    f.add(_("Earlier refusal on"), t.date(_get(p, "prior_refusal", "on")))
    if f.rows:
        sections.append({"title": _("Procedure"), "rows": f.rows})

    for i, fear in enumerate(_get(case, "claim", "fears") or [], start=1):
        f = _Facts(t)
        f.add(_("Harms feared"), t.join(_label(V.HARMS, h, t) for h in fear.get("harms") or []))
        actor = fear.get("actor") or {}
        actor_text = t.join(
            x
            for x in (
                _label(V.ACTORS, actor.get("kind"), t) if actor.get("kind") else "",
                actor.get("name"),
            )
            if x
        )
        f.add(_("Actor of persecution"), actor_text)
        grounds = []
        for g in fear.get("grounds") or []:
            name = _label(V.GROUNDS, g.get("ground"), t)
            grounds.append(_("%(ground)s (imputed)", ground=name) if g.get("imputed") else name)
        f.add(
            _("Grounds"),
            t.join(grounds)
            if grounds
            else (_("none named") if fear.get("grounds") == [] else None),
        )
        f.add(_("Past persecution"), fear.get("past_persecution"))
        f.add(_("Evidence"), t.join(fear.get("evidence") or []))
        sections.append({"title": _("Fear %(number)s", number=i), "rows": f.rows})

    fi = _get(case, "claim", "findings") or {}
    f = _Facts(t)
    f.add(_("Account found credible"), fi.get("credible"))
    level = fi.get("risk_of_persecution")
    f.add(_("Risk of persecution"), _label(V.LEVELS, level, t) if level else None)
    f.add(_("State protection available"), fi.get("state_protection_available"))
    ipa = fi.get("internal_protection") or {}
    f.add(_("Internal protection area"), _place(ipa.get("area"), t))
    f.add(_("Internal protection area safe"), ipa.get("safe"))
    f.add(_("Internal protection area reasonable"), ipa.get("reasonable"))
    harm = fi.get("risk_of_serious_harm") or {}
    for key, label in (
        ("death_penalty", _("Risk of the death penalty")),
        ("torture_or_inhuman_treatment", _("Risk of torture or inhuman treatment")),
        ("indiscriminate_violence", _("Threat from indiscriminate violence")),
        ("serious_illness_without_treatment", _("Risk from serious illness without treatment")),
    ):
        f.add(label, _label(V.LEVELS, harm[key], t) if harm.get(key) else None)
    flagrant = fi.get("flagrant_denial_of_justice")
    f.add(
        _("Risk of a flagrant denial of justice"),
        _label(V.LEVELS, flagrant, t) if flagrant else None,
    )
    if f.rows:
        sections.append({"title": _("Findings of fact"), "rows": f.rows})

    r = case.get("removal") or {}
    f = _Facts(t)
    f.add(_("Destination of removal"), country_name(r.get("destination"), lang))
    f.add(_("Requesting state"), country_name(r.get("requesting_state"), lang))
    if f.rows:
        sections.append({"title": _("Removal"), "rows": f.rows})
    return sections


def _citations(labels: list[str], t: Translator) -> list[dict[str, str]]:
    return [
        {"label": c.label, "title": c.title, "pinpoint": c.pinpoint}
        for c in (describe(label, t) for label in labels)
    ]


_INDEX = re.compile(r"\[\d+\]")


def field_for_client(field: str, t: Translator) -> str:
    """A missing field in the words of a letter to the client."""
    key = _INDEX.sub("", field)
    if key in V.FIELDS_FOR_CLIENT:
        return t.gettext(V.FIELDS_FOR_CLIENT[key])
    return t.gettext(V.FIELD_FOR_CLIENT_OTHER, field=field)


def _step(step: dict[str, Any], t: Translator, evidence: dict[str, str]) -> dict[str, Any]:
    sid = step.get("id", "")
    question = QUESTIONS.get(sid) or step.get("question") or sid
    return {
        "id": sid,
        "question": t.gettext(question),
        "answer_code": step.get("answer"),
        "answer": _label(V.ANSWERS, step.get("answer"), t),
        "reasons": list(step.get("reasons") or []),
        "citations": _citations(list(step.get("citations") or []), t),
        "evidence": [evidence.get(e, e) for e in step.get("evidence") or []],
    }


def _deadline(d: dict[str, Any], t: Translator) -> dict[str, Any]:
    kind = d.get("kind", "")
    due = t.date(d.get("due"))
    action = V.DEADLINE_ACTIONS.get(kind, V.DEADLINE_ACTION_OTHER)
    return {
        "kind": kind,
        "label": _label(V.DEADLINE_KINDS, kind, t),
        "due": due,
        "due_iso": d.get("due", ""),
        "basis": d.get("basis", ""),
        "overdue": bool(d.get("overdue")),
        "citations": _citations(list(d.get("citations") or []), t),
        "action": t.gettext(action, date=due),
    }


def _country_evidence(reading: dict[str, Any], t: Translator) -> dict[str, Any]:
    period = [*(reading.get("period") or []), "", ""]
    level = reading.get("level")
    indicators = [
        {
            "key": key,
            "name": _label(V.INDICATORS, key, t) if key in V.INDICATORS else key.replace("_", " "),
            "value": t.number(value),
        }
        for key, value in (reading.get("indicators") or {}).items()
    ]
    return {
        "place": reading.get("place", ""),
        "period_from": t.date(period[0]),
        "period_to": t.date(period[1]),
        "level": _label(V.VIOLENCE_LEVELS, level, t) if level else t.gettext("not assessed"),
        "indicators": indicators,
        "sources": list(reading.get("sources") or []),
    }


def build(
    kind: str,
    title: str,
    case: dict[str, Any],
    det: dict[str, Any],
    t: Translator,
    context: DocumentContext,
) -> dict[str, Any]:
    """The values of one document, ready for a template."""
    _ = t.gettext
    evidence = {
        e["id"]: " — ".join(x for x in (e["id"], e.get("description")) if x)
        for e in case.get("evidence") or []
        if isinstance(e, dict) and e.get("id")
    }
    outcome = det.get("outcome", "")
    jurisdiction = str(det.get("jurisdiction") or case.get("jurisdiction") or "")
    base, _sep, state = jurisdiction.partition(":")
    jurisdiction_name = _label(V.PROFILES, base, t)
    if state:
        jurisdiction_name += f" ({country_name(state, t.lang)})"
    status = det.get("status")
    removal = det.get("removal") or {}
    permitted = removal.get("permitted")
    steps = [_step(s, t, evidence) for s in det.get("steps") or []]
    deadlines = [_deadline(d, t) for d in det.get("deadlines") or []]
    appeal = next((d for d in deadlines if d["kind"] == "appeal"), None)
    client_name = context.client_name or _get(case, "applicant", "name", "full") or ""
    category = V.CLIENT_CATEGORY.get(outcome, V.UNDETERMINED)
    missing = [
        {
            "field": m.get("field", ""),
            "for_client": field_for_client(m.get("field", ""), t),
            "needed_for": [t.gettext(QUESTIONS.get(q, q)) for q in m.get("needed_for") or []],
        }
        for m in det.get("missing") or []
    ]
    return {
        "kind": kind,
        "title": title,
        "lang": t.lang,
        "dir": t.direction,
        "rtl": t.direction == "rtl",
        "date": t.date(context.date or det.get("as_of")),
        "org": {
            "name": context.organisation or "",
            "address": context.organisation_address or "",
            "caseworker": context.caseworker or "",
            "contact": context.caseworker_contact or "",
            "reference": context.reference or "",
        },
        "case": {
            "id": det.get("case_id") or case.get("id", ""),
            "client_name": client_name,
            "jurisdiction": jurisdiction_name,
            "jurisdiction_code": jurisdiction,
            "as_of": t.date(det.get("as_of")),
            "rules_version": det.get("rules_version", ""),
        },
        "outcome": {
            "code": outcome,
            "title": _label(V.OUTCOME_TITLES, outcome, t),
            "text": t.gettext(OUTCOME_TEXT[outcome]) if outcome in OUTCOME_TEXT else outcome,
            "for_client": t.gettext(V.CLIENT_OUTCOME[category]),
            "refusal": outcome in V.REFUSALS,
        },
        "status": None
        if not status
        else {
            "code": status.get("code", ""),
            "valid_from": t.date(status.get("valid_from")),
            "valid_until": t.date(status.get("valid_until")),
            "renewable": _label(V.ANSWERS, "yes" if status.get("renewable") else "no", t),
            "rights": list(status.get("rights") or []),
            "citations": _citations(list(status.get("citations") or []), t),
        },
        "removal": {
            "text": _("Return is permitted.")
            if permitted is True
            else _("Return is not permitted.")
            if permitted is False
            else _("Whether return is permitted is undetermined."),
            "bars": [
                {
                    "code": b.get("code", ""),
                    "title": _label(V.BAR_TITLES, b.get("code"), t),
                    "reason": b.get("reason", ""),
                    "citations": _citations(list(b.get("citations") or []), t),
                }
                for b in removal.get("bars") or []
            ],
        },
        "steps": steps,
        "applied_steps": [s for s in steps if s["answer_code"] != "not_applicable"],
        "open_steps": [s for s in steps if s["answer_code"] == "unknown"],
        "side_outputs": [_label(V.SIDE_OUTPUT_TITLES, c, t) for c in det.get("side_outputs") or []],
        "flags": [
            {
                "code": fl.get("code", ""),
                "title": _label(V.FLAG_TITLES, fl.get("code"), t),
                "message": fl.get("message", ""),
                "evidence": list(fl.get("evidence") or []),
            }
            for fl in det.get("flags") or []
        ],
        "deadlines": deadlines,
        "appeal_deadline": appeal,
        "missing": missing,
        "client_needs": list(dict.fromkeys(m["for_client"] for m in missing)),
        "country_evidence": [_country_evidence(r, t) for r in det.get("country_evidence") or []],
        "facts": _facts(case, t),
        "evidence_items": [
            {"id": e["id"], "kind": e.get("kind") or "", "description": e.get("description") or ""}
            for e in case.get("evidence") or []
            if isinstance(e, dict) and e.get("id")
        ],
    }
