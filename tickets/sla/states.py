"""What a ticket's nearest due time means now, for lists, filters and the API.

* ``breached``: a running target is past its due time;
* ``at_risk``: one falls due within ``HELPDESK_SLA_AT_RISK`` (the queue's
  "Breaching soon" lists both);
* ``on_track``: every running target is further off;
* ``none``: nothing is running (no policy, all met, or the clock is paused).
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from django.conf import settings
from django.db.models import Q
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from tickets.html import fast_html
from tickets.models import WORKED_STATUSES, SlaClock


class SlaState(StrEnum):
    BREACHED = "breached"
    AT_RISK = "at_risk"
    ON_TRACK = "on_track"
    NONE = "none"


LABELS = {
    SlaState.BREACHED: gettext_lazy("Breached"),
    SlaState.AT_RISK: gettext_lazy("At risk"),
    SlaState.ON_TRACK: gettext_lazy("On track"),
    SlaState.NONE: gettext_lazy("No target running"),
}


def sla_state(due: datetime | None, now: datetime) -> SlaState:
    if due is None:
        return SlaState.NONE
    if due <= now:
        return SlaState.BREACHED
    if due <= now + settings.HELPDESK_SLA_AT_RISK:
        return SlaState.AT_RISK
    return SlaState.ON_TRACK


def state_condition(state: str, now: datetime) -> Q:
    """The tickets in ``state`` now, by their nearest due time (the due index)."""
    soon = now + settings.HELPDESK_SLA_AT_RISK
    running = Q(status__in=WORKED_STATUSES)
    if state == SlaState.BREACHED:
        return running & Q(sla_due__lte=now)
    if state == SlaState.AT_RISK:
        return running & Q(sla_due__gt=now, sla_due__lte=soon)
    if state == SlaState.ON_TRACK:
        return running & Q(sla_due__gt=soon)
    return Q(sla_due__isnull=True) | ~Q(status__in=WORKED_STATUSES)


def breaching_soon(now: datetime) -> Q:
    """The "Breaching soon" view: overdue, or due within the risk window."""
    return Q(status__in=WORKED_STATUSES, sla_due__lte=now + settings.HELPDESK_SLA_AT_RISK)


def _span(seconds: float) -> str:
    minutes = int(seconds // 60)
    if minutes < 60:
        return _("%(count)d min") % {"count": max(minutes, 1)}
    if minutes < 48 * 60:
        return _("%(count)d h") % {"count": minutes // 60}
    days = minutes // 1440
    return ngettext("%(count)d day", "%(count)d days", days) % {"count": days}


def due_text(due: datetime, now: datetime) -> str:
    """Relative to ``now``: "in 25 min", "overdue 2 h"."""
    seconds = (due - now).total_seconds()
    if seconds > 0:
        return _("in %(amount)s") % {"amount": _span(seconds)}
    return _("overdue %(amount)s") % {"amount": _span(-seconds)}


def due_badge(due: datetime | None, now: datetime, exact: str = "") -> SafeString:
    """The queue's Due cell: relative time, coloured by state, exact time on hover."""
    if due is None:
        return fast_html('<span class="muted">{}</span>', "—")
    state = sla_state(due, now)
    return fast_html(
        '<time class="due due-{}" datetime="{}" title="{}{}">{}</time>',
        state,
        due.isoformat(),
        str(LABELS[state]) + (": " if exact else ""),
        exact,
        due_text(due, now),
    )


def reply_promise(ticket, now: datetime) -> datetime | None:
    """When support aims to answer the customer, if that is still ahead (customers' page)."""
    owed = [due for due in (ticket.first_response_due, ticket.next_response_due) if due]
    due = min(owed, default=None)
    return due if due is not None and due > now else None


def clock_rows(clocks, now: datetime) -> list[dict]:
    """The agent's "Service level" panel: the first response, the latest next
    response and the resolution, each with what became of it."""
    latest_next = max(
        (clock for clock in clocks if clock.kind == SlaClock.Kind.NEXT_RESPONSE),
        key=lambda clock: clock.seq,
        default=None,
    )
    rows = []
    for clock in clocks:
        if clock.kind == SlaClock.Kind.NEXT_RESPONSE and clock is not latest_next:
            continue
        row = {"label": clock.get_kind_display(), "due": clock.due_at, "met_at": clock.met_at}
        if clock.met_at is not None:
            late = clock.due_at is not None and clock.met_at > clock.due_at
            row["state"] = "missed" if late else "met"
            row["text"] = (
                _("missed by %(amount)s")
                % {"amount": _span((clock.met_at - clock.due_at).total_seconds())}
                if late and clock.due_at
                else _("met")
            )
        elif clock.due_at is None:
            row["state"], row["text"] = "paused", _("paused while the customer has it")
        else:
            row["state"] = sla_state(clock.due_at, now).value
            row["text"] = due_text(clock.due_at, now)
        rows.append(row)
    return rows
