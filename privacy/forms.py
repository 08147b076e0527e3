from django import forms
from django.utils.translation import gettext_lazy as _


class EraseForm(forms.Form):
    """The confirmation an erasure asks for: it cannot be undone."""

    confirm_email = forms.CharField(
        label=_("Type their email address to confirm"),
        max_length=254,
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )
    remove_files = forms.BooleanField(
        label=_("Also delete the files they uploaded"),
        required=False,
        help_text=_("Otherwise their files stay on the tickets, as their messages do."),
    )

    def __init__(self, *args, email: str, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.email = email

    def clean_confirm_email(self) -> str:
        typed = self.cleaned_data["confirm_email"].strip()
        if typed.lower() != self.email.lower():
            raise forms.ValidationError(_("This is not the user's email address."))
        return typed
