from typing import Any

from django import forms
from django.core.exceptions import ValidationError

from accounts.backends import password_reconfirm
from accounts.pins import pin_rules_check
from accounts.zones import time_zone_names, zone_name_of


class PinForm(forms.Form):
    password = forms.CharField(
        label="Your password",
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
        error_messages={"required": "Your password is required to set a PIN."},
        help_text="A PIN proves who you are to support, so setting one asks who you are.",
    )
    pin = forms.CharField(
        label="New PIN",
        widget=forms.PasswordInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
        error_messages={"required": "PIN is required."},
        help_text="6 to 8 digits; not one digit repeated, not a run like 123456.",
    )
    pin_again = forms.CharField(
        label="New PIN again",
        widget=forms.PasswordInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
        error_messages={"required": "Type the PIN again."},
    )

    def __init__(self, *args, user=None, request=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.request = request

    def clean_password(self) -> str:
        password = self.cleaned_data["password"]
        # A refusal counts toward the login lockout; once it locks, django-axes'
        # middleware answers 429 for this request and the next ones.
        if self.user is None or not password_reconfirm(
            request=self.request, user=self.user, password=password
        ):
            raise ValidationError("Your password is not correct.")
        return password

    def clean_pin(self) -> str:
        try:
            return pin_rules_check(self.cleaned_data["pin"])
        except ValidationError as error:
            raise ValidationError(error.message_dict["pin"]) from None

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        if data.get("pin") and data.get("pin_again", "").strip() != data["pin"]:
            self.add_error("pin_again", "The two PINs differ.")
        return data


class VerifyCallerForm(forms.Form):
    alias = forms.CharField(label="Account alias", max_length=40)
    email = forms.CharField(label="User's email", max_length=254)
    pin = forms.CharField(
        label="PIN", max_length=20, widget=forms.PasswordInput(attrs={"autocomplete": "off"})
    )
    ticket = forms.IntegerField(required=False, widget=forms.HiddenInput)
    record = forms.BooleanField(required=False, label="Record on the ticket's history")


class InviteForm(forms.Form):
    email = forms.EmailField(
        error_messages={"required": "Email is required.", "invalid": "Enter a valid email address."}
    )
    full_name = forms.CharField(
        label="Name", max_length=150, error_messages={"required": "Name is required."}
    )


class OtpCodeForm(forms.Form):
    code = forms.CharField(
        label="Code from your authenticator app",
        max_length=10,
        widget=forms.TextInput(
            attrs={"inputmode": "numeric", "autocomplete": "one-time-code", "autofocus": True}
        ),
        error_messages={"required": "Code is required."},
    )

    def clean_code(self) -> str:
        code = self.cleaned_data["code"].replace(" ", "")
        if not code.isdigit() or len(code) != 6:
            raise ValidationError("The code is the 6 digits your app shows.")
        return code


class ApiTokenForm(forms.Form):
    name = forms.CharField(
        label="Token name",
        max_length=100,
        help_text="What uses it, for example: monitoring, or the CRM integration.",
        error_messages={"required": "Name is required: say what the token is for."},
    )


class PreferencesForm(forms.Form):
    """How times are shown to the user (and written in their emails)."""

    time_zone = forms.ChoiceField(
        label="Time zone",
        help_text="Every time on these pages and in your emails is shown in this zone.",
    )

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["time_zone"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [(name, name) for name in time_zone_names()]
        if user is not None:
            field.initial = zone_name_of(user)
