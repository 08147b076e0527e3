"""A macro's placeholders: a fixed list of names, filled in by one regex pass.

Deliberately not Django's template engine. A macro's text is support's, but
the values put into it are often the customer's (their name, the subject
they typed): with a template engine, a name such as ``{% debug %}`` or
``{{ settings.SECRET_KEY }}`` could become code. Here each value is put in
as plain text by a single ``re.sub`` over the macro's text, so nothing a
value contains is looked at again, and only the names of ``PLACEHOLDERS``
are ever read. A placeholder not in the list stays as typed (a macro saved
with one is refused first, ``unknown_placeholders``). The result is Markdown
like any message, and is sanitised (nh3) wherever a message is shown.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from django.utils import formats, translation
from django.utils.timezone import localtime

from accounts.models import User
from accounts.zones import zone_name_of, zone_of
from tickets.models import Ticket

_PLACEHOLDER = re.compile(r"\{\{\s*([^{}]*?)\s*\}\}")


def _first_name(full_name: str) -> str:
    words = (full_name or "").split()
    return words[0] if words else ""


def _sla_due(ticket: Ticket, agent: User) -> str:
    """The ticket's nearest due time, in the requester's zone and language; "" if none."""
    due = ticket.sla_due
    if due is None:
        return ""
    requester = ticket.requester
    language = getattr(requester, "language", "") or translation.get_language()
    with translation.override(language):
        text = formats.date_format(localtime(due, zone_of(requester)), "DATETIME_FORMAT")
    return f"{text} ({zone_name_of(requester)})"


PLACEHOLDERS: dict[str, Callable[[Ticket, User], str]] = {
    "requester.first_name": lambda ticket, agent: _first_name(ticket.requester.full_name),
    "requester.name": lambda ticket, agent: ticket.requester.full_name,
    "ticket.number": lambda ticket, agent: str(ticket.pk),
    "ticket.subject": lambda ticket, agent: ticket.subject,
    "organization.alias": lambda ticket, agent: ticket.organization.alias,
    "organization.name": lambda ticket, agent: ticket.organization.name,
    "agent.name": lambda ticket, agent: agent.full_name,
    "agent.first_name": lambda ticket, agent: _first_name(agent.full_name),
    "sla.due": _sla_due,
}


def _as_text(value: str) -> str:
    """``value`` so that Markdown shows it as typed and makes nothing of it that
    could lead elsewhere: no ``[link](…)``, image or ``<autolink>``, no HTML.
    A customer's subject ``[Verify your account](https://evil.example)`` must
    not become a link in support's own reply."""
    return (
        value.replace("\\", "\\\\")
        .replace("[", "\\[")
        .replace("]", "\\]")
        .replace("&", "&amp;")
        .replace("<", "&lt;")
    )


def placeholders_filled(text: str, *, ticket: Ticket, agent: User) -> str:
    """``text`` with every known placeholder replaced by its value, as plain text
    (escaped for Markdown, ``_as_text``).

    One pass: a value that itself looks like a placeholder (a customer named
    ``{{ agent.name }}``) is not filled in again. Unknown names stay as typed.
    """
    values: dict[str, str] = {}

    def fill(match: re.Match) -> str:
        name = match.group(1)
        value = PLACEHOLDERS.get(name)
        if value is None:
            return match.group(0)
        if name not in values:
            values[name] = _as_text(value(ticket, agent) or "")
        return values[name]

    return _PLACEHOLDER.sub(fill, text)


def unknown_placeholders(text: str) -> list[str]:
    """The ``{{ … }}`` in ``text`` that are not placeholders, as typed, each once."""
    unknown: list[str] = []
    for match in _PLACEHOLDER.finditer(text):
        if match.group(1) not in PLACEHOLDERS and match.group(0) not in unknown:
            unknown.append(match.group(0))
    return unknown
