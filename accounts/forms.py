from typing import Any

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from accounts.backends import password_reconfirm
from accounts.models import ApiToken
from accounts.pins import pin_rules_check
from accounts.zones import time_zone_names, zone_name_of


class PinForm(forms.Form):
    password = forms.CharField(
        label=_("Your password"),
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
        error_messages={"required": _("Your password is required to set a PIN.")},
        help_text=_("A PIN proves who you are to support, so setting one asks who you are."),
    )
    pin = forms.CharField(
        label=_("New PIN"),
        widget=forms.PasswordInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
        error_messages={"required": _("PIN is required.")},
        help_text=_("6 to 8 digits; not one digit repeated, not a run like 123456."),
    )
    pin_again = forms.CharField(
        label=_("New PIN again"),
        widget=forms.PasswordInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
        error_messages={"required": _("Type the PIN again.")},
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
            raise ValidationError(_("Your password is not correct."))
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
            self.add_error("pin_again", _("The two PINs differ."))
        return data


class VerifyCallerForm(forms.Form):
    alias = forms.CharField(label=_("Account alias"), max_length=40)
    email = forms.CharField(label=_("User's email"), max_length=254)
    pin = forms.CharField(
        label=_("PIN"), max_length=20, widget=forms.PasswordInput(attrs={"autocomplete": "off"})
    )
    ticket = forms.IntegerField(required=False, widget=forms.HiddenInput)
    record = forms.BooleanField(required=False, label=_("Record on the ticket's history"))


class InviteForm(forms.Form):
    email = forms.EmailField(
        error_messages={
            "required": _("Email is required."),
            "invalid": _("Enter a valid email address."),
        }
    )
    full_name = forms.CharField(
        label=_("Name"), max_length=150, error_messages={"required": _("Name is required.")}
    )


class OtpCodeForm(forms.Form):
    code = forms.CharField(
        label=_("Code from your authenticator app"),
        max_length=10,
        widget=forms.TextInput(
            attrs={"inputmode": "numeric", "autocomplete": "one-time-code", "autofocus": True}
        ),
        error_messages={"required": _("Code is required.")},
    )

    def clean_code(self) -> str:
        code = self.cleaned_data["code"].replace(" ", "")
        if not code.isdigit() or len(code) != 6:
            raise ValidationError(_("The code is the 6 digits your app shows."))
        return code


def _expiry_days(value: str) -> int | None:
    return None if value == "never" else int(value)


class ApiTokenForm(forms.Form):
    name = forms.CharField(
        label=_("Token name"),
        max_length=100,
        help_text=_("What uses it, for example: monitoring, or the CRM integration."),
        error_messages={"required": _("Name is required: say what the token is for.")},
    )
    scope = forms.ChoiceField(
        label=_("Access"),
        choices=ApiToken.Scope.choices,
        initial=ApiToken.Scope.READ,
        help_text=_("A read only token can look at everything you can, but change nothing."),
        error_messages={
            "required": _("Choose what the token may do."),
            "invalid_choice": _("Choose read only, or read and write."),
        },
    )
    expires_in_days = forms.TypedChoiceField(
        label=_("Expires"),
        choices=[
            ("7", _("In 7 days")),
            ("30", _("In 30 days")),
            ("90", _("In 90 days")),
            ("365", _("In a year")),
            ("never", _("Never")),
        ],
        coerce=_expiry_days,
        initial="90",
        error_messages={
            "required": _("Choose when the token expires."),
            "invalid_choice": _("A token expires after 7, 30, 90 or 365 days, or never."),
        },
    )


class PreferencesForm(forms.Form):
    """The language and time zone of the user's pages and emails."""

    language = forms.ChoiceField(
        label=_("Language"),
        required=False,
        help_text=_("Pages and emails are written in this language."),
    )
    time_zone = forms.ChoiceField(
        label=_("Time zone"),
        help_text=_("Every time on these pages and in your emails is shown in this zone."),
    )

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        language = self.fields["language"]
        assert isinstance(language, forms.ChoiceField)
        language.choices = [("", _("Your browser's language")), *settings.LANGUAGES]
        if user is not None:
            language.initial = user.language
        field = self.fields["time_zone"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [(name, name) for name in time_zone_names()]
        if user is not None:
            field.initial = zone_name_of(user)
