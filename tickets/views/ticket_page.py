"""A ticket's page, for customers and support alike: how it is rendered, and
what its message forms do with a POST (``tickets.views.portal`` and
``tickets.views.agent`` both use these).
"""

from __future__ import annotations

import logging
import secrets
from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.requests import AuthenticatedHttpRequest
from accounts.selectors import support_staff
from tickets import presence, services, workflow
from tickets.agent_forms import STATUS_ACTION_LABELS, SUBMIT_AS_CHOICES, AgentReplyForm
from tickets.attachments.validation import limits_text
from tickets.forms import FollowerForm, MessageForm, ReferenceForm, SatisfactionForm
from tickets.models import (
    Attachment,
    Category,
    Macro,
    Message,
    Priority,
    SatisfactionRating,
    Status,
    Ticket,
    TicketEvent,
)
from tickets.satisfaction import can_rate, shows_rating
from tickets.selectors import history
from tickets.sla.states import clock_rows, reply_promise
from tickets.views.common import add_service_errors
from tickets.views.macros import macro_preview_data
from tickets.views.presence import added_label, presence_text
from tickets.workflow import TransitionError

logger = logging.getLogger(__name__)


def render_ticket_page(
    request: AuthenticatedHttpRequest,
    ticket: Ticket,
    *,
    reply_form: MessageForm | None = None,
    reopen_form: MessageForm | None = None,
    reference_form: ReferenceForm | None = None,
    agent_reply_form=None,
    satisfaction_form: SatisfactionForm | None = None,
    follower_form: FollowerForm | None = None,
    confirm_close: bool = False,
    added_messages: list[Message] | None = None,
    status: int = 200,
) -> HttpResponse:
    """A ticket's page: the customer's view, or support's with notes and controls.

    ``confirm_close`` asks, on the page itself, to confirm seed 001's Close
    beside Send (what the dialog asks when the page's script runs).
    ``added_messages``: what others added while an agent wrote the reply the
    page gives back unsent (issue 18's collision warning).
    """
    user = request.user
    now = timezone.now()
    conversation = list(
        Message.objects.visible_to(user).filter(ticket=ticket).select_related("author")
    )
    files = list(Attachment.objects.visible_to(user).filter(ticket=ticket))
    by_message: dict[int | None, list[Attachment]] = {}
    for attachment in files:
        by_message.setdefault(attachment.message_id, []).append(attachment)
    for message in conversation:
        message.files = by_message.get(message.pk, [])
    events = history(
        TicketEvent.objects.visible_to(user).filter(ticket=ticket).select_related("actor")
    )
    # One query for every ticket the notices link to: its follow-ups, the
    # tickets merged into it, and the one it was merged into (issue 18).
    linked = Q(follow_up_of=ticket) | Q(merged_into=ticket)
    if ticket.merged_into_id is not None:
        linked |= Q(pk=ticket.merged_into_id)
    related = list(
        Ticket.objects.visible_to(user)
        .filter(linked)
        .only("id", "subject", "follow_up_of_id", "merged_into_id")
        .order_by("pk")
    )
    follow_ups = [other for other in related if other.follow_up_of_id == ticket.pk]
    merged_from = [other for other in related if other.merged_into_id == ticket.pk]
    merged_into = next((other for other in related if other.pk == ticket.merged_into_id), None)
    # The page offers what the lifecycle allows this user now, nothing it decides itself.
    available = workflow.available_actions(ticket, user)
    can = {action.value: True for action in available}
    context = {
        "ticket": ticket,
        "conversation": conversation,
        "events": events,
        "follow_ups": follow_ups,
        "merged_from": merged_from,
        "merged_into": merged_into,
        "reply_form": reply_form or MessageForm(),
        "reopen_form": reopen_form or MessageForm(),
        "reference_form": reference_form
        or ReferenceForm(initial={"internal_reference": ticket.internal_reference}),
        "show_reopen": bool(reopen_form and reopen_form.errors) or request.GET.get("reopen") == "1",
        "can": can,
        "confirm_close": confirm_close,
        "auto_close_at": workflow.auto_close_deadline(ticket),
        "request_files": by_message.get(None, []),
        "files": files,
        "attachment_limits": limits_text(),
        "Status": Status,
        "reply_due": None if user.is_support_staff else reply_promise(ticket, now),
        **_satisfaction_context(ticket, user, satisfaction_form),
        **_followers_context(ticket, user, follower_form),
    }
    template = "tickets/detail.html"
    if user.is_support_staff:
        template = "agent/ticket.html"
        # One place for status: the reply's "Submit as" and the Status menu
        # both list only the moves the lifecycle offers now.
        status_actions = [
            (action, label) for action, label in STATUS_ACTION_LABELS.items() if action in can
        ]
        offered_targets = {SUBMIT_AS_TARGETS[action] for action, _label in status_actions}
        macros = list(Macro.objects.visible_to(user).only("id", "title", "owner"))
        picked = None
        if added_messages and agent_reply_form is not None and agent_reply_form.is_valid():
            # A held reply keeps showing what its macro will also do on sending.
            picked = _held_macro(request, ticket, agent_reply_form.cleaned_data.get("macro"))
        if agent_reply_form is None and request.GET.get("macro"):
            # The picker without JavaScript: the page again, the reply box filled in.
            picked = _picked_macro(request, ticket)
            if picked is not None:
                agent_reply_form = AgentReplyForm(
                    initial={
                        "body": picked["body"],
                        "submit_as": picked["submit_as"],
                        "macro": picked["id"],
                    }
                )
        # Issue 18: this agent has the ticket open now; who else has. A cache
        # write and read, no query. The reply form carries the last message
        # shown, so a reply sent after someone else's asks first.
        presence_page = secrets.token_urlsafe(9)
        try:
            present = presence.presence_beat(
                ticket=ticket, agent=user, state=presence.VIEWING, page=presence_page, loaded=True
            )
        except Exception:
            # The presence cache down (Redis stopped) costs the notice, never the page.
            logger.warning("presence unavailable", exc_info=True)
            present = []
        context.update(
            present=[(person, presence_text(person)) for person in present],
            last_seen=max((message.pk for message in conversation), default=0),
            added_messages=[(message, added_label(message)) for message in added_messages or []],
            # Uploaded files do not survive a page that comes back.
            reattach=bool(added_messages and agent_reply_form and agent_reply_form.files),
            poll_seconds=presence.POLL_SECONDS,
            presence_page=presence_page,
            macros=macros,
            picked_macro=picked,
            agent_reply_form=agent_reply_form or AgentReplyForm(),
            submit_as_choices=[
                (value, label)
                for value, label in SUBMIT_AS_CHOICES
                if not value or value in offered_targets
            ],
            status_actions=status_actions,
            sla_rows=clock_rows(list(ticket.sla_clocks.all()), now),
            agents=support_staff().only("id", "full_name"),  # two menus of names
            categories=Category.objects.filter(is_active=True),
            priorities=Priority.choices,
            # Issue 18: a ticket not closed nor merged can be merged into another.
            can_merge=ticket.merged_into_id is None and ticket.status != Status.CLOSED,
            tags=list(ticket.tags.order_by("name").values_list("name", flat=True)),
            other_active=Ticket.objects.visible_to(user)
            .filter(organization_id=ticket.organization_id)
            .active()
            .exclude(pk=ticket.pk)
            .only("id", "subject", "status")
            .order_by("-updated_at")[:10],
        )
    return render(request, template, context, status=status)


def _followers_context(ticket: Ticket, user, form: FollowerForm | None) -> dict[str, Any]:
    """The Followers section (issue 18): one query, however many follow; ``form``
    carries a refused addition back to its control."""
    followers, candidates = services.followers_panel(user, ticket)
    following = {person.pk for person in followers}
    return {
        "followers": followers,
        "following": user.pk in following,
        # Support's menu offers the agents who neither follow nor are the viewer.
        "follower_ids_and_me": following | {user.pk},
        # The requester hears of everything already; a merged ticket is followed
        # where it went.
        "may_follow": user.pk != ticket.requester_id
        and ticket.merged_into_id is None
        and not user.is_integration,
        "follower_candidates": candidates,
        "follower_form": form or FollowerForm(),
    }


def _satisfaction_context(ticket: Ticket, user, form: SatisfactionForm | None) -> dict[str, Any]:
    """The rating part of the page: its requester rates while Solved; support reads it."""
    if not shows_rating(ticket, user):
        return {"satisfaction_shown": False}
    # Customers see it on solved and closed tickets only: no query on the others.
    # Support sees it whatever the status (a rated ticket may have been reopened).
    if not user.is_support_staff and ticket.status not in (Status.SOLVED, Status.CLOSED):
        return {"satisfaction_shown": False}
    rating = SatisfactionRating.objects.filter(ticket=ticket).select_related("rater").first()
    rating_open = can_rate(ticket, user)
    if form is None and rating_open:
        form = SatisfactionForm(
            initial={"score": rating.score, "comment": rating.comment} if rating else None
        )
    return {
        # Support sees it once there is a rating; the requester from Solved on.
        "satisfaction_shown": rating is not None or rating_open,
        "rating": rating,
        "rating_open": rating_open,
        "satisfaction_form": form,
    }


def _picked_macro(request: AuthenticatedHttpRequest, ticket: Ticket) -> dict[str, Any] | None:
    try:
        macro = services.macro_for(request.user, request.GET["macro"])
    except Macro.DoesNotExist:
        messages.error(request, _("That macro is not there any more."))
        return None
    return macro_preview_data(macro, ticket, request.user)


def _held_macro(
    request: AuthenticatedHttpRequest, ticket: Ticket, macro_id: int | None
) -> dict[str, Any] | None:
    if not macro_id:
        return None
    try:
        macro = services.macro_for(request.user, macro_id)
    except Macro.DoesNotExist:
        return None
    return macro_preview_data(macro, ticket, request.user)


# The status a reply "submitted as" leaves, by the status action that moves there.
SUBMIT_AS_TARGETS = {"resume": Status.IN_PROGRESS, "wait": Status.WAITING, "solve": Status.SOLVED}


def message_posted(
    request: AuthenticatedHttpRequest,
    ticket: Ticket,
    form: forms.Form,
    *,
    form_name: str,
    post: Callable[[], services.Reply],
    done: Callable[[services.Reply], HttpResponse],
    refused: Callable[[TransitionError], HttpResponse] | None = None,
) -> HttpResponse:
    """What every message form of the ticket page does with a POST: ``post``
    the valid form through its one service, then say what ``done`` says; a
    move the lifecycle refuses is reported (``refused``, or a message and back
    to the ticket); invalid input renders the page again with the form
    (``form_name``, the page's name for it) and its errors."""
    if form.is_valid():
        try:
            reply = post()
        except TransitionError as error:
            if refused is not None:
                return refused(error)
            messages.error(request, str(error))
            return redirect(ticket)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            return done(reply)
    with_errors: dict[str, Any] = {form_name: form}
    return render_ticket_page(request, ticket, status=400, **with_errors)
