"""What each field of the claim and conduct forms asks, in words a caseworker can answer, with
the legal test it feeds. Keys are ``<contract model>.<field path>``; the values are translated
through the gettext catalogues. tests/web/test_sections.py checks that every form field has
an entry here and every choice a label."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

FIELD_TEXT: dict[str, tuple[Any, Any]] = {
    # claim.fears[] — Art 1A(2): a well-founded fear of persecution for a Convention reason
    "Fear.harms": (
        _("Harms feared"),
        _("What the person fears would happen to them on return. Tick every harm that applies."),
    ),
    "Fear.actor.kind": (
        _("Who would cause the harm"),
        _(
            "The state itself, a party or organisation controlling the state or much of its "
            "territory, or a non-state actor (QD Art 6). Harm from non-state actors counts if "
            "the state cannot or will not protect."
        ),
    ),
    "Fear.actor.name": (
        _("Name of the actor"),
        _("E.g. Government of Syria, Air Force Intelligence, an armed group."),
    ),
    "Fear.grounds": (
        _("Convention grounds"),
        _(
            "The reasons for the persecution (Art 1A(2)): race, religion, nationality, "
            "membership of a particular social group, political opinion. “Imputed” means the "
            "persecutor attributes the characteristic to the person, whether or not they have it."
        ),
    ),
    "Fear.past_persecution": (
        _("Was the person persecuted before?"),
        _(
            "Past persecution or direct threats are a serious indication of a well-founded fear "
            "unless there are good reasons to consider it will not be repeated (QD Art 4(4))."
        ),
    ),
    "Fear.evidence": (
        _("Evidence items"),
        _(
            "Identifiers of items in the case file's evidence section that support this fear, "
            "one per line (e.g. ev-1)."
        ),
    ),
    # claim.military_service — draft evasion and desertion (UNHCR Guidelines No. 10)
    "MilitaryService.refused": (
        _("Did the person refuse or evade military service?"),
        _("Draft evasion or desertion, including failing to report for reserve call-ups."),
    ),
    "MilitaryService.conscientious_objection_procedure_available": (
        _("Is there a procedure for conscientious objectors?"),
        _(
            "Could the person have asked for alternative civilian service? Syria has none; "
            "the absence makes punishment for objection capable of being persecution."
        ),
    ),
    "MilitaryService.unit_likely_to_commit_war_crimes": (
        _("Would service likely involve war crimes?"),
        _(
            "Would the person's service, in the unit or conflict concerned, likely include "
            "committing or taking part in crimes under QD Art 9(2)(e)?"
        ),
    ),
    # conduct.roles[] — membership and positions examined for Art 1F
    "Role.organisation": (
        _("Organisation or unit"),
        _("E.g. General Intelligence Directorate, Branch 251; the Fourth Division."),
    ),
    "Role.kind": (_("Kind of organisation"), ""),
    "Role.rank": (_("Rank"), ""),
    "Role.function": (
        _("Function"),
        _("What the person did there: the tasks and responsibilities, in their own words."),
    ),
    "Role.from": (_("From"), _("When the person took up the role.")),
    "Role.to": (_("To"), _("When the role ended; empty if it continues or is not known.")),
    "Role.senior": (
        _("Senior position?"),
        _("Did the position carry command, control or influence over others' acts?"),
    ),
    "Role.voluntary": (
        _("Did the person serve voluntarily?"),
        _("Joining or staying freely, as opposed to conscription or coercion."),
    ),
    "Role.organisation_implicated": (
        _("Is the organisation documented as committing crimes in that period?"),
        _(
            "Membership alone never excludes (B and D, C-57/09): it raises the question of the "
            "person's individual responsibility, which the acts below must answer."
        ),
    ),
    # conduct.acts[] — Art 1F(a)-(c)
    "Act.id": (_("Reference"), _("A short identifier for this act, e.g. act-1.")),
    "Act.description": (_("What happened"), _("The act, as found: who, what, where, when.")),
    "Act.category": (
        _("Category under Article 1F"),
        _(
            "1F(a) crime against peace, war crime or crime against humanity; 1F(b) serious "
            "non-political crime; 1F(c) acts contrary to the purposes of the United Nations."
        ),
    ),
    "Act.from": (_("From"), ""),
    "Act.to": (_("To"), ""),
    "Act.place.country": (_("Country where it happened"), _("Two-letter code, e.g. SY.")),
    "Act.place.place": (_("Place where it happened"), ""),
    "Act.in_host_country": (
        _("Committed in the host country?"),
        _("1F(b) covers only crimes committed outside the country of refuge."),
    ),
    "Act.before_admission": (
        _("Committed before admission as a refugee?"),
        _("1F(b) covers only crimes committed before admission."),
    ),
    "Act.mode_of_liability": (
        _("Mode of liability"),
        _(
            "How the person took part: committing, ordering, instigating, aiding and abetting, "
            "as a superior who failed to prevent or punish, or in a common purpose (Rome Statute "
            "Arts 25, 28)."
        ),
    ),
    "Act.knowledge": (
        _("Did the person know?"),
        _("Awareness of the acts and of their circumstances (Rome Statute Art 30)."),
    ),
    "Act.intent": (_("Did the person intend it?"), _("Rome Statute Art 30.")),
    "Act.defences_accepted": (
        _("Defences accepted"),
        _("Defences the decision-maker accepts (Rome Statute Arts 31, 33)."),
    ),
    "Act.political_objective": (
        _("Political objective?"),
        _(
            "Was the crime committed for a political objective, and is the link to it direct "
            "and not outweighed by its atrocious character? (1F(b))"
        ),
    ),
    "Act.particularly_cruel": (
        _("Particularly cruel?"),
        _("Particularly cruel acts are serious non-political crimes even if political."),
    ),
    "Act.expiation.sentence_served": (_("Has the sentence been served?"), ""),
    "Act.expiation.pardon": (_("Was the person pardoned?"), ""),
    "Act.expiation.amnesty_legitimate": (
        _("Was there a legitimate amnesty?"),
        _("An amnesty for crimes against humanity is not legitimate."),
    ),
    "Act.evidence_strength": (
        _("Strength of the evidence"),
        _(
            "“Serious reasons for considering” requires clear and credible evidence, more than "
            "suspicion; it need not be proof beyond reasonable doubt."
        ),
    ),
    "Act.evidence": (
        _("Evidence items"),
        _("Identifiers of items in the case file's evidence section, one per line."),
    ),
    # conduct.convictions[] — danger exceptions (Art 33(2), QD Art 14(4)-(5))
    "Conviction.offence": (_("Offence"), ""),
    "Conviction.on": (_("Date of the conviction"), ""),
    "Conviction.country": (_("Country of the conviction"), _("Two-letter code, e.g. DE.")),
    "Conviction.particularly_serious": (
        _("Particularly serious crime?"),
        _("Art 33(2): conviction by a final judgment of a particularly serious crime."),
    ),
    "Conviction.final": (_("Is the judgment final?"), ""),
    # conduct — the danger exceptions
    "Conduct.danger_to_security": (
        _("Danger to the security of the host country?"),
        _("Reasonable grounds for regarding the person as a danger to security (Art 33(2))."),
    ),
    "Conduct.danger_to_community": (
        _("Danger to the community?"),
        _("Only after a final conviction of a particularly serious crime (Art 33(2))."),
    ),
}

CHOICE_LABELS: dict[str, Any] = {
    # harms
    "killing": _("killing"),
    "torture": _("torture"),
    "detention": _("detention"),
    "disappearance": _("enforced disappearance"),
    "conscription": _("conscription"),
    "forced_recruitment": _("forced recruitment"),
    "sexual_violence": _("sexual violence"),
    "prosecution": _("prosecution or punishment"),
    "discrimination": _("discrimination"),
    "indiscriminate_violence": _("indiscriminate violence"),
    "death_penalty": _("death penalty"),
    "denial_of_treatment": _("denial of medical treatment"),
    "other": _("other"),
    # actors
    "state": _("the state"),
    "party_controlling_state": _("a party or organisation controlling the state"),
    "non_state": _("a non-state actor"),
    # grounds
    "race": _("race"),
    "religion": _("religion"),
    "nationality": _("nationality"),
    "particular_social_group": _("membership of a particular social group"),
    "political_opinion": _("political opinion"),
    # organisations
    "security_service": _("security or intelligence service"),
    "armed_forces": _("armed forces"),
    "armed_group": _("armed group"),
    "militia": _("militia"),
    "government": _("government"),
    "party": _("political party"),
    "terrorist_group": _("terrorist group"),
    # act categories
    "crime_against_peace": _("crime against peace — 1F(a)"),
    "war_crime": _("war crime — 1F(a)"),
    "crime_against_humanity": _("crime against humanity — 1F(a)"),
    "serious_non_political_crime": _("serious non-political crime — 1F(b)"),
    "acts_contrary_to_un_purposes": _("acts contrary to the purposes of the UN — 1F(c)"),
    "terrorist_group_participation": _("participation in a terrorist group"),
    # modes of liability
    "commission": _("commission"),
    "ordering": _("ordering"),
    "instigation": _("instigation"),
    "aiding_abetting": _("aiding and abetting"),
    "superior_responsibility": _("superior (command) responsibility"),
    "common_purpose": _("common purpose"),
    # defences
    "duress": _("duress"),
    "superior_orders": _("superior orders"),
    "self_defence": _("self-defence"),
    "lack_of_capacity": _("lack of mental capacity"),
    # evidence strength
    "none": _("none"),
    "suspicion": _("suspicion only"),
    "clear_and_credible": _("clear and credible"),
    "proven": _("proven"),
}

GROUND_STATES: dict[str, Any] = {
    "": _("not claimed"),
    "claimed": _("claimed (imputed or not: not decided)"),
    "held": _("claimed: the person holds it"),
    "imputed": _("claimed: imputed by the persecutor"),
}
