"""Forms for the case file's list sections — the fears of the claim, military service, and the
conduct examined under Article 1F — built from the contract's own models (asylon.law.facts), so
the forms can never drift from what the engine reads.

Every field is optional and "not decided" is stored as absent (unknown, never false). Each
model field becomes one form field; a nested model (a place, an expiation) is flattened into
``place-country``, ``expiation-pardon``; the ``from`` alias is kept. Labels and help texts live
in ``asylon.web.cases.section_text`` so translators see them; a test checks that every field
built here has one.
"""

from __future__ import annotations

import types
from dataclasses import dataclass
from datetime import date
from typing import Any, ClassVar, Literal, Union, get_args, get_origin

from django import forms
from django.forms import formset_factory
from django.utils.translation import gettext_lazy as _
from pydantic import BaseModel
from pydantic.functional_validators import AfterValidator

from asylon.law.facts import GroundClaim
from asylon.web.cases.forms import UNKNOWN, UNKNOWN_LABEL, YES_NO, _country
from asylon.web.cases.section_text import CHOICE_LABELS, FIELD_TEXT, GROUND_STATES

NONE = "none-decided"
NONE_LABEL = _("none of these (decided)")
Kind = Literal[
    "bool", "date", "text", "long_text", "country", "choice", "multi", "lines", "grounds"
]
LONG_TEXT = {"description", "function"}


@dataclass(frozen=True)
class Spec:
    """One form field: where it lives in an item of the section, and what it holds."""

    model: str  # the contract model's name, e.g. "Act"
    keys: tuple[str, ...]  # keys in the item's JSON, by alias: ("place", "country")
    kind: Kind
    choices: tuple[str, ...] = ()
    optional: bool = True  # may be null (unknown); a list that may not is stored as [] when empty

    @property
    def name(self) -> str:
        return "-".join(self.keys)

    @property
    def text_key(self) -> str:
        return f"{self.model}.{'.'.join(self.keys)}"


def _optional(annotation: Any) -> Any:
    if get_origin(annotation) in (Union, types.UnionType):
        args = [a for a in get_args(annotation) if a is not type(None)]
        return args[0] if len(args) == 1 else annotation
    return annotation


def specs(model: type[BaseModel], only: set[str] | None = None) -> list[Spec]:
    """The form fields of one contract model (flattening nested models)."""
    return _specs(model, model.__name__, (), only)


def _specs(
    model: type[BaseModel], owner: str, prefix: tuple[str, ...], only: set[str] | None
) -> list[Spec]:
    out: list[Spec] = []
    for name, info in model.model_fields.items():
        key = info.alias or name
        if only is not None and key not in only:
            continue
        keys = (*prefix, key)
        ann = _optional(info.annotation)
        optional = ann is not info.annotation
        origin = get_origin(ann)
        metadata = [*info.metadata, *getattr(ann, "__metadata__", ())]
        if any(isinstance(m, AfterValidator) for m in metadata):
            out.append(Spec(owner, keys, "country"))
        elif ann is bool:
            out.append(Spec(owner, keys, "bool"))
        elif ann is date:
            out.append(Spec(owner, keys, "date"))
        elif ann is str:
            out.append(Spec(owner, keys, "long_text" if key in LONG_TEXT else "text"))
        elif origin is Literal:
            out.append(Spec(owner, keys, "choice", tuple(get_args(ann))))
        elif origin is list:
            (item,) = get_args(ann)
            if get_origin(item) is Literal:
                out.append(Spec(owner, keys, "multi", tuple(get_args(item)), optional))
            elif item is str:
                out.append(Spec(owner, keys, "lines", optional=optional))
            elif item is GroundClaim:
                ground = GroundClaim.model_fields["ground"].annotation
                out.append(Spec(owner, keys, "grounds", tuple(get_args(ground))))
            else:  # pragma: no cover - a contract change this module must learn about
                raise TypeError(f"{owner}.{key}: no form field for list of {item!r}")
        elif isinstance(ann, type) and issubclass(ann, BaseModel):
            out += _specs(ann, owner, keys, None)
        else:  # pragma: no cover
            raise TypeError(f"{owner}.{key}: no form field for {ann!r}")
    return out


def _label(value: str) -> Any:
    return CHOICE_LABELS.get(value, value)


def _field(spec: Spec) -> forms.Field:
    label, help_text = FIELD_TEXT.get(spec.text_key, (spec.keys[-1], ""))
    common: dict[str, Any] = {"label": label, "help_text": help_text, "required": False}
    if spec.kind == "bool":
        return forms.ChoiceField(choices=YES_NO, **common)
    if spec.kind == "date":
        return forms.DateField(widget=forms.DateInput(attrs={"type": "date"}), **common)
    if spec.kind == "choice":
        choices = [(UNKNOWN, UNKNOWN_LABEL), *((c, _label(c)) for c in spec.choices)]
        return forms.ChoiceField(choices=choices, **common)
    if spec.kind == "multi":
        none = [(NONE, NONE_LABEL)] if spec.optional else []
        return forms.MultipleChoiceField(
            choices=[*none, *((c, _label(c)) for c in spec.choices)],
            widget=forms.CheckboxSelectMultiple,
            **common,
        )
    if spec.kind in ("lines", "long_text"):
        return forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), **common)
    if spec.kind == "country":
        return forms.CharField(max_length=2, **common)
    return forms.CharField(max_length=300, **common)


def _ground_field(ground: str) -> forms.Field:
    return forms.ChoiceField(
        label=_label(ground), choices=list(GROUND_STATES.items()), required=False, initial=UNKNOWN
    )


def _get(item: dict[str, Any], keys: tuple[str, ...]) -> Any:
    node: Any = item
    for key in keys:
        if not isinstance(node, dict):
            return None
        node = node.get(key)
    return node


class SectionItemForm(forms.Form):
    """One item (a fear, a role, an act...) or one object (military service)."""

    section_specs: ClassVar[list[Spec]] = []

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for spec in self.section_specs:
            if spec.kind == "grounds":
                for ground in spec.choices:
                    self.fields[f"{spec.name}-{ground}"] = _ground_field(ground)
            else:
                self.fields[spec.name] = _field(spec)

    @classmethod
    def initial_for(cls, item: dict[str, Any]) -> dict[str, Any]:
        """Form initial values from a stored item."""
        out: dict[str, Any] = {}
        for spec in cls.section_specs:
            value = _get(item, spec.keys)
            if spec.kind == "bool":
                out[spec.name] = {True: "yes", False: "no"}.get(value, UNKNOWN)
            elif spec.kind == "lines":
                out[spec.name] = "\n".join(value or [])
            elif spec.kind == "multi" and value == [] and spec.optional:
                out[spec.name] = [NONE]
            elif spec.kind == "grounds":
                for claim in value or []:
                    state = {True: "imputed", False: "held"}.get(claim.get("imputed"), "claimed")
                    out[f"{spec.name}-{claim['ground']}"] = state
            elif value is not None:
                out[spec.name] = value
        return out

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        for spec in self.section_specs:
            if (
                spec.kind == "multi"
                and NONE in (data.get(spec.name) or [])
                and len(data[spec.name]) > 1
            ):
                self.add_error(
                    spec.name,
                    _("Tick “none of these” alone, or tick the ones that apply."),
                )
            if spec.kind == "country" and data.get(spec.name):
                code = _country(data[spec.name])
                if code is None:
                    self.add_error(
                        spec.name,
                        forms.ValidationError(
                            _("Not a two-letter ISO country code: %(codes)s (e.g. SY, RU, DE)."),
                            params={"codes": data[spec.name]},
                            code="country",
                        ),
                    )
                else:
                    data[spec.name] = code
        return data

    def item(self) -> dict[str, Any]:
        """The stored item: only what has been decided (absent means unknown)."""
        out: dict[str, Any] = {}
        for spec in self.section_specs:
            value = self._value(spec)
            if value is None:
                continue
            node = out
            for key in spec.keys[:-1]:
                node = node.setdefault(key, {})
            node[spec.keys[-1]] = value
        return out

    def _value(self, spec: Spec) -> Any:
        d = self.cleaned_data
        if spec.kind == "grounds":
            claims = []
            stored = [
                k.removeprefix(f"{spec.name}-")
                for k in self.initial
                if k.startswith(f"{spec.name}-")
            ]
            for ground in [*stored, *(g for g in spec.choices if g not in stored)]:
                state = d.get(f"{spec.name}-{ground}") or UNKNOWN
                if state == "claimed":
                    claims.append({"ground": ground})
                elif state in ("imputed", "held"):
                    claims.append({"ground": ground, "imputed": state == "imputed"})
            return claims or None
        raw = d.get(spec.name)
        if spec.kind == "bool":
            return {"yes": True, "no": False}.get(raw or UNKNOWN)
        if spec.kind == "date":
            return raw.isoformat() if raw else None
        if spec.kind == "multi":
            chosen = list(raw or [])
            if NONE in chosen:
                return []
            return chosen or None
        if spec.kind == "lines":
            lines = [line.strip() for line in (raw or "").splitlines() if line.strip()]
            return lines or (None if spec.optional else [])
        if isinstance(raw, str):
            return raw.strip() or None
        return raw

    def field_for(self, path: str) -> str | None:
        """The form field that supplies ``path`` (dotted keys inside the item)."""
        name = path.replace(".", "-")
        if name in self.fields:
            return name
        for spec in self.section_specs:
            if spec.kind == "grounds" and name.startswith(spec.name):
                return f"{spec.name}-{spec.choices[0]}"
        return None


def item_form(model: type[BaseModel], only: set[str] | None = None) -> type[SectionItemForm]:
    return type(
        f"{model.__name__}Form",
        (SectionItemForm,),
        {"section_specs": specs(model, only)},
    )


def item_formset(model: type[BaseModel]) -> Any:
    return formset_factory(item_form(model), extra=1, can_delete=True)
