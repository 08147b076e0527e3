"""Collision warnings on the agent's ticket page (issue 18): the page's
heartbeat, answered with who else has the ticket open and what was added.

Support staff only, through the tenant door: anyone else gets the 404 of a
missing page and learns nothing (no name, no message, no count).
"""

from __future__ import annotations

from django import forms
from django.http import HttpResponse, JsonResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from accounts.requests import AuthenticatedHttpRequest
from tickets import presence
from tickets.access import get_ticket_for
from tickets.models import Message, Ticket
from tickets.views.common import support_only

# The notice quotes this much of each added message; the page has the rest.
EXCERPT_CHARS = 300
# At most this many added messages are described (the count says the rest).
ADDED_LIMIT = 10


class PresenceForm(forms.Form):
    state = forms.ChoiceField(
        choices=[(state, state) for state in presence.STATES],
        error_messages={
            "required": gettext_lazy("State is required: viewing, typing or gone."),
            "invalid_choice": gettext_lazy("State must be viewing, typing or gone."),
        },
    )
    seen = forms.IntegerField(
        required=False,
        min_value=0,
        error_messages={
            "invalid": gettext_lazy("Seen must be the number of a message."),
            "min_value": gettext_lazy("Seen must be the number of a message."),
        },
    )

    # The page load that beats (a random token the page was rendered with).
    page = forms.CharField(required=False, max_length=40)


@support_only
@require_POST
def ticket_presence(request: AuthenticatedHttpRequest, number: int) -> HttpResponse:
    """``state``: viewing, typing or gone; ``seen``: the last message the page
    shows. Answers the other agents present and the messages added since
    ``seen`` by others (204 for ``gone``, 429 past the rate)."""
    ticket = get_ticket_for(request.user, number)
    form = PresenceForm(request.POST)
    if not form.is_valid():
        return JsonResponse({"errors": form.errors}, status=400)
    if presence.presence_rate_exceeded(agent=request.user):
        return JsonResponse(
            {"errors": {"__all__": [_("Too many requests: wait a minute.")]}},
            status=429,
            headers={"Retry-After": "60"},
        )
    state = form.cleaned_data["state"]
    others = presence.presence_beat(
        ticket=ticket, agent=request.user, state=state, page=form.cleaned_data["page"]
    )
    if state == presence.GONE:
        return HttpResponse(status=204)
    seen = form.cleaned_data["seen"]
    added: list[Message] = []
    count = 0
    if seen is not None:
        added = list(
            presence.messages_added(ticket=ticket, user=request.user, seen=seen)[: ADDED_LIMIT + 1]
        )
        count = len(added)
        added = added[:ADDED_LIMIT]
    return JsonResponse(
        {
            "others": [
                {
                    "name": person.name,
                    "state": presence.TYPING if person.typing else presence.VIEWING,
                    "text": presence_text(person),
                }
                for person in others
            ],
            "added": [_added_json(ticket, message) for message in added],
            "added_more": count > ADDED_LIMIT,
            "poll_seconds": presence.POLL_SECONDS,
        }
    )


def presence_text(person: presence.Present) -> str:
    """The live region's sentence for one colleague (also the page's first render)."""
    if person.typing:
        return _("%(name)s is typing a reply…") % {"name": person.name}
    return _("%(name)s is viewing this ticket") % {"name": person.name}


def added_label(message: Message) -> str:
    """What the notice says of one added message."""
    name = message.author.full_name
    if message.is_internal:
        return _("New internal note from %(name)s") % {"name": name}
    return _("New reply from %(name)s") % {"name": name}


def _added_json(ticket: Ticket, message: Message) -> dict:
    body = message.body
    excerpt = body if len(body) <= EXCERPT_CHARS else body[: EXCERPT_CHARS - 1] + "…"
    return {
        "id": message.pk,
        "author": message.author.full_name,
        "internal": message.is_internal,
        "created_at": message.created_at.isoformat(),
        "label": added_label(message),
        "excerpt": excerpt,
        # The e-mails' link: a new page load, which shows the message in place.
        "url": reverse("tickets:message", args=[ticket.pk, message.pk]),
    }
