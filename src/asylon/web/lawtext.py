"""Translatable display text for the legal engine's fixed vocabulary.

The pure core (``asylon.law``) speaks English and knows nothing of gettext: step questions
(``asylon.law.determination.QUESTIONS``), outcome texts (``asylon.law.explain.OUTCOME_TEXT``),
answers, flag, bar and side-output codes and profile names. This module repeats that English,
word for word, as ``gettext_lazy`` messages keyed by id or code, so ``makemessages`` extracts
them into the Russian and Arabic catalogues. Each function falls back to the core's English (or
to the code itself) for a key it does not know, so a new step shows in English until it is
translated; ``tests/web/test_translations.py`` fails until it is added here.

Templates use the filters in ``asylon.web.cases.templatetags.lawtext``
(``{% load lawtext %}{{ s.id|question }}``).
"""

from __future__ import annotations

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from asylon.law.determination import QUESTIONS as CORE_QUESTIONS
from asylon.law.explain import OUTCOME_TEXT as CORE_OUTCOME_TEXT
from asylon.law.explain import PROFILE_TEXT as CORE_PROFILE_TEXT

QUESTIONS: dict[str, Promise] = {
    "procedure.admissible": _("Is the application considered on the merits?"),
    "inclusion.outside_country": _("Is the person outside the country of origin?"),
    "inclusion.no_other_nationality_protection": _(
        "Is the person without the protection of any other nationality?"
    ),
    "inclusion.well_founded_fear": _("Is the fear of persecution well founded?"),
    "inclusion.persecution": _("Does the feared harm amount to persecution?"),
    "inclusion.convention_ground": _("Is a Convention ground (actual or imputed) engaged?"),
    "inclusion.nexus": _("Is the persecution feared for reasons of that ground?"),
    "inclusion.state_protection_lacking": _("Is protection in the country of origin lacking?"),
    "inclusion.no_internal_protection": _("Is there no internal protection alternative?"),
    "inclusion.article_1d": _("Does Article 1D keep the person outside the Convention?"),
    "inclusion.article_1d_ipso_facto": _(
        "Has UNRWA protection ceased so that the person is ipso facto a refugee?"
    ),
    "inclusion.article_1e": _("Does Article 1E keep the person outside the Convention?"),
    "inclusion.refugee": _("Does the person meet the refugee definition?"),
    "inclusion.political_asylum": _(
        "Is the person persecuted personally for socio-political activity (political asylum)?"
    ),
    "exclusion.article_1f_a": _(
        "Is the person excluded for a crime against peace, a war crime or a crime against humanity?"
    ),
    "exclusion.article_1f_b": _("Is the person excluded for a serious non-political crime?"),
    "exclusion.article_1f_c": _(
        "Is the person excluded for acts contrary to the purposes and principles of the UN?"
    ),
    "exclusion.individual_responsibility": _("Is the person individually responsible for the act?"),
    "exclusion.defence_applies": _("Does a defence negate responsibility?"),
    "exclusion.standard_met": _(
        "Are there serious reasons for considering that the person did it?"
    ),
    "exclusion.expiation": _("Has the crime been expiated?"),
    "exclusion.proportionality": _("Is exclusion proportionate?"),
    "exclusion.excluded": _("Is the person excluded from refugee status?"),
    "refugee.danger_exception": _(
        "Is the refugee a danger to security, or convicted of a particularly serious crime and "
        "a danger to the community?"
    ),
    "complementary.death_penalty": _("Is there a real risk of the death penalty or execution?"),
    "complementary.torture": _(
        "Is there a real risk of torture or inhuman or degrading treatment?"
    ),
    "complementary.indiscriminate_violence": _(
        "Is there a serious and individual threat from indiscriminate violence in armed conflict?"
    ),
    "complementary.serious_illness": _(
        "Is there a real risk from serious illness without treatment?"
    ),
    "complementary.humane_reasons": _("Can the person not be expelled for humane reasons?"),
    "complementary.excluded": _("Is the person excluded from complementary protection?"),
    "complementary.qualifies": _("Does the person qualify for complementary protection?"),
    "return.barred": _("Is return barred by an absolute non-refoulement obligation?"),
    "extradition.barred": _("Is extradition barred?"),
    "detention.lawful": _("Is the detention lawful?"),
    "penalties.article_31_applies": _(
        "Does Article 31 bar penalties for illegal entry or presence?"
    ),
    "penalties.removal_order_compatible": _(
        "Can the administrative removal order be executed without breaching a return bar?"
    ),
    "cessation.applies": _("Has the protection status ceased?"),
}

OUTCOME_TEXT: dict[str, Promise] = {
    "REFUGEE": _("Refugee status should be recognised."),
    "REFUGEE_STATUS_REFUSED_BUT_REFUGEE": _(
        "Refugee status may be refused or revoked for danger (QD 14(4)-(5)), but the person "
        "remains a refugee and keeps the rights of Art 14(6)."
    ),
    "SUBSIDIARY_PROTECTION": _("Subsidiary protection should be granted."),
    "TEMPORARY_ASYLUM": _("Temporary asylum should be granted (one year, renewable)."),
    "POLITICAL_ASYLUM": _("Eligible for political asylum (a discretionary Presidential grant)."),
    "COMPLEMENTARY_PROTECTION": _("Protection under UNHCR's broader mandate."),
    "NATIONAL_HUMANITARIAN_STATUS": _(
        "A national humanitarian status (not international protection)."
    ),
    "EXCLUDED_PROTECTED_FROM_RETURN": _("Excluded from protection, but return is barred."),
    "EXCLUDED_RETURN_PERMITTED": _(
        "Excluded from protection, and no bar to return is established."
    ),
    "REJECTED_PROTECTED_FROM_RETURN": _("No protection status, but return is barred."),
    "REJECTED_RETURN_PERMITTED": _("No protection need found; return is lawful."),
    "INADMISSIBLE": _("Not to be considered on the merits."),
    "STATUS_CEASED": _("The status has ceased."),
    "STATUS_REVOKED": _("The status is to be revoked."),
    "STATUS_CONTINUES": _("The status continues."),
    "RETURN_BARRED": _("Return is barred."),
    "RETURN_PERMITTED": _("Return is permitted."),
    "UNDETERMINED": _("Undetermined: a finding needed for the outcome is missing."),
}

# A short name for each outcome code, for headings and table cells.
OUTCOME_TITLE: dict[str, Promise] = {
    "REFUGEE": pgettext_lazy("outcome", "Refugee"),
    "REFUGEE_STATUS_REFUSED_BUT_REFUGEE": pgettext_lazy(
        "outcome", "Refugee, status refused for danger"
    ),
    "SUBSIDIARY_PROTECTION": pgettext_lazy("outcome", "Subsidiary protection"),
    "TEMPORARY_ASYLUM": pgettext_lazy("outcome", "Temporary asylum"),
    "POLITICAL_ASYLUM": pgettext_lazy("outcome", "Political asylum"),
    "COMPLEMENTARY_PROTECTION": pgettext_lazy("outcome", "Complementary protection"),
    "NATIONAL_HUMANITARIAN_STATUS": pgettext_lazy("outcome", "National humanitarian status"),
    "EXCLUDED_PROTECTED_FROM_RETURN": pgettext_lazy("outcome", "Excluded, protected from return"),
    "EXCLUDED_RETURN_PERMITTED": pgettext_lazy("outcome", "Excluded, return permitted"),
    "REJECTED_PROTECTED_FROM_RETURN": pgettext_lazy("outcome", "Rejected, protected from return"),
    "REJECTED_RETURN_PERMITTED": pgettext_lazy("outcome", "Rejected, return permitted"),
    "INADMISSIBLE": pgettext_lazy("outcome", "Inadmissible"),
    "STATUS_CEASED": pgettext_lazy("outcome", "Status ceased"),
    "STATUS_REVOKED": pgettext_lazy("outcome", "Status revoked"),
    "STATUS_CONTINUES": pgettext_lazy("outcome", "Status continues"),
    "RETURN_BARRED": pgettext_lazy("outcome", "Return barred"),
    "RETURN_PERMITTED": pgettext_lazy("outcome", "Return permitted"),
    "UNDETERMINED": pgettext_lazy("outcome", "Undetermined"),
}

# The answer of a step (``asylon.law.determination.Answer``).
ANSWERS: dict[str, Promise] = {
    "yes": pgettext_lazy("answer", "yes"),
    "no": pgettext_lazy("answer", "no"),
    "unknown": pgettext_lazy("answer", "unknown"),
    "not_applicable": pgettext_lazy("answer", "not applicable"),
}

# ``asylon.law.determination.FLAG_CODES``: what a person must look at.
FLAG_TITLES: dict[str, Promise] = {
    "FINDING_CONTRADICTS_EVIDENCE": _("A finding contradicts the country evidence"),
    "EVIDENCE_MISSING": _("Country evidence is missing"),
    "LAW_UNCERTAIN": _("The applicable law is uncertain"),
    "PRACTICE_DIVERGES": _("Published practice diverges from the law"),
    "OTHER_PROCEDURE_NEEDED": _("Another procedure is needed"),
    # raised by the timeline (asylon.web.timeline.alerts), not by the engine
    "MANDATORY_REMOVAL": _("Removal is mandatory under the Code of Administrative Offences"),
}

# ``asylon.law.determination.BAR_CODES``: absolute bars to return, each named by its provision.
BAR_TITLES: dict[str, Promise] = {
    "CONVENTION_33_1": _("Non-refoulement of a refugee (1951 Convention Art 33(1))"),
    "CAT_3": _("Danger of torture (CAT Art 3)"),
    "ICCPR_6": _("Real risk to life (ICCPR Art 6)"),
    "ICCPR_7": _("Real risk of torture or ill-treatment (ICCPR Art 7)"),
    "ECHR_2": _("Real risk to life or of the death penalty (ECHR Art 2)"),
    "ECHR_3": _("Real risk of torture or inhuman or degrading treatment (ECHR Art 3)"),
    "ECHR_6_FLAGRANT": _("Flagrant denial of justice (ECHR Art 6)"),
    "EU_CHARTER_19_2": _(
        "Serious risk of the death penalty, torture or ill-treatment (EU Charter Art 19(2))"
    ),
    "RF_LAW_10_1": _("No return of a refugee or applicant (RF Law on Refugees Art 10(1))"),
}

# ``asylon.law.determination.SIDE_OUTPUTS``: consequences beyond the status.
SIDE_OUTPUT_TITLES: dict[str, Promise] = {
    "REFER_TO_PROSECUTOR": _("Refer to a prosecutor"),
    "EXTRADITION_BARRED": _("Extradition is barred"),
    "DETENTION_UNLAWFUL": _("The detention is unlawful"),
    "ART31_NO_PENALTY": _("No penalty for illegal entry or presence (1951 Convention Art 31)"),
    "EXCLUSION_REVIEW_REQUIRED": _("Exclusion must be reviewed by a person"),
}

# ``asylon.law.explain.PROFILE_TEXT``: the jurisdiction profiles.
PROFILE_NAMES: dict[str, Promise] = {
    "unhcr": _("UNHCR mandate"),
    "eu": _("European Union"),
    "ru": _("Russian Federation"),
}


def _text(table: dict[str, Promise], key: object, fallback: dict[str, str] | None = None) -> str:
    code = "" if key is None else str(key)
    if code in table:
        return str(table[code])
    if fallback is not None and code in fallback:
        return fallback[code]
    return code


def question(step_id: object) -> str:
    """The step's question in the active language (the core's English, or the id, if unknown)."""
    return _text(QUESTIONS, step_id, CORE_QUESTIONS)


def outcome_text(code: object) -> str:
    """The outcome's plain-language sentence in the active language."""
    return _text(OUTCOME_TEXT, code, CORE_OUTCOME_TEXT)


def outcome_title(code: object) -> str:
    """A short name of the outcome in the active language (the code if unknown)."""
    return _text(OUTCOME_TITLE, code)


def answer_label(answer: object) -> str:
    """yes / no / unknown / not applicable in the active language."""
    return _text(ANSWERS, answer)


def flag_title(code: object) -> str:
    """A short plain-language title of a flag code (the code if unknown)."""
    return _text(FLAG_TITLES, code)


def bar_title(code: object) -> str:
    """A short plain-language title of a bar to return, naming its provision."""
    return _text(BAR_TITLES, code)


def side_output_title(code: object) -> str:
    """A short plain-language title of a side output (the code if unknown)."""
    return _text(SIDE_OUTPUT_TITLES, code)


def profile_name(jurisdiction: object) -> str:
    """The jurisdiction's profile name; a member state is added as its code: ``eu:de`` gives
    "European Union (DE)"."""
    base, _sep, state = ("" if jurisdiction is None else str(jurisdiction)).partition(":")
    name = _text(PROFILE_NAMES, base, CORE_PROFILE_TEXT)
    return f"{name} ({state.upper()})" if state else name
