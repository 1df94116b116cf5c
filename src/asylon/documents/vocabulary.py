"""English names of the engine's codes, as catalogue messages.

The legal core speaks English (``asylon.law.determination.QUESTIONS``,
``asylon.law.explain.OUTCOME_TEXT``, ``asylon.law.citations.INSTRUMENTS``); the documents show
those texts through this package's catalogue, so the engine's own English is the message id and
a new code shows in English until it is translated (``tests/documents/test_catalogue.py`` fails
until then). Codes of the case-file contract (harms, grounds, levels...) are named here.
"""

from __future__ import annotations

from asylon.documents.i18n import N_

# Outcome codes (asylon.law.determination.OUTCOMES): a short title for headings.
OUTCOME_TITLES = {
    "REFUGEE": N_("Refugee"),
    "REFUGEE_STATUS_REFUSED_BUT_REFUGEE": N_("Refugee, status refused for danger"),
    "SUBSIDIARY_PROTECTION": N_("Subsidiary protection"),
    "TEMPORARY_ASYLUM": N_("Temporary asylum"),
    "POLITICAL_ASYLUM": N_("Political asylum"),
    "COMPLEMENTARY_PROTECTION": N_("Complementary protection"),
    "NATIONAL_HUMANITARIAN_STATUS": N_("National humanitarian status"),
    "EXCLUDED_PROTECTED_FROM_RETURN": N_("Excluded, protected from return"),
    "EXCLUDED_RETURN_PERMITTED": N_("Excluded, return permitted"),
    "REJECTED_PROTECTED_FROM_RETURN": N_("Rejected, protected from return"),
    "REJECTED_RETURN_PERMITTED": N_("Rejected, return permitted"),
    "INADMISSIBLE": N_("Inadmissible"),
    "STATUS_CEASED": N_("Status ceased"),
    "STATUS_REVOKED": N_("Status revoked"),
    "STATUS_CONTINUES": N_("Status continues"),
    "RETURN_BARRED": N_("Return barred"),
    "RETURN_PERMITTED": N_("Return permitted"),
    "UNDETERMINED": N_("Undetermined"),
}

# What each outcome means for the client, in four plain sentences.
PROTECTED, REFUSED_PROTECTED, REFUSED, UNDETERMINED = (
    "protected",
    "refused_protected",
    "refused",
    "undetermined",
)
CLIENT_CATEGORY = {
    "REFUGEE": PROTECTED,
    "SUBSIDIARY_PROTECTION": PROTECTED,
    "TEMPORARY_ASYLUM": PROTECTED,
    "POLITICAL_ASYLUM": PROTECTED,
    "COMPLEMENTARY_PROTECTION": PROTECTED,
    "NATIONAL_HUMANITARIAN_STATUS": PROTECTED,
    "STATUS_CONTINUES": PROTECTED,
    "REFUGEE_STATUS_REFUSED_BUT_REFUGEE": REFUSED_PROTECTED,
    "EXCLUDED_PROTECTED_FROM_RETURN": REFUSED_PROTECTED,
    "REJECTED_PROTECTED_FROM_RETURN": REFUSED_PROTECTED,
    "RETURN_BARRED": REFUSED_PROTECTED,
    "EXCLUDED_RETURN_PERMITTED": REFUSED,
    "REJECTED_RETURN_PERMITTED": REFUSED,
    "INADMISSIBLE": REFUSED,
    "STATUS_CEASED": REFUSED,
    "STATUS_REVOKED": REFUSED,
    "RETURN_PERMITTED": REFUSED,
    "UNDETERMINED": UNDETERMINED,
}
CLIENT_OUTCOME = {
    PROTECTED: N_("Our assessment is that you should receive protection."),
    REFUSED_PROTECTED: N_(
        "Our assessment is that you may not receive a protection status, but you must not be "
        "sent back to a country where you would face a serious risk."
    ),
    REFUSED: N_(
        "Our assessment is that the law, applied to the facts recorded so far, does not give "
        "you protection. A refusal can be challenged: read the dates below carefully."
    ),
    UNDETERMINED: N_(
        "We cannot yet say what the outcome will be, because some facts or findings are "
        "still missing."
    ),
}

# The outcomes an appeal brief is drafted for: a refusal, an exclusion, the loss of a status or
# a removal found lawful.
REFUSALS = frozenset(
    {
        "REFUGEE_STATUS_REFUSED_BUT_REFUGEE",
        "EXCLUDED_PROTECTED_FROM_RETURN",
        "EXCLUDED_RETURN_PERMITTED",
        "REJECTED_PROTECTED_FROM_RETURN",
        "REJECTED_RETURN_PERMITTED",
        "INADMISSIBLE",
        "STATUS_CEASED",
        "STATUS_REVOKED",
        "RETURN_PERMITTED",
    }
)

ANSWERS = {
    "yes": N_("yes"),
    "no": N_("no"),
    "unknown": N_("unknown"),
    "not_applicable": N_("not applicable"),
}

FLAG_TITLES = {
    "FINDING_CONTRADICTS_EVIDENCE": N_("A finding contradicts the country evidence"),
    "EVIDENCE_MISSING": N_("Country evidence is missing"),
    "LAW_UNCERTAIN": N_("The applicable law is uncertain"),
    "PRACTICE_DIVERGES": N_("Published practice diverges from the law"),
    "OTHER_PROCEDURE_NEEDED": N_("Another procedure is needed"),
}

BAR_TITLES = {
    "CONVENTION_33_1": N_("Non-refoulement of a refugee (1951 Convention Art 33(1))"),
    "CAT_3": N_("Danger of torture (CAT Art 3)"),
    "ICCPR_6": N_("Real risk to life (ICCPR Art 6)"),
    "ICCPR_7": N_("Real risk of torture or ill-treatment (ICCPR Art 7)"),
    "ECHR_2": N_("Real risk to life or of the death penalty (ECHR Art 2)"),
    "ECHR_3": N_("Real risk of torture or inhuman or degrading treatment (ECHR Art 3)"),
    "ECHR_6_FLAGRANT": N_("Flagrant denial of justice (ECHR Art 6)"),
    "EU_CHARTER_19_2": N_(
        "Serious risk of the death penalty, torture or ill-treatment (EU Charter Art 19(2))"
    ),
    "RF_LAW_10_1": N_("No return of a refugee or applicant (RF Law on Refugees Art 10(1))"),
}

SIDE_OUTPUT_TITLES = {
    "REFER_TO_PROSECUTOR": N_("Refer to a prosecutor"),
    "EXTRADITION_BARRED": N_("Extradition is barred"),
    "DETENTION_UNLAWFUL": N_("The detention is unlawful"),
    "ART31_NO_PENALTY": N_("No penalty for illegal entry or presence (1951 Convention Art 31)"),
    "EXCLUSION_REVIEW_REQUIRED": N_("Exclusion must be reviewed by a person"),
}

PROFILES = {
    "unhcr": N_("UNHCR mandate"),
    "eu": N_("European Union"),
    "ru": N_("Russian Federation"),
}

DEADLINE_KINDS = {
    "appeal": N_("Appeal"),
    "decision": N_("Decision due"),
    "preliminary_decision": N_("Preliminary examination due"),
    "renewal": N_("Renewal"),
    "re_registration": N_("Re-registration"),
}
# What the client has to do, one sentence per kind of deadline (%(date)s is the due date).
DEADLINE_ACTIONS = {
    "appeal": N_(
        "Last day to appeal against the decision: %(date)s. Contact us well before this day: "
        "after it, an appeal may no longer be possible."
    ),
    "decision": N_("The authorities should decide on your application by %(date)s."),
    "preliminary_decision": N_(
        "The authorities should finish the preliminary examination of your application by %(date)s."
    ),
    "renewal": N_("Your status must be renewed before %(date)s. Apply for renewal in good time."),
    "re_registration": N_("You must re-register by %(date)s."),
}
DEADLINE_ACTION_OTHER = N_("Time limit: %(date)s.")

PROCEDURES = {
    "refugee_status": N_("refugee status"),
    "temporary_asylum": N_("temporary asylum"),
    "political_asylum": N_("political asylum"),
    "international_protection": N_("international protection"),
    "mandate_rsd": N_("refugee status determination under UNHCR's mandate"),
    "status_review": N_("review of a protection status"),
    "removal": N_("removal"),
    "extradition": N_("extradition"),
}

HARMS = {
    "killing": N_("killing"),
    "torture": N_("torture"),
    "detention": N_("detention"),
    "disappearance": N_("disappearance"),
    "conscription": N_("conscription"),
    "forced_recruitment": N_("forced recruitment"),
    "sexual_violence": N_("sexual violence"),
    "prosecution": N_("prosecution"),
    "discrimination": N_("discrimination"),
    "indiscriminate_violence": N_("indiscriminate violence"),
    "death_penalty": N_("death penalty"),
    "denial_of_treatment": N_("denial of medical treatment"),
    "other": N_("other harm"),
}

GROUNDS = {
    "race": N_("race"),
    "religion": N_("religion"),
    "nationality": N_("nationality"),
    "particular_social_group": N_("membership of a particular social group"),
    "political_opinion": N_("political opinion"),
}

ACTORS = {
    "state": N_("the state"),
    "party_controlling_state": N_("a party controlling the state"),
    "non_state": N_("a non-state actor"),
}

# Levels of risk in findings (asylon.case/1 ``Level``) and of violence in country evidence.
LEVELS = {
    "none": N_("none"),
    "remote": N_("remote"),
    "reasonable_likelihood": N_("reasonable likelihood"),
    "substantial": N_("substantial"),
}
VIOLENCE_LEVELS = {
    "mere_presence": N_("mere presence: a civilian faces a real risk solely by being present"),
    "high": N_("high: a lower level of individual elements is required"),
    "not_high": N_("not high: a high level of individual elements is required"),
    "no_real_risk": N_("no real risk in general"),
}

SEXES = {"female": N_("female"), "male": N_("male"), "other": N_("other")}

# Indicators of country evidence (asylon.evidence): named when known, else shown by their key.
INDICATORS = {
    "civilian_deaths": N_("civilian deaths"),
    "deaths": N_("deaths"),
    "fatalities": N_("fatalities"),
    "conflict_events": N_("conflict events"),
    "events": N_("conflict events"),
    "population": N_("population"),
    "deaths_per_100k": N_("deaths per 100,000 inhabitants"),
    "civilian_deaths_per_100k": N_("civilian deaths per 100,000 inhabitants"),
    "days": N_("days covered"),
}

# Facts still missing, in the words of a letter to the client (field path without indices).
FIELDS_FOR_CLIENT = {
    "applicant.born": N_("your date of birth"),
    "applicant.nationalities": N_("documents showing your nationality"),
    "applicant.habitual_residence": N_("where you lived before you left your country"),
    "applicant.arrived_on": N_("the date you arrived in this country"),
    "procedure.applied_on": N_("the date of your application and its papers"),
    "procedure.decision_notified_on": N_("the date you received the written decision"),
    "claim.fears": N_("what you fear if you return"),
    "claim.fears.harms": N_("what harm you fear if you return"),
    "claim.fears.grounds": N_("why you would be targeted"),
    "claim.findings.credible": N_("documents or witnesses that support your account"),
    "claim.findings.risk_of_persecution": N_(
        "information and documents about the risk you would face on return"
    ),
    "claim.findings.state_protection_available": N_(
        "whether the authorities of your country could protect you"
    ),
    "claim.findings.internal_protection": N_(
        "whether you could live safely in another part of your country"
    ),
    "claim.findings.risk_of_serious_harm.death_penalty": N_(
        "information on any risk of the death penalty"
    ),
    "claim.findings.risk_of_serious_harm.torture_or_inhuman_treatment": N_(
        "information on any risk of torture or ill-treatment"
    ),
    "claim.findings.risk_of_serious_harm.indiscriminate_violence": N_(
        "information on the violence in your home area"
    ),
    "claim.findings.risk_of_serious_harm.serious_illness_without_treatment": N_(
        "medical documents about your health and the treatment you need"
    ),
    "claim.findings.flagrant_denial_of_justice": N_(
        "information on any criminal case against you in your country"
    ),
    "conduct.danger_to_security": N_("information on any criminal case or conviction"),
    "conduct.danger_to_community": N_("information on any criminal case or conviction"),
}
FIELD_FOR_CLIENT_OTHER = N_("further information (%(field)s)")
