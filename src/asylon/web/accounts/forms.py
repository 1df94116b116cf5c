from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _


class SecondFactorForm(forms.Form):
    code = forms.CharField(
        label=_("Code from your authenticator app, or a recovery code"),
        max_length=32,
        required=False,
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "text", "autofocus": True}
        ),
    )
    assertion = forms.CharField(required=False, widget=forms.HiddenInput, max_length=20_000)

    def clean(self) -> dict:
        data = super().clean() or {}
        if not data.get("code") and not data.get("assertion"):
            raise forms.ValidationError(_("Enter a code or use your security key."))
        return data


class ReauthForm(SecondFactorForm):
    password = forms.CharField(
        label=_("Password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )
    field_order = ("password", "code", "assertion")

    def __init__(self, *args: object, second_factor: bool, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.second_factor = second_factor
        if not second_factor:
            del self.fields["code"], self.fields["assertion"]
        else:
            self.fields["code"].widget.attrs.pop("autofocus", None)

    def clean(self) -> dict:
        if self.second_factor:
            return super().clean()
        return forms.Form.clean(self) or {}


class TotpConfirmForm(forms.Form):
    code = forms.CharField(
        label=_("The 6-digit code your app shows now"),
        max_length=10,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}),
    )


class WebAuthnRegisterForm(forms.Form):
    name = forms.CharField(label=_("Name of the key"), max_length=80, initial=_("Security key"))
    credential = forms.CharField(widget=forms.HiddenInput, max_length=50_000)
