"""Translatable display text for the register's vocabularies (:mod:`asylon.register.vocabulary`)
and its workflow: violation types, unit kinds, allegation roles, modes of liability,
certainties, source and evidence kinds, victim-count categories, name kinds, review statuses,
custody actions and record types.

The pure core keeps the codes; this module gives each code its text in the active language
(``gettext_lazy``, so ``makemessages`` extracts them). :func:`label` falls back to the code
with spaces for a code it does not know, so a new code shows until it is translated;
``tests/web/test_register_pages.py`` fails until it is added here.

The certainties follow the presumption of innocence: each says what the source states
(a conviction, an indictment, an arrest warrant, a sanctions listing, a report), never that
the register finds anyone guilty.
"""

from __future__ import annotations

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

VIOLATION_TYPES: dict[str, Promise] = {
    "killing": _("killing"),
    "enforced_disappearance": _("enforced disappearance"),
    "torture": _("torture"),
    "arbitrary_detention": _("arbitrary detention"),
    "chemical_attack": _("chemical attack"),
    "attack_on_medical_facility": _("attack on a medical facility"),
    "siege_and_starvation": _("siege and starvation"),
    "forced_displacement": _("forced displacement"),
    "sexual_violence": _("sexual violence"),
}

UNIT_KINDS: dict[str, Promise] = {
    "service": pgettext_lazy("unit kind", "service"),
    "directorate": pgettext_lazy("unit kind", "directorate"),
    "branch": pgettext_lazy("unit kind", "branch"),
    "section": pgettext_lazy("unit kind", "section"),
    "ministry": pgettext_lazy("unit kind", "ministry"),
    "office": pgettext_lazy("unit kind", "office"),
    "armed_forces": pgettext_lazy("unit kind", "armed forces"),
    "division": pgettext_lazy("unit kind", "division"),
    "brigade": pgettext_lazy("unit kind", "brigade"),
    "regiment": pgettext_lazy("unit kind", "regiment"),
    "militia": pgettext_lazy("unit kind", "militia"),
    "detention_facility": pgettext_lazy("unit kind", "detention facility"),
    "court": pgettext_lazy("unit kind", "court"),
    "hospital": pgettext_lazy("unit kind", "hospital"),
    "research_centre": pgettext_lazy("unit kind", "research centre"),
    "other": pgettext_lazy("unit kind", "other"),
}

ALLEGATION_ROLES: dict[str, Promise] = {
    "direct_perpetrator": _("alleged direct perpetrator"),
    "commander": _("alleged commander"),
    "superior": _("alleged superior"),
    "accomplice": _("alleged accomplice"),
}

LIABILITY_MODES: dict[str, Promise] = {
    "direct_perpetration": _("direct perpetration"),
    "co_perpetration": _("co-perpetration"),
    "indirect_perpetration": _("indirect perpetration"),
    "ordering": _("ordering"),
    "instigating": _("instigating"),
    "aiding_and_abetting": _("aiding and abetting"),
    "complicity": _("complicity"),
    "superior_responsibility": _("superior (command) responsibility"),
    "common_purpose": _("common purpose"),
    "unspecified": _("not specified by the source"),
}

CERTAINTIES: dict[str, Promise] = {
    "convicted_final": _("convicted (final judgment)"),
    "convicted": _("convicted at first instance (appeal possible)"),
    "convicted_in_absentia": _("convicted in absentia"),
    "indicted": _("indicted (charged, presumed innocent)"),
    "arrest_warrant": _("arrest warrant issued"),
    "sanctioned": _("on a sanctions list (not a finding of guilt)"),
    "reported": _("reported (not adjudicated)"),
}

SOURCE_KINDS: dict[str, Promise] = {
    "court_judgment": _("court judgment"),
    "court_decision": _("court decision"),
    "indictment": _("indictment"),
    "arrest_warrant": _("arrest warrant"),
    "sanctions_listing": _("sanctions listing"),
    "un_coi_report": _("UN Commission of Inquiry report"),
    "un_report": _("UN report"),
    "ngo_report": _("NGO report"),
    "journalism": _("journalism"),
    "official_statement": _("official statement"),
    "other": pgettext_lazy("source kind", "other"),
}

EVIDENCE_KINDS: dict[str, Promise] = {
    "document": _("document"),
    "photograph": _("photograph"),
    "video": _("video"),
    "audio": _("audio recording"),
    "testimony": _("testimony"),
    "dataset": _("dataset"),
    "physical": _("physical item"),
    "other": pgettext_lazy("evidence kind", "other"),
}

VICTIM_COUNT_CATEGORIES: dict[str, Promise] = {
    "killed": _("killed"),
    "injured": _("injured"),
    "tortured": _("tortured"),
    "detained": _("detained"),
    "disappeared": _("disappeared"),
    "displaced": _("displaced"),
    "besieged": _("besieged"),
    "affected": _("affected"),
}

NAME_KINDS: dict[str, Promise] = {
    "primary": pgettext_lazy("name kind", "primary name"),
    "alias": _("alias"),
    "weak_alias": _("weak alias (too common to identify alone)"),
    "kunya": _("kunya (Abu/Umm …)"),
    "laqab": _("laqab (epithet, nom de guerre)"),
}

SCRIPTS: dict[str, Promise] = {
    "latn": _("Latin script"),
    "arab": _("Arabic script"),
    "cyrl": _("Cyrillic script"),
    "other": _("other script"),
}

STATUSES: dict[str, Promise] = {
    "draft": pgettext_lazy("review status", "draft"),
    "peer_reviewed": pgettext_lazy("review status", "peer reviewed"),
    "final": pgettext_lazy("review status", "final"),
}

REVISION_ACTIONS: dict[str, Promise] = {
    "created": pgettext_lazy("revision", "created"),
    "updated": pgettext_lazy("revision", "changed"),
    "status": pgettext_lazy("revision", "review status changed"),
}

CUSTODY_ACTIONS: dict[str, Promise] = {
    "received": pgettext_lazy("custody", "received"),
    "viewed": pgettext_lazy("custody", "viewed"),
    "exported": pgettext_lazy("custody", "exported"),
    "transferred": pgettext_lazy("custody", "transferred"),
}

RECORD_TYPES: dict[str, Promise] = {
    "source": pgettext_lazy("record type", "source"),
    "unit": pgettext_lazy("record type", "unit"),
    "position": pgettext_lazy("record type", "position"),
    "person": pgettext_lazy("record type", "person"),
    "membership": pgettext_lazy("record type", "membership"),
    "occupancy": pgettext_lazy("record type", "post held"),
    "incident": pgettext_lazy("record type", "incident"),
    "victim": pgettext_lazy("record type", "victim"),
    "allegation": pgettext_lazy("record type", "allegation"),
    "evidence": pgettext_lazy("record type", "evidence item"),
}

GENDERS: dict[str, Promise] = {
    "male": pgettext_lazy("gender", "male"),
    "female": pgettext_lazy("gender", "female"),
    "other": pgettext_lazy("gender", "other"),
}

TABLES: dict[str, dict[str, Promise]] = {
    "violation": VIOLATION_TYPES,
    "unit_kind": UNIT_KINDS,
    "role": ALLEGATION_ROLES,
    "liability": LIABILITY_MODES,
    "certainty": CERTAINTIES,
    "source_kind": SOURCE_KINDS,
    "evidence_kind": EVIDENCE_KINDS,
    "victim_count": VICTIM_COUNT_CATEGORIES,
    "name_kind": NAME_KINDS,
    "script": SCRIPTS,
    "status": STATUSES,
    "revision_action": REVISION_ACTIONS,
    "custody_action": CUSTODY_ACTIONS,
    "record_type": RECORD_TYPES,
    "gender": GENDERS,
}


def label(table: str, code: str | None) -> str:
    """The display text of ``code`` in the vocabulary ``table``, in the active language."""
    if not code:
        return ""
    text = TABLES[table].get(code)
    return str(text) if text is not None else code.replace("_", " ")
