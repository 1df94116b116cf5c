"""Family members who are clients too: the link form and how a relation reads backwards."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from asylon.web.cases.access import visible_cases
from asylon.web.cases.models import Client, FamilyLink

RECIPROCAL = {"child": "parent", "parent": "child"}


class _ByName(forms.models.ModelChoiceIterator):
    """The choices sorted by the (decrypted) name."""

    def __iter__(self) -> Any:
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        for obj in sorted(self.queryset, key=lambda c: (c.full_name.casefold(), c.pk)):
            yield self.choice(obj)


class FamilyLinkForm(forms.Form):
    relative = forms.ModelChoiceField(
        label=_("Family member"),
        queryset=Client.objects.none(),
        help_text=_("Another client whose case you can open."),
    )
    relation = forms.ChoiceField(
        label=_("Relation"),
        choices=FamilyLink.Relation.choices,
        help_text=_("What the family member is to this client, e.g. “child”."),
    )

    def __init__(self, *args: Any, case: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field: Any = self.fields["relative"]
        field.queryset = (
            Client.objects.filter(pk__in=visible_cases(user).values("client_id"))
            .exclude(pk=case.client_id)
            .order_by("pk")
        )
        field.iterator = _ByName  # names are encrypted: sorted here, not by the database
        field.label_from_instance = lambda c: c.full_name
