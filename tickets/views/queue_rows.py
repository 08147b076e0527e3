"""The agent queue's rows and menus, built in Python (issue 15).

The queue shows 25 rows of up to eleven cells, each cell behind the agent's
column choice, and menus listing every agent twice. As template tags that
was several hundred ``{% if %}`` and lookups a page, most of the page's
time; here each cell is one ``fast_html`` (``format_html``'s output, at a
fraction of its cost). The markup is the same the template wrote
(tests/tickets/test_queue_layout.py reads it).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import datetime

from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from tickets.html import fast_html
from tickets.links import ticket_url
from tickets.models import Ticket
from tickets.sla.states import due_badge
from tickets.templatetags.helpdesk import ago, priority_badge, status_badge, when

NOBODY = mark_safe('<span class="muted">—</span>')


def _join(separator: str, template: str, rows: Iterable[tuple]) -> SafeString:
    return SafeString(separator.join(fast_html(template, *row) for row in rows))


def _assignee(ticket: Ticket) -> SafeString:
    if ticket.assignee is None:
        return NOBODY
    return fast_html('<span class="cut">{}</span>', ticket.assignee.full_name)


# Each optional column's cell, by its key in accounts.preferences.QUEUE_COLUMNS;
# ``label`` holds the column names in the page's language, translated once a page.
Cell = Callable[[Ticket, datetime, dict[str, str]], SafeString]
CELLS: dict[str, Cell] = {
    "organization": lambda t, now, label: fast_html(
        '<td class="lead"><span class="cut" title="{} ({})">{}</span></td>',
        t.organization.name,
        t.organization.alias,
        t.organization.name,
    ),
    "requester": lambda t, now, label: fast_html(
        '<td class="minor"><span class="cut">{}</span></td>', t.requester.full_name
    ),
    "priority": lambda t, now, label: fast_html("<td>{}</td>", priority_badge(t.priority)),
    "status": lambda t, now, label: fast_html("<td>{}</td>", status_badge(t.status)),
    "category": lambda t, now, label: fast_html(
        '<td class="minor"><span class="cut">{}</span></td>', t.category.name
    ),
    "tags": lambda t, now, label: fast_html(
        '<td class="minor" data-label="{}"><span class="cut">{}</span></td>',
        label["tags"],
        _join(" ", '<span class="tag">{}</span>', ((tag.name,) for tag in t.tags.all())),
    ),
    "assignee": lambda t, now, label: fast_html(
        '<td data-label="{}">{}</td>', label["assignee"], _assignee(t)
    ),
    "created": lambda t, now, label: fast_html(
        '<td class="minor" data-label="{}">{}</td>', label["created"], ago(t.created_at, now)
    ),
    "due": lambda t, now, label: fast_html(
        '<td data-label="{}">{}</td>',
        label["due"],
        due_badge(t.sla_due, now, when(t.sla_due, "plain")) if t.sla_due else due_badge(None, now),
    ),
    "updated": lambda t, now, label: fast_html(
        '<td data-label="{}">{}</td>', label["updated"], ago(t.updated_at, now)
    ),
}


def queue_rows(tickets: Iterable[Ticket], columns: list[str], now: datetime) -> list[dict]:
    """Per ticket: its number, address, subject, whether it is new to the agent,
    and the chosen columns' cells as one piece of markup."""
    cells = [CELLS[key] for key in columns]
    label = {
        "tags": _("Tags"),
        "assignee": _("Assignee"),
        "created": _("Created"),
        "due": _("Due"),
        "updated": _("Updated"),
    }
    return [
        {
            "pk": ticket.pk,
            "url": ticket_url(ticket.pk),
            "subject": ticket.subject,
            "unseen": getattr(ticket, "unseen", False),
            "cells": mark_safe("".join(cell(ticket, now, label) for cell in cells)),  # noqa: S308 - each cell is fast_html
        }
        for ticket in tickets
    ]
