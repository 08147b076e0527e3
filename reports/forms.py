"""The dashboards' filters: a period, and for support an organisation, tier,
category and agent."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import date, timedelta
from typing import Any

from django import forms
from django.utils.choices import BaseChoiceIterator
from django.utils.translation import gettext_lazy as _

from accounts.models import Organization, User
from accounts.selectors import support_staff
from reports.figures import Scope
from tickets.html import FastSelect
from tickets.models import Category

PERIODS = [
    ("7", _("Last 7 days")),
    ("30", _("Last 30 days")),
    ("90", _("Last 90 days")),
    ("custom", _("From … to …")),
]
MAX_DAYS = 366
DEFAULT_PERIOD = "30"  # what a report shows before any filter is chosen


def default_scope(today: date) -> Scope:
    """The scope a support admin's dashboard opens on: every organisation over
    the default period (what ``ReportFilterForm`` gives them with no filter)."""
    return Scope(since=today - timedelta(days=int(DEFAULT_PERIOD) - 1), until=today)


class _Menu(BaseChoiceIterator):
    """The empty choice, then the ``(value, label)`` pairs ``rows()`` gives,
    read when the menu is drawn: a form only validated costs no query, and
    the widget's look at the first choice (is it empty?) none either."""

    def __init__(self, empty: str, rows: Callable[[], Iterable[tuple[Any, str]]]) -> None:
        self.empty = empty
        self.rows = rows

    def __iter__(self):
        yield ("", self.empty)
        yield from self.rows()


def _menu(field: forms.Field, rows: Callable[[], Iterable[tuple[Any, str]]]) -> None:
    """Give ``field``'s menu the pairs ``rows()`` gives, after its empty choice."""
    field.widget.choices = _Menu(field.empty_label, rows)  # type: ignore[attr-defined]


class ReportFilterForm(forms.Form):
    """Read from the query string; an empty one is the last 30 days."""

    period = forms.ChoiceField(label=_("Period"), choices=PERIODS, required=False)
    since = forms.DateField(
        label=_("From"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        error_messages={"invalid": _("Enter a date like 2026-01-31.")},
    )
    until = forms.DateField(
        label=_("To"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        error_messages={"invalid": _("Enter a date like 2026-01-31.")},
    )
    organization = forms.ModelChoiceField(
        label=_("Organisation"),
        queryset=Organization.objects.order_by("name"),
        required=False,
        empty_label=_("All organisations"),
        widget=FastSelect,
    )
    tier = forms.ChoiceField(
        label=_("Tier"),
        choices=[("", _("All tiers")), *Organization.Tier.choices],
        required=False,
    )
    category = forms.ModelChoiceField(
        label=_("Category"),
        queryset=Category.objects.all(),
        required=False,
        empty_label=_("All categories"),
        widget=FastSelect,
    )
    agent = forms.ModelChoiceField(
        label=_("Agent"),
        queryset=User.objects.none(),
        required=False,
        empty_label=_("All agents"),
        widget=FastSelect,
    )

    def __init__(self, *args, viewer: User, today: date, **kwargs):
        super().__init__(*args, **kwargs)
        self.viewer = viewer
        self.today = today
        for name in ("since", "until"):
            self.fields[name].widget.attrs["max"] = today.isoformat()
        if viewer.is_support_staff:
            self.fields["agent"].queryset = support_staff()  # type: ignore[attr-defined]
        if not viewer.is_staff:  # an agent sees their own figures; a customer their organisation's
            del self.fields["agent"]
        if not viewer.is_support_staff:
            for name in ("organization", "tier"):
                del self.fields[name]
        # The menus' options from plain rows, as the labels read them: a
        # thousand organisations made into models were 15 ms of every
        # dashboard. The fields still check a choice against their querysets.
        if "organization" in self.fields:
            _menu(
                self.fields["organization"],
                lambda: (
                    (pk, f"{name} ({alias})")
                    for pk, name, alias in Organization.objects.order_by("name").values_list(
                        "pk", "name", "alias"
                    )
                ),
            )
        if "agent" in self.fields:
            _menu(
                self.fields["agent"],
                lambda: (
                    (pk, full_name or email)
                    for pk, full_name, email in support_staff().values_list(
                        "pk", "full_name", "email"
                    )
                ),
            )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        period = data.get("period") or DEFAULT_PERIOD
        if period != "custom":
            days = int(period)
            data["since"], data["until"] = self.today - timedelta(days=days - 1), self.today
            return data
        since, until = data.get("since"), data.get("until")
        if since is None and "since" not in self.errors:
            self.add_error("since", _("Enter the first day of the period."))
        if until is None and "until" not in self.errors:
            self.add_error("until", _("Enter the last day of the period."))
        if since and until:
            if since > until:
                self.add_error("until", _("The last day cannot come before the first."))
            elif until > self.today:
                self.add_error("until", _("The last day cannot be in the future."))
            elif (until - since).days + 1 > MAX_DAYS:
                self.add_error(
                    "until", _("A period can be at most %(max)d days long.") % {"max": MAX_DAYS}
                )
        return data

    def scope(self) -> Scope:
        """The report's scope: the filters, narrowed to what the viewer may see.
        Call after ``is_valid()``."""
        data = self.cleaned_data
        viewer = self.viewer
        organization = data.get("organization")
        category = data.get("category")
        agent = data.get("agent")
        if not viewer.is_support_staff:
            organization_id = viewer.organization_id
        else:
            organization_id = organization.pk if organization else None
        if viewer.is_support_staff and not viewer.is_staff:
            agent_id: int | None = viewer.pk
        else:
            agent_id = agent.pk if agent else None
        return Scope(
            since=data["since"],
            until=data["until"],
            organization_id=organization_id,
            tier=data.get("tier") or None,
            category_id=category.pk if category else None,
            agent_id=agent_id,
        )
