"""Forms for opening a case and recording the decision-maker's findings.

Field meanings follow docs/case-file.md. A choice left at "not decided" is stored as null:
unknown, never false.
"""

from __future__ import annotations

from datetime import date
from typing import Any, get_args

import pycountry
from django import forms
from django.utils.translation import gettext_lazy as _

from asylon.evidence.gazetteer import AmbiguousPlace, Gazetteer, UnknownPlace
from asylon.law import LawNotInForce
from asylon.law.facts import FORMAT, CaseFileError, ProcedureKind
from asylon.law.parameters import load_profile
from asylon.web.cases.casefile import validated

UNKNOWN = ""
UNKNOWN_LABEL = _("not decided (unknown)")

YES_NO = [(UNKNOWN, UNKNOWN_LABEL), ("yes", _("yes")), ("no", _("no"))]
LEVELS = [
    (UNKNOWN, UNKNOWN_LABEL),
    ("none", _("none")),
    ("remote", _("remote")),
    ("reasonable_likelihood", _("reasonable likelihood")),
    ("substantial", _("substantial")),
]
PROCEDURE_LABELS = {
    "refugee_status": _("refugee status"),
    "temporary_asylum": _("temporary asylum"),
    "political_asylum": _("political asylum"),
    "international_protection": _("international protection (EU)"),
    "mandate_rsd": _("UNHCR mandate refugee status determination"),
    "status_review": _("review of a status held"),
    "removal": _("removal"),
    "extradition": _("extradition"),
}


def _split(text: str) -> list[str]:
    return [part.strip() for part in text.split(",") if part.strip()]


def _country(code: str) -> str | None:
    """The ISO 3166-1 alpha-2 code, upper-cased, or None if there is no such country."""
    code = code.strip().upper()
    return code if len(code) == 2 and pycountry.countries.get(alpha_2=code) else None


def _language(code: str) -> bool:
    return bool(
        (len(code) == 2 and pycountry.languages.get(alpha_2=code))
        or (len(code) == 3 and pycountry.languages.get(alpha_3=code))
    )


def jurisdiction_errors(value: str) -> list[str]:
    """Why ``value`` is not a usable jurisdiction: the contract's rule, then the law's own
    list of EU member states (so eu:us is refused here, not at the first assessment)."""
    doc = {"format": FORMAT, "id": "new", "jurisdiction": value, "as_of": date.today()}
    try:
        validated(doc)
    except CaseFileError as err:
        return [msg for path, msg in err.errors if path == "jurisdiction"] or [str(err)]
    if value.startswith("eu:"):
        try:
            load_profile("eu", value[3:].upper())
        except LawNotInForce as err:
            return [str(err).removeprefix("jurisdiction: ")]
    return []


class ClientCaseForm(forms.Form):
    full_name = forms.CharField(
        label=_("Full name"),
        max_length=200,
        help_text=_("As the person gives it. Used for screening, not by the law."),
    )
    aliases = forms.CharField(
        label=_("Other names and spellings"),
        required=False,
        help_text=_("Separate them with commas, e.g. a name in Arabic or Russian script."),
    )
    born = forms.DateField(
        label=_("Date of birth"),
        required=False,
        help_text=_("YYYY-MM-DD. Leave empty if not known."),
    )
    sex = forms.ChoiceField(
        label=_("Sex"),
        required=False,
        choices=[
            (UNKNOWN, _("not known")),
            ("female", _("female")),
            ("male", _("male")),
            ("other", _("other")),
        ],
    )
    nationalities = forms.CharField(
        label=_("Nationalities"),
        required=False,
        help_text=_(
            "Two-letter country codes, separated by commas, e.g. SY or SY, RU. "
            "Leave empty for a stateless person or if not known."
        ),
    )
    stateless = forms.ChoiceField(
        label=_("Stateless"),
        required=False,
        choices=YES_NO,
        help_text=_("Does no state consider the person its national?"),
    )
    home_country = forms.CharField(
        label=_("Home country"),
        required=False,
        max_length=2,
        help_text=_(
            "Two-letter code of the country of nationality or, for a stateless person, "
            "of former habitual residence, e.g. SY."
        ),
    )
    home_place = forms.CharField(
        label=_("Home area"),
        required=False,
        max_length=120,
        help_text=_(
            "Where the person last lived in that country: a city, district or governorate "
            "(e.g. Aleppo, حلب, Алеппо or SY02). For Syria it must be a place the gazetteer "
            "knows; the country evidence for that area is used for the assessment."
        ),
    )
    languages = forms.CharField(
        label=_("Languages"),
        required=False,
        help_text=_(
            "Languages the person speaks, as ISO 639 codes separated by commas, first the one "
            "for interviews: e.g. ar, ku, ru."
        ),
    )
    contact = forms.CharField(
        label=_("Contact"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_(
            "How to reach the person safely (telephone, messenger, address). Note who else "
            "may read messages on that channel."
        ),
    )
    jurisdiction = forms.CharField(
        label=_("Jurisdiction"),
        max_length=8,
        initial="ru",
        help_text=_(
            "Whose law decides the case: unhcr (UNHCR mandate), ru (Russian Federation), "
            "eu, or eu: followed by a member state’s code, e.g. eu:de for Germany."
        ),
    )
    procedure_kind = forms.ChoiceField(
        label=_("Procedure"),
        required=False,
        choices=[(UNKNOWN, _("not known"))]
        + [(k, PROCEDURE_LABELS.get(k, k)) for k in get_args(ProcedureKind)],
        help_text=_("The kind of application or procedure the case is about."),
    )
    restricted = forms.BooleanField(
        label=_("Restricted"),
        required=False,
        help_text=_(
            "Only named users may open a restricted case; you are named as its first user."
        ),
    )

    def clean_aliases(self) -> list[str]:
        return _split(self.cleaned_data["aliases"])

    def clean_nationalities(self) -> list[str]:
        codes = _split(self.cleaned_data["nationalities"])
        bad = [c for c in codes if _country(c) is None]
        if bad:
            raise forms.ValidationError(
                _("Not a two-letter ISO country code: %(codes)s (e.g. SY, RU, DE)."),
                params={"codes": ", ".join(bad)},
                code="country",
            )
        return list(dict.fromkeys(c.upper() for c in codes))

    def clean_languages(self) -> list[str]:
        codes = [c.lower() for c in _split(self.cleaned_data["languages"])]
        bad = [c for c in codes if not _language(c)]
        if bad:
            raise forms.ValidationError(
                _("Not an ISO 639 language code: %(codes)s (e.g. ar, ku, ru, en)."),
                params={"codes": ", ".join(bad)},
                code="language",
            )
        return list(dict.fromkeys(codes))

    def clean_stateless(self) -> bool | None:
        return {"yes": True, "no": False}.get(self.cleaned_data["stateless"])

    def clean_home_country(self) -> str:
        code: str = self.cleaned_data["home_country"].strip()
        if code and _country(code) is None:
            raise forms.ValidationError(
                _("Not a two-letter ISO country code: %(codes)s (e.g. SY, RU, DE)."),
                params={"codes": code},
                code="country",
            )
        return code.upper()

    def clean_jurisdiction(self) -> str:
        value: str = self.cleaned_data["jurisdiction"].strip().lower()
        errors = jurisdiction_errors(value)
        if errors:
            raise forms.ValidationError(errors)
        return value

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        place = (data.get("home_place") or "").strip()
        country = data.get("home_country") or ""
        data["home_place"] = place
        if place and not country and "home_country" not in self.errors:
            self.add_error("home_country", _("Give the country the home area lies in."))
        elif place and country == "SY":
            try:
                Gazetteer.load().resolve_home_area(place, country)
            except UnknownPlace as err:
                message = _("Unknown place “%(place)s”.") % {"place": place}
                if err.suggestions:
                    message = _("Unknown place “%(place)s”. Did you mean: %(suggestions)s?") % {
                        "place": place,
                        "suggestions": "; ".join(err.suggestions),
                    }
                self.add_error("home_place", message)
            except AmbiguousPlace as err:
                self.add_error(
                    "home_place",
                    _("“%(place)s” could be several places: %(candidates)s. Give a code.")
                    % {"place": place, "candidates": "; ".join(p.label() for p in err.candidates)},
                )
        return data

    def applicant(self) -> dict[str, Any]:
        """The ``applicant`` section (without the name, which travels with the client)."""
        d = self.cleaned_data
        out: dict[str, Any] = {"nationalities": d["nationalities"]}
        if d["stateless"] is not None:
            out["stateless"] = d["stateless"]
        if d["home_country"]:
            home: dict[str, Any] = {"country": d["home_country"]}
            if d["home_place"]:
                home["place"] = d["home_place"]
            out["habitual_residence"] = home
        if d["born"]:
            out["born"] = d["born"].isoformat()
        if d["sex"]:
            out["sex"] = d["sex"]
        return out


CASE_FIELDS = ("jurisdiction", "procedure_kind", "restricted")
# The applicant keys the client form writes; the others (arrival, vulnerabilities...) are kept.
APPLICANT_KEYS = ("nationalities", "stateless", "habitual_residence", "born", "sex")


class ClientForm(ClientCaseForm):
    """The client alone: the same fields and checks as when the case was opened."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name in CASE_FIELDS:
            del self.fields[name]

    @classmethod
    def initial_for(cls, client: Any) -> dict[str, Any]:
        return {
            "full_name": client.full_name,
            "aliases": ", ".join(client.aliases),
            "born": client.born,
            "sex": client.sex,
            "nationalities": ", ".join(client.nationalities),
            "stateless": {True: "yes", False: "no"}.get(client.stateless, UNKNOWN),
            "home_country": client.home_country,
            "home_place": client.home_place,
            "languages": ", ".join(client.languages),
            "contact": client.contact,
        }


class CaseSettingsForm(forms.Form):
    """Jurisdiction, procedure, status, who works on the case and who may open it."""

    jurisdiction = ClientCaseForm.base_fields["jurisdiction"]
    procedure_kind = ClientCaseForm.base_fields["procedure_kind"]
    status = forms.ChoiceField(label=_("Status"))
    assigned = forms.ModelMultipleChoiceField(
        label=_("Caseworkers"),
        queryset=None,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Members of the case's team who work on it."),
    )
    restricted = ClientCaseForm.base_fields["restricted"]
    named_users = forms.ModelMultipleChoiceField(
        label=_("Named users of a restricted case"),
        queryset=None,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Only these people may open the case while it is restricted; you stay named."),
    )

    def __init__(self, *args: Any, case: Any, **kwargs: Any) -> None:
        from asylon.web.accounts.models import User
        from asylon.web.cases.models import Case

        super().__init__(*args, **kwargs)
        members = User.objects.filter(team=case.team, is_active=True).exclude(
            role=User.Role.RESEARCHER
        )
        self.fields["assigned"].queryset = members.order_by("username")  # type: ignore[attr-defined]
        self.fields["named_users"].queryset = members.order_by("username")  # type: ignore[attr-defined]
        self.fields["status"].choices = Case.Status.choices  # type: ignore[attr-defined]

    clean_jurisdiction = ClientCaseForm.clean_jurisdiction


# (contract path, kind, label, help text). The form field's name and HTML id is the path with
# dots replaced by "-", so the case page can link straight to a missing finding.
FINDINGS: list[tuple[str, str, Any, Any]] = [
    (
        "claim.findings.credible",
        "bool",
        _("Is the account credible?"),
        _(
            "Do you accept the person's account of what happened and what they fear as "
            "believable, as a whole?"
        ),
    ),
    (
        "claim.findings.risk_of_persecution",
        "level",
        _("Risk of persecution on return"),
        _(
            "How likely is it that the person would be persecuted if returned home? "
            "“Reasonable likelihood” is enough for a well-founded fear; it need not be more "
            "likely than not."
        ),
    ),
    (
        "claim.findings.state_protection_available",
        "bool",
        _("Would the home state protect the person?"),
        _(
            "Could and would the authorities of the home country give effective protection "
            "against the harm feared? Answer “no” if the state itself is the persecutor."
        ),
    ),
    (
        "claim.findings.internal_protection.safe",
        "bool",
        _("Is another part of the country safe?"),
        _(
            "Is there an area of the home country where the person would not face the "
            "feared harm and could get there safely?"
        ),
    ),
    (
        "claim.findings.internal_protection.reasonable",
        "bool",
        _("Is it reasonable to expect the person to live there?"),
        _(
            "Could the person lead a relatively normal life in that area without undue "
            "hardship (family, work, housing, their age and health)?"
        ),
    ),
    (
        "claim.findings.risk_of_serious_harm.death_penalty",
        "level",
        _("Risk of the death penalty or execution"),
        _("How likely is it that the person would be sentenced to death or executed?"),
    ),
    (
        "claim.findings.risk_of_serious_harm.torture_or_inhuman_treatment",
        "level",
        _("Risk of torture or inhuman or degrading treatment"),
        _(
            "How likely is it that the person would be tortured or treated or punished in an "
            "inhuman or degrading way? “Substantial” is the test for most bars on return."
        ),
    ),
    (
        "claim.findings.risk_of_serious_harm.indiscriminate_violence",
        "level",
        _("Risk from indiscriminate violence in armed conflict"),
        _(
            "How likely is a serious threat to the person's life because of indiscriminate "
            "violence where they would return? Leave “not decided” to let the assessment use "
            "the country evidence for the home area and date."
        ),
    ),
    (
        "claim.findings.risk_of_serious_harm.serious_illness_without_treatment",
        "level",
        _("Risk from serious illness without treatment"),
        _(
            "How likely is it that a serious illness would go untreated on return, leading to "
            "a rapid, serious and irreversible decline in health or a significant shortening "
            "of life?"
        ),
    ),
    (
        "claim.findings.flagrant_denial_of_justice",
        "level",
        _("Risk of a flagrantly unfair trial"),
        _(
            "How likely is it that the person would face a trial so unfair that it destroys "
            "the very essence of the right to a fair trial (e.g. a conviction on evidence "
            "obtained by torture)?"
        ),
    ),
]
PREFIX = "claim.findings."


def field_name(path: str) -> str:
    return path.replace(".", "-")


def _get(tree: dict[str, Any], keys: list[str]) -> Any:
    for key in keys:
        if not isinstance(tree, dict):
            return None
        tree = tree.get(key)  # type: ignore[assignment]
    return tree


class FindingsForm(forms.Form):
    """``claim.findings``; every field optional, "not decided" stored as null (unknown)."""

    def __init__(self, *args: Any, findings: dict[str, Any] | None = None, **kwargs: Any) -> None:
        kwargs.setdefault("auto_id", "%s")
        super().__init__(*args, **kwargs)
        self.findings = dict(findings or {})
        for path, kind, label, help_text in FINDINGS:
            name = field_name(path)
            value = _get(self.findings, path.removeprefix(PREFIX).split("."))
            if kind == "bool":
                initial = {True: "yes", False: "no"}.get(value, UNKNOWN)
            else:
                initial = value or UNKNOWN
            self.fields[name] = forms.ChoiceField(
                label=label,
                help_text=help_text,
                required=False,
                choices=YES_NO if kind == "bool" else LEVELS,
                initial=initial,
            )

    def values(self) -> dict[str, Any]:
        """Contract path → value (None for "not decided")."""
        out: dict[str, Any] = {}
        for path, kind, _label, _help in FINDINGS:
            raw = self.cleaned_data.get(field_name(path)) or UNKNOWN
            if kind == "bool":
                out[path] = {"yes": True, "no": False}.get(raw)
            else:
                out[path] = raw or None
        return out

    def current(self) -> dict[str, Any]:
        """Contract path → the value stored now."""
        return {
            path: _get(self.findings, path.removeprefix(PREFIX).split("."))
            for path, *_rest in FINDINGS
        }

    def merged(self) -> dict[str, Any]:
        """The stored findings with this form's values laid over them (other keys kept)."""
        out: dict[str, Any] = json_copy(self.findings)
        for path, value in self.values().items():
            keys = path.removeprefix(PREFIX).split(".")
            node = out
            for key in keys[:-1]:
                if not isinstance(node.get(key), dict):
                    node[key] = {}
                node = node[key]
            node[keys[-1]] = value
        return out

    def add_path_error(self, path: str, message: str) -> None:
        name = field_name(path)
        self.add_error(name if name in self.fields else None, f"{path}: {message}")


def json_copy(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: json_copy(v) for k, v in value.items()}
    if isinstance(value, list):
        return [json_copy(v) for v in value]
    return value
