"""Macros (issue 18): the one place that writes them and applies them.

Who manages what: a shared macro (no owner) by support admins only; a
personal one by its owner only. Every agent sees the shared ones and their
own (``Macro.objects.visible_to``); another agent's personal macro is treated
as missing (``Macro.DoesNotExist``), never as forbidden.

Applying a macro is one act in one transaction: the message (the macro's
text filled in, or what the agent made of it), then its status action
through the lifecycle, and its priority, ticket type, assignee and tags
through the services that already make those changes, so each is the
ordinary history entry and notification it always is. A refusal anywhere
(the lifecycle's, an inactive ticket type) leaves the ticket as it was.
"""

from __future__ import annotations

from collections.abc import Sequence
from enum import Enum
from typing import Any, Literal

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from tickets import workflow
from tickets.attachments.storing import files_removed_on_error
from tickets.events import one_act
from tickets.locks import lock_ticket
from tickets.models import (
    MACRO_BODY_MAX_LENGTH,
    MACRO_TITLE_MAX_LENGTH,
    Category,
    Macro,
    Priority,
    Status,
    Ticket,
)
from tickets.placeholders import placeholders_filled, unknown_placeholders
from tickets.services.conversation import Reply, ticket_reply
from tickets.services.support import Keep, ticket_change_status, ticket_update
from tickets.services.tags import tag_names, tags_made, ticket_tag
from tickets.workflow import Action

# The status a reply "submitted as" leaves, by the macro's status action.
STATUS_TARGETS = {
    Macro.StatusAction.RESUME: Status.IN_PROGRESS,
    Macro.StatusAction.WAIT: Status.WAITING,
    Macro.StatusAction.SOLVE: Status.SOLVED,
}

FIELDS = (
    "title",
    "body",
    "status_action",
    "priority",
    "category",
    "tags",
    "assignee",
    "assign_to_me",
)


class FromMacro(Enum):
    """``macro_apply``'s "the status the macro says" (None means keep the status)."""

    STATUS = "macro"


def is_support_admin(user: User) -> bool:
    return user.is_active and user.role == User.Role.SUPPORT_ADMIN


def macro_can_manage(user: User, macro: Macro) -> bool:
    """Shared macros are support admins'; a personal one is its owner's alone."""
    if not (user.is_authenticated and user.is_active and user.is_support_staff):
        return False
    if macro.is_shared:
        return is_support_admin(user)
    return macro.owner_id == user.pk


def macro_for(user: User, pk: object) -> Macro:
    """The macro ``pk`` if ``user`` may see it; ``Macro.DoesNotExist`` otherwise
    (missing, another agent's personal one, or a customer asking)."""
    try:
        number = int(str(pk))
    except ValueError:
        raise Macro.DoesNotExist("No such macro.") from None
    macro = (
        Macro.objects.visible_to(user)
        .select_related("category", "assignee", "owner")
        .filter(pk=number)
        .first()
    )
    if macro is None:
        raise Macro.DoesNotExist("No such macro.")
    return macro


def _cleaned(values: dict[str, Any], macro: Macro | None = None) -> dict[str, Any]:
    """``values`` checked and normalised; one ``ValidationError`` naming every bad field.

    ``macro``: the macro being changed, whose other fields still count."""
    errors: dict[str, str] = {}
    data = dict(values)
    _check_text(data, errors)
    _check_actions(data, errors, macro)
    if errors:
        raise ValidationError(errors)
    return data


def _check_text(data: dict[str, Any], errors: dict[str, str]) -> None:
    if "title" in data:
        data["title"] = (data["title"] or "").strip()
        if not data["title"]:
            errors["title"] = _("Title is required.")
        elif len(data["title"]) > MACRO_TITLE_MAX_LENGTH:
            errors["title"] = _("Title can be at most %(max)d characters.") % {
                "max": MACRO_TITLE_MAX_LENGTH
            }
    if "body" in data:
        data["body"] = (data["body"] or "").replace("\r\n", "\n").strip()
        unknown = unknown_placeholders(data["body"])
        if len(data["body"]) > MACRO_BODY_MAX_LENGTH:
            errors["body"] = _("Text can be at most %(max)d characters.") % {
                "max": MACRO_BODY_MAX_LENGTH
            }
        elif unknown:
            errors["body"] = _("Unknown placeholder: %(names)s. See the list of placeholders.") % {
                "names": ", ".join(unknown)
            }


def _check_actions(data: dict[str, Any], errors: dict[str, str], macro: Macro | None) -> None:
    if "status_action" in data:
        data["status_action"] = data["status_action"] or ""
        if data["status_action"] and data["status_action"] not in Macro.StatusAction.values:
            errors["status_action"] = _(
                "Choose In progress, Waiting for customer or Solved, or nothing."
            )
    if data.get("priority") is not None and data["priority"] not in Priority.values:
        errors["priority"] = _("Choose low, normal, high or urgent.")
    category = data.get("category")
    if category is not None and not (isinstance(category, Category) and category.is_active):
        errors["category"] = _("Choose one of the available ticket types.")
    if "tags" in data:
        try:
            data["tags"] = " ".join(tag_names(data["tags"] or ""))
        except ValidationError as error:
            errors["tags"] = error.message_dict["tags"][0]
    assignee = data.get("assignee")
    if assignee is not None and not (assignee.is_support_staff and assignee.is_active):
        errors["assignee"] = _("Tickets can be assigned to active support staff only.")
    if macro is not None:
        assignee = data.get("assignee", macro.assignee)
    if assignee is not None and data.get("assign_to_me", macro and macro.assign_to_me):
        errors["assignee"] = _("Assign to one agent or to the one applying the macro, not both.")


@transaction.atomic
def macro_create(
    *,
    actor: User,
    title: str,
    body: str = "",
    shared: bool = False,
    status_action: str = "",
    priority: int | None = None,
    category: Category | None = None,
    tags: str = "",
    assignee: User | None = None,
    assign_to_me: bool = False,
) -> Macro:
    """A new macro: personal to ``actor``, or ``shared`` (support admins only,
    else ``ValidationError`` on ``shared``). Customers: ``PermissionDenied``."""
    if not actor.is_support_staff:
        raise PermissionDenied("Macros are for support staff.")
    if shared and not is_support_admin(actor):
        raise ValidationError({"shared": _("Only support admins can share a macro.")})
    data = _cleaned(
        {
            "title": title,
            "body": body,
            "status_action": status_action,
            "priority": priority,
            "category": category,
            "tags": tags,
            "assignee": assignee,
            "assign_to_me": assign_to_me,
        }
    )
    # The tags exist from now on, so applying the macro only links them.
    tags_made(data["tags"].split())
    return Macro.objects.create(owner=None if shared else actor, **data)


@transaction.atomic
def macro_update(*, macro: Macro, actor: User, **changes: Any) -> Macro:
    """Change some of ``FIELDS``; who may is ``macro_can_manage``'s rule
    (``PermissionDenied`` otherwise). Whether it is shared does not change."""
    if not macro_can_manage(actor, macro):
        raise PermissionDenied("You can't change this macro.")
    unknown = set(changes) - set(FIELDS)
    if unknown:
        raise TypeError(f"macro_update() got unexpected fields {sorted(unknown)}")
    # Checked against the row as it is now, locked: two edits at once (one
    # naming an assignee, one "assign to me") must not both pass on the
    # copies they read and then break the table's rule.
    macro = Macro.objects.select_for_update().get(pk=macro.pk)
    data = _cleaned(changes, macro)
    for name in changes:
        setattr(macro, name, data[name])
    if "tags" in changes:
        tags_made(macro.tag_list)
    macro.updated_at = timezone.now()
    macro.save(update_fields=[*changes, "updated_at"])
    return macro


@transaction.atomic
def macro_delete(*, macro: Macro, actor: User) -> None:
    if not macro_can_manage(actor, macro):
        raise PermissionDenied("You can't delete this macro.")
    macro.delete()


def macro_render(macro: Macro, ticket: Ticket, agent: User) -> str:
    """The macro's text for ``ticket``, placeholders filled in as plain text."""
    return placeholders_filled(macro.body, ticket=ticket, agent=agent)


def macro_actions(macro: Macro) -> list[tuple[str, str]]:
    """What applying ``macro`` does besides its message, as (what, to what) for people."""
    actions: list[tuple[str, str]] = []
    if macro.status_action:
        actions.append((_("Status"), str(Macro.StatusAction(macro.status_action).label)))
    if macro.priority:
        actions.append((_("Priority"), str(Priority(macro.priority).label)))
    if macro.category_id:
        actions.append((_("Ticket type"), macro.category.name))  # type: ignore[union-attr]
    if macro.assign_to_me:
        actions.append((_("Assignee"), _("the agent applying it")))
    elif macro.assignee_id:
        actions.append((_("Assignee"), macro.assignee.full_name))  # type: ignore[union-attr]
    if macro.tags:
        actions.append((_("Add tags"), ", ".join(macro.tag_list)))
    return actions


@one_act
@transaction.atomic
def macro_apply(
    *,
    macro: Macro,
    ticket: Ticket,
    agent: User,
    body: str | None = None,
    internal: bool = False,
    submit_as: str | Literal[FromMacro.STATUS] | None = FromMacro.STATUS,
    files: Sequence[UploadedFile] = (),
) -> Reply:
    """Apply ``macro`` to ``ticket`` as ``agent``: one act, all or nothing.

    ``body`` is the message as the agent sent it (they may have edited the
    filled-in text); None posts the macro's own text filled in. An empty
    message (a macro of actions only) posts nothing. ``internal`` makes it an
    internal note; the status action then applies on its own. ``submit_as``
    overrides the macro's status (the reply box's "Submit as", which the
    picker set from the macro and the agent may have changed).

    Takes the ticket's lock first and checks the status move before anything
    is written, so a refused move answers with the lifecycle's own words
    (``TransitionError``). A macro ``agent`` can't see raises
    ``Macro.DoesNotExist``.
    """
    if not agent.is_support_staff:
        raise PermissionDenied("Macros are for support staff.")
    if not Macro.objects.visible_to(agent).filter(pk=macro.pk).exists():
        raise Macro.DoesNotExist("No such macro.")
    # The reply's files go if a later step (the tags, the properties) refuses.
    with files_removed_on_error():
        return _macro_applied(
            macro=macro,
            ticket=ticket,
            agent=agent,
            body=body,
            internal=internal,
            submit_as=submit_as,
            files=files,
        )


def _macro_applied(
    *,
    macro: Macro,
    ticket: Ticket,
    agent: User,
    body: str | None,
    internal: bool,
    submit_as: str | Literal[FromMacro.STATUS] | None,
    files: Sequence[UploadedFile],
) -> Reply:
    ticket = lock_ticket(ticket.pk)
    if submit_as is FromMacro.STATUS:
        status_action = macro.status_action
        target = STATUS_TARGETS[Macro.StatusAction(status_action)] if status_action else None
    else:
        by_target = {str(value): key for key, value in STATUS_TARGETS.items()}
        chosen = by_target.get(submit_as or "")
        status_action = chosen or ""
        target = STATUS_TARGETS[chosen] if chosen else None
        if submit_as and not status_action:
            raise ValidationError(
                {"submit_as": _("Submit as In progress, Waiting for customer or Solved.")}
            )
    if status_action:
        workflow.check(ticket, Action(status_action), agent)
    text = macro_render(macro, ticket, agent) if body is None else body
    message = None
    if text.strip():
        reply = ticket_reply(
            ticket=ticket,
            author=agent,
            body=text,
            internal=internal,
            submit_as=None if internal else (target or None),
            files=files,
        )
        ticket, message = reply.ticket, reply.message
    if status_action and (internal or message is None):
        ticket = ticket_change_status(ticket=ticket, actor=agent, action=Action(status_action))
    assignee: User | Literal[Keep.ASSIGNEE] | None = Keep.ASSIGNEE
    if macro.assign_to_me:
        assignee = agent
    elif macro.assignee_id:
        assignee = macro.assignee
    if macro.priority or macro.category_id or assignee is not Keep.ASSIGNEE:
        ticket = ticket_update(
            ticket=ticket,
            actor=agent,
            priority=macro.priority or None,
            category=macro.category,
            assignee=assignee,
        )
    if macro.tags:
        ticket_tag(ticket=ticket, actor=agent, add=macro.tag_list)
    # Last, so that the macro's row is locked only for the commit's moment.
    Macro.objects.filter(pk=macro.pk).update(usage_count=F("usage_count") + 1)
    return Reply(ticket=ticket, message=message)
