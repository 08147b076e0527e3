"""Forms of the agent workspace."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from accounts.models import Organization
from accounts.selectors import (
    alias_normalized,
    member_by_email,
    organization_by_alias,
    support_staff,
)
from tickets.forms import MultipleFileField, TicketCreateForm
from tickets.models import Priority, Status
from tickets.services.tags import tag_names

SUBMIT_AS_CHOICES = [
    ("", _("Keep the status")),
    (Status.IN_PROGRESS, _("In progress")),
    (Status.WAITING, _("Waiting for customer")),
    (Status.SOLVED, _("Solved")),
]


class AgentReplyForm(forms.Form):
    body = forms.CharField(
        label=_("Message"),
        widget=forms.Textarea(attrs={"rows": 5}),
        error_messages={"required": _("Message is required.")},
    )
    internal = forms.BooleanField(
        required=False, label=_("Internal note (never shown to customers)")
    )
    # The form metaclass moves fields off the class, so this never shadows
    # BaseForm.files (the uploaded data) at run time; the stubs cannot know that.
    files = MultipleFileField(label=_("Attach files"))  # type: ignore[assignment]
    submit_as = forms.ChoiceField(required=False, choices=SUBMIT_AS_CHOICES, label=_("Submit as"))
    # The macro picked in the reply box (issue 18): its actions apply with the message.
    macro = forms.IntegerField(required=False, min_value=1, widget=forms.HiddenInput)
    # The last message the page showed (issue 18): a public reply sent after
    # someone else's newer public message comes back unsent, to be confirmed.
    # Absent (an older page), nothing is checked.
    seen = forms.IntegerField(required=False, min_value=0, widget=forms.HiddenInput)

    def clean_body(self) -> str:
        value = self.cleaned_data["body"].strip()
        if not value:
            raise ValidationError(_("Message is required."))
        return value

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        if data.get("internal") and data.get("submit_as"):
            self.add_error("submit_as", _("An internal note does not change the status."))
        return data


class AssignForm(forms.Form):
    assignee = forms.ModelChoiceField(
        queryset=support_staff(),
        required=False,
        empty_label=_("Nobody"),
        error_messages={"invalid_choice": _("Choose an active support agent.")},
    )


class PriorityForm(forms.Form):
    priority = forms.TypedChoiceField(
        choices=Priority.choices,
        coerce=int,
        error_messages={"invalid_choice": _("Choose low, normal, high or urgent.")},
    )


class CategoryForm(forms.Form):
    category = TicketCreateForm.base_fields["category"]


class PropertiesForm(forms.Form):
    """The ticket page's one Save: assignee, priority and ticket type together."""

    assignee = AssignForm.base_fields["assignee"]
    priority = PriorityForm.base_fields["priority"]
    category = CategoryForm.base_fields["category"]


# What a status change without a reply is called on the ticket page, in the
# order offered; which of them show comes from ``workflow.available_actions``.
STATUS_ACTION_LABELS = {
    "resume": _("In progress"),
    "wait": _("Waiting for customer"),
    "solve": _("Solved"),
}


class StatusForm(forms.Form):
    action = forms.ChoiceField(
        choices=list(STATUS_ACTION_LABELS.items()),
        error_messages={"invalid_choice": _("Choose In progress, Waiting for customer or Solved.")},
    )


class BulkForm(forms.Form):
    ACTIONS = (
        ("take", _("Take")),
        ("assign", _("Assign to…")),
        ("priority", _("Set priority…")),
        ("tag", _("Add tags…")),
        ("untag", _("Remove tags…")),
        ("macro", _("Apply macro…")),
        ("wait", _("Mark waiting for customer")),
        ("solve", _("Mark solved")),
        ("close", _("Close")),
    )
    ticket = forms.TypedMultipleChoiceField(
        coerce=int, error_messages={"required": _("Select at least one ticket.")}
    )
    action = forms.ChoiceField(
        choices=ACTIONS, error_messages={"required": _("Choose what to do with the tickets.")}
    )
    assignee = forms.ModelChoiceField(queryset=support_staff(), required=False)
    priority = forms.TypedChoiceField(
        choices=[("", "—"), *Priority.choices], coerce=int, required=False, empty_value=None
    )
    tags = forms.CharField(required=False, max_length=1000)
    # Any number: the view fetches it through the door (``macro_for``).
    macro = forms.IntegerField(required=False, min_value=1)
    confirmed = forms.BooleanField(required=False)
    next = forms.CharField(required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Any number: the service fetches them through the tenant door.
        self.fields["ticket"].valid_value = lambda value: str(value).isdigit()  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        if data.get("action") == "assign" and not data.get("assignee"):
            self.add_error("assignee", _("Choose the agent to assign the tickets to."))
        if data.get("action") == "priority" and not data.get("priority"):
            self.add_error("priority", _("Choose the priority to set."))
        if data.get("action") in ("tag", "untag"):
            try:
                if not tag_names(data.get("tags") or ""):
                    self.add_error("tags", _("Type the tags to add or remove."))
            except ValidationError as error:
                self.add_error(None, error)
        return data


class AgentTicketForm(TicketCreateForm):
    """Support opens a ticket on a customer's behalf (it starts Waiting for customer)."""

    organization = forms.CharField(
        label=_("Organisation (account alias)"),
        max_length=20,
        error_messages={"required": _("Organisation is required.")},
    )
    requester = forms.EmailField(
        label=_("Requester's email"),
        error_messages={
            "required": _("Requester is required."),
            "invalid": _("Enter an email address."),
        },
    )

    field_order = ("organization", "requester", "category", "subject", "description", "priority")

    def clean_organization(self) -> Organization:
        alias = alias_normalized(self.cleaned_data["organization"])
        organization = organization_by_alias(alias)
        if organization is None:
            raise ValidationError(
                _("No active organisation has the account alias %(alias)s."),
                params={"alias": alias},
            )
        return organization

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        organization = data.get("organization")
        email = (data.get("requester") or "").lower()
        if organization and email:
            requester = member_by_email(email, organization=organization)
            if requester is None:
                self.add_error(
                    "requester",
                    ValidationError(
                        _("%(email)s is not an active user of %(alias)s."),
                        params={"email": email, "alias": organization.alias},
                    ),
                )
            else:
                data["requester"] = requester
        return data
