"""The queue keeps an agent's selection when a bulk action fails (issue 20).

The bulk view redirects back to the queue it came from; what the agent had
checked and chosen rides along in the session, once, like a message, so the
queue's address stays clean and a reload shows the queue as it is.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TypedDict

from django.http import HttpRequest

SESSION_KEY = "queue_kept_selection"
CHOICES = ("action", "assignee", "priority", "tags")


class KeptSelection(TypedDict):
    tickets: list[int]
    action: str
    assignee: str
    priority: str
    tags: str


def selection_keep(request: HttpRequest, *, tickets: Iterable[object], choices) -> None:
    """Remember ``tickets`` (numbers; anything else is dropped) and the bulk bar's choices."""
    numbers = sorted({int(value) for value in map(str, tickets) if value.isdigit()})
    if not numbers:
        return
    kept: KeptSelection = {
        "tickets": numbers,
        "action": str(choices.get("action") or ""),
        "assignee": str(choices.get("assignee") or ""),
        "priority": str(choices.get("priority") or ""),
        "tags": str(choices.get("tags") or "")[:1000],
    }
    request.session[SESSION_KEY] = kept


def selection_take(request: HttpRequest) -> KeptSelection | None:
    """The selection kept for this page, once: the next visit starts clean."""
    return request.session.pop(SESSION_KEY, None)
