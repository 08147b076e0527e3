"""The API's ticket-list parameters: ``tickets.filters.TicketFilter`` in the API's words.

What each parameter does is ``TicketFilter``'s (the agent queue's too); here
is only how the API names and reads them. The fields read a query string as
DRF's serializer fields do and refuse with their wording, so a malformed
parameter answers ``400 {parameter: [rule]}`` as it always has: an empty
value is an absent one, spaces alone are refused, text is trimmed.
``TicketListParameters`` documents them in the OpenAPI schema.
"""

from __future__ import annotations

from typing import Any, ClassVar

import django_filters
from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator, RegexValidator
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy
from rest_framework import serializers

from accounts.selectors import organization_by_alias
from tickets.api.serializers import PRIORITY_BY_NAME, PriorityField
from tickets.counters import counts_by_status
from tickets.filters import ORDERINGS, WITH_DUE, SortFilter, TicketFilter
from tickets.models import ARCHIVED_STATUSES, WORKED_STATUSES, Status
from tickets.sla.states import SlaState


class ApiText(forms.CharField):
    """Text as DRF's ``CharField`` reads it: trimmed, and never spaces alone."""

    default_error_messages: ClassVar[dict[str, Any]] = {
        "blank": gettext_lazy("This field may not be blank.")
    }

    def __init__(self, *, max_length: int | None = None, **kwargs: Any) -> None:
        validators = list(kwargs.pop("validators", ()))
        if max_length is not None:
            message = f"Ensure this field has no more than {max_length} characters."
            validators.insert(0, MaxLengthValidator(max_length, message=message))
        super().__init__(validators=validators, **kwargs)

    def clean(self, value: Any) -> Any:
        if value not in self.empty_values and not str(value).strip():
            raise ValidationError(self.error_messages["blank"], code="blank")
        return super().clean(value)


class ApiSlug(ApiText):
    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.validators.append(
            RegexValidator(
                r"^[-a-zA-Z0-9_]+$",
                message='Enter a valid "slug" consisting of letters, numbers, underscores or '
                "hyphens.",
            )
        )


class ApiStatuses(ApiText):
    """Comma-separated statuses, as a list."""

    def clean(self, value: Any) -> Any:
        value = super().clean(value)
        if value in self.empty_values:
            return value
        statuses = [part.strip() for part in value.split(",") if part.strip()]
        unknown = [part for part in statuses if part not in Status.values]
        if unknown or not statuses:
            raise ValidationError(
                f"Unknown status {', '.join(unknown) or value!r}; use "
                + ", ".join(Status.values)
                + ".",
                code="invalid",
            )
        return statuses


class ApiNullBoolean(forms.Field):
    """true or false in DRF's spellings (``yes``, ``0``, ...); empty or ``null`` is absent."""

    widget = forms.TextInput
    default_error_messages: ClassVar[dict[str, Any]] = {
        "invalid": gettext_lazy("Must be a valid boolean.")
    }

    def to_python(self, value: Any) -> bool | None:
        spelling = value.lower() if isinstance(value, str) else value
        if spelling in serializers.BooleanField.TRUE_VALUES:
            return True
        if spelling in serializers.BooleanField.FALSE_VALUES:
            return False
        if spelling in serializers.BooleanField.NULL_VALUES:
            return None
        raise ValidationError(self.error_messages["invalid"], code="invalid")


class ApiTextFilter(django_filters.CharFilter):
    field_class = ApiText


class ApiSlugFilter(django_filters.CharFilter):
    field_class = ApiSlug


class ApiStatusesFilter(django_filters.Filter):
    field_class = ApiStatuses


class ApiNullBooleanFilter(django_filters.Filter):
    field_class = ApiNullBoolean


class ApiTicketFilter(TicketFilter):
    """``GET /api/v1/tickets/``'s parameters, in the order their errors are listed."""

    status = ApiStatusesFilter(field_name="status", lookup_expr="in")
    category = ApiSlugFilter(field_name="category__slug")
    priority = django_filters.TypedChoiceFilter(
        choices=[(name, name) for name in PRIORITY_BY_NAME],
        coerce=PRIORITY_BY_NAME.__getitem__,
        error_messages={"invalid_choice": gettext_lazy("Choose low, normal, high or urgent.")},
    )
    archived = ApiNullBooleanFilter(method="filter_archived")
    search = ApiTextFilter(method="filter_search", max_length=200)
    organization = ApiTextFilter(method="filter_organization")
    assignee = ApiTextFilter(method="filter_assignee")
    tag = ApiTextFilter(method="filter_tag", max_length=50)
    sla_state = django_filters.ChoiceFilter(
        choices=[(state.value, state.value) for state in SlaState],
        method="filter_sla",
        error_messages={
            "invalid_choice": format_lazy(
                gettext_lazy("Choose one of: {}."), ", ".join(state.value for state in SlaState)
            )
        },
    )
    ordering = SortFilter(
        orderings=ORDERINGS,
        error_messages={
            "invalid_choice": format_lazy(gettext_lazy("Order by one of {}."), ", ".join(ORDERINGS))
        },
    )

    # The filters the kept counters (per organisation and status) can answer.
    COUNTED: ClassVar[frozenset[str]] = frozenset({"status", "archived", "organization"})

    def known_count(self) -> int | None:
        """The list's size from the kept counters when they can tell it, else None.

        A million tickets are never counted for the unfiltered list, nor for
        one narrowed by status, archive or organisation only.
        """
        if not self.is_valid() or self.form.cleaned_data.get("ordering") in WITH_DUE:
            return None  # ordering by due time lists only the tickets with one
        used = {
            name: value
            for name, value in self.form.cleaned_data.items()
            if value not in (None, "", []) and not isinstance(self.filters[name], SortFilter)
        }
        if set(used) - self.COUNTED:
            return None
        user = self.request.user
        if not user.is_support_staff and user.organization_id is None:
            return 0  # the door lets them see nothing
        organization_id = None if user.is_support_staff else user.organization_id
        if "organization" in used:
            organization = organization_by_alias(used["organization"], include_inactive=True)
            if organization is None:
                return 0
            organization_id = organization.pk
        statuses = set(used.get("status") or Status.values)
        if used.get("archived") is True:
            statuses &= set(ARCHIVED_STATUSES)
        elif used.get("archived") is False:
            statuses &= set(WORKED_STATUSES)
        counts = counts_by_status(organization_id)
        return sum(counts[status] for status in statuses)


class TicketListParameters(serializers.Serializer):
    """How the schema documents ``ApiTicketFilter``'s parameters (it reads none)."""

    status = serializers.CharField(
        required=False, help_text="Comma-separated: " + ", ".join(Status.values)
    )
    category = serializers.SlugField(required=False, help_text="A category slug.")
    priority = PriorityField(required=False)
    archived = serializers.BooleanField(
        required=False,
        allow_null=True,
        default=None,
        help_text=(
            "true: the Archive (solved and closed tickets); false: the Tickets tab "
            "(open, in progress, waiting for customer); absent: both."
        ),
    )
    search = serializers.CharField(required=False, max_length=200)
    organization = serializers.CharField(required=False, help_text="Staff only: account alias.")
    assignee = serializers.CharField(
        required=False, help_text="Staff only: an agent's email, or `none` for unassigned."
    )
    tag = serializers.CharField(
        required=False, max_length=50, help_text="Staff only: tickets with this tag."
    )
    sla_state = serializers.ChoiceField(
        choices=[state.value for state in SlaState],
        required=False,
        help_text="Staff only: breached, at_risk (due within the hour), on_track, or none.",
    )
    ordering = serializers.ChoiceField(
        choices=list(ORDERINGS),
        required=False,
        default="-updated_at",
        help_text="`sla_due` lists the tickets with a service-level target running, "
        "nearest due first (`-sla_due`: furthest first).",
    )
