from typing import ClassVar

from django import forms
from django.utils.translation import gettext_lazy as _

from tickets.models import (
    REFERENCE_MAX_LENGTH,
    SATISFACTION_COMMENT_MAX_LENGTH,
    SUBJECT_MAX_LENGTH,
    Category,
    Priority,
    SatisfactionRating,
)

SUBJECT_MAX = SUBJECT_MAX_LENGTH
REFERENCE_MAX = REFERENCE_MAX_LENGTH


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one field; the services check them (type, size, count)."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput())
        kwargs.setdefault("required", False)
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        if isinstance(data, list | tuple):
            return [super(MultipleFileField, self).clean(item, initial) for item in data if item]
        return [super().clean(data, initial)] if data else []


# Each error names its field in a whole sentence, so that a language can phrase it.
_REFERENCE_TOO_LONG = {
    "max_length": _(
        "Internal reference can be at most %(limit_value)d characters (it has %(show_value)d)."
    )
}


class TicketCreateForm(forms.Form):
    category = forms.ModelChoiceField(
        label=_("Ticket type"),
        queryset=Category.objects.filter(is_active=True),
        to_field_name="slug",
        empty_label=_("Choose a ticket type"),
        error_messages={
            "required": _("Ticket type is required."),
            "invalid_choice": _("Choose one of the listed ticket types."),
        },
    )
    subject = forms.CharField(
        label=_("Subject"),
        max_length=SUBJECT_MAX,
        error_messages={
            "required": _("Subject is required."),
            "max_length": _(
                "Subject can be at most %(limit_value)d characters (it has %(show_value)d)."
            ),
        },
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )
    description = forms.CharField(
        label=_("Description"),
        widget=forms.Textarea(attrs={"rows": 8}),
        error_messages={"required": _("Description is required.")},
        help_text=_(
            "Markdown is supported. Include what you did, what you expected and what happened."
        ),
    )
    priority = forms.TypedChoiceField(
        label=_("Priority"),
        choices=Priority.choices,
        coerce=int,
        initial=Priority.NORMAL,
        error_messages={"invalid_choice": _("Choose low, normal, high or urgent.")},
    )
    internal_reference = forms.CharField(
        label=_("Your internal reference"),
        required=False,
        max_length=REFERENCE_MAX,
        error_messages=_REFERENCE_TOO_LONG,
        help_text=_(
            "Optional: your own ticket or order number, shown to your colleagues and support."
        ),
    )
    # The form metaclass moves fields off the class, so this never shadows
    # BaseForm.files (the uploaded data) at run time; the stubs cannot know that.
    files = MultipleFileField(label=_("Attach files"))  # type: ignore[assignment]
    product = forms.CharField(required=False, max_length=100, widget=forms.HiddenInput)
    resource = forms.CharField(required=False, max_length=200, widget=forms.HiddenInput)

    def clean_subject(self) -> str:
        value = self.cleaned_data["subject"].strip()
        if not value:
            raise forms.ValidationError(_("Subject is required."))
        return value

    def clean_description(self) -> str:
        value = self.cleaned_data["description"].strip()
        if not value:
            raise forms.ValidationError(_("Description is required."))
        return value


class MessageForm(forms.Form):
    body = forms.CharField(
        label=_("Message"),
        widget=forms.Textarea(attrs={"rows": 5}),
        error_messages={"required": _("Message is required.")},
    )
    # The form metaclass moves fields off the class, so this never shadows
    # BaseForm.files (the uploaded data) at run time; the stubs cannot know that.
    files = MultipleFileField(label=_("Attach files"))  # type: ignore[assignment]

    def clean_body(self) -> str:
        value = self.cleaned_data["body"].strip()
        if not value:
            raise forms.ValidationError(_("Message is required."))
        return value


class ReferenceForm(forms.Form):
    internal_reference = forms.CharField(
        label=_("Internal reference"),
        required=False,
        max_length=REFERENCE_MAX,
        error_messages=_REFERENCE_TOO_LONG,
    )


class TicketFilterForm(forms.Form):
    SORTS: ClassVar[dict[str, tuple[str, str]]] = {
        "-updated": ("-updated_at", "-id"),
        "updated": ("updated_at", "id"),
        "-created": ("-created_at", "-id"),
        "created": ("created_at", "id"),
    }

    q = forms.CharField(required=False, max_length=200, label=_("Search"))
    category = forms.SlugField(required=False)
    sort = forms.ChoiceField(required=False, choices=[(key, key) for key in SORTS])

    def ordering(self) -> tuple[str, str]:
        sort = self.cleaned_data.get("sort") if self.is_valid() else None
        return self.SORTS[sort or "-updated"]

    def value(self, name: str) -> str:
        return (self.cleaned_data.get(name) or "") if self.is_valid() else ""


class SatisfactionForm(forms.Form):
    """Good or Bad, and an optional comment (issue 19)."""

    score = forms.ChoiceField(
        label=_("Rating"),
        choices=SatisfactionRating.Score.choices,
        widget=forms.RadioSelect,
        error_messages={
            "required": _("Rating: choose Good or Bad."),
            "invalid_choice": _("Rating: choose Good or Bad."),
        },
    )
    comment = forms.CharField(
        label=_("Comment (optional)"),
        required=False,
        max_length=SATISFACTION_COMMENT_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={
            "max_length": _(
                "Comment can be at most %(limit_value)d characters (it has %(show_value)d)."
            )
        },
    )


class FollowerForm(forms.Form):
    """The Followers section's add and follow controls, for binding a refusal
    to the control that caused it (the service checks who may be added).

    ``user`` is the menu's id, ``email`` the address asked of a large
    organisation, ``me`` the Follow button.
    """

    user = forms.CharField(required=False, max_length=20)
    email = forms.CharField(required=False, max_length=254)
    me = forms.CharField(required=False, max_length=10)
