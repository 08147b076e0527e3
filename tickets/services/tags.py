"""Support's tags on tickets (issue 18): the one place that writes them.

A tag is a word support chooses (``vip``, ``refund``, ``printer-jam``):
lower case, letters, digits and ``-``, ``_`` or ``.``, at most
``TAG_MAX_LENGTH`` characters; what is typed is split at spaces and commas.
Tags may change in any status (an archived ticket is still worth grouping),
only by support staff, and every change is an internal event in the
ticket's history that customers never see and nobody is emailed about.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from tickets.events import one_act, record_event
from tickets.locks import lock_ticket
from tickets.models import TAG_MAX_LENGTH, TAGS_PER_TICKET, Tag, Ticket, TicketEvent, TicketTag

_SEPARATORS = re.compile(r"[\s,]+")
_VALID = re.compile(r"[^\W_][\w.-]*\Z")
# TicketEvent's value columns hold 200 characters.
_EVENT_VALUE_MAX = 200


def tag_names(typed: str | Iterable[str]) -> list[str]:
    """The tags in what was typed (or in a list of them), normalised, each once,
    in the order given. Raises ``ValidationError`` on ``tags`` naming the rule."""
    words = typed if not isinstance(typed, str) else [typed]
    names: list[str] = []
    for word in words:
        for part in _SEPARATORS.split(str(word)):
            name = part.strip().lstrip("#").lower()
            if not name:
                continue
            if len(name) > TAG_MAX_LENGTH:
                raise ValidationError(
                    {
                        "tags": _("A tag can be at most %(max)d characters: %(tag)s")
                        % {"max": TAG_MAX_LENGTH, "tag": name[:TAG_MAX_LENGTH] + "…"}
                    }
                )
            if not _VALID.match(name):
                raise ValidationError(
                    {
                        "tags": _(
                            "A tag starts with a letter or digit and holds only letters, "
                            "digits, '-', '_' and '.': %(tag)s"
                        )
                        % {"tag": name}
                    }
                )
            if name not in names:
                names.append(name)
    return names


@one_act
@transaction.atomic
def ticket_tag(
    *,
    ticket: Ticket,
    actor: User,
    add: str | Iterable[str] = (),
    remove: str | Iterable[str] = (),
    now: datetime | None = None,
) -> list[str]:
    """Add and remove tags on ``ticket``; returns its tags afterwards, sorted.

    A tag both added and removed stays. Adding a tag it has, or removing one
    it has not, changes nothing and records nothing.
    """
    if not actor.is_support_staff:
        raise PermissionDenied("Only support staff tag tickets.")
    adding = tag_names(add)
    removing = [name for name in tag_names(remove) if name not in adding]
    now = now or timezone.now()
    ticket = lock_ticket(ticket.pk)
    current = set(ticket.tags.values_list("name", flat=True))
    new = [name for name in adding if name not in current]
    gone = sorted(name for name in removing if name in current)
    after = (current - set(gone)) | set(new)
    if len(after) > TAGS_PER_TICKET:
        raise ValidationError(
            {
                "tags": _("A ticket can have at most %(max)d tags; remove one first.")
                % {"max": TAGS_PER_TICKET}
            }
        )
    if not new and not gone:
        return sorted(current)
    if new:
        TicketTag.objects.bulk_create(
            [
                TicketTag(
                    ticket=ticket,
                    tag=tag,
                    organization_id=ticket.organization_id,
                    added_by=actor,
                    created_at=now,
                )
                for tag in tags_made(new)
            ],
            ignore_conflicts=True,
        )
    if gone:
        TicketTag.objects.filter(ticket=ticket, tag__name__in=gone).delete()
    record_event(
        ticket,
        actor=actor,
        kind=TicketEvent.Kind.TAGS,
        now=now,
        from_value=_event_value(gone),
        to_value=_event_value(sorted(new)),
        is_internal=True,
    )
    return sorted(after)


def tags_made(names: list[str]) -> list[Tag]:
    """The ``Tag`` rows of ``names``, made where missing. Two agents making the
    same new tag at once get the one row (the unique name decides)."""
    Tag.objects.bulk_create([Tag(name=name) for name in names], ignore_conflicts=True)
    return list(Tag.objects.filter(name__in=names))


def tags_matching(prefix: str, *, limit: int = 20) -> list[str]:
    """Existing tags starting with ``prefix`` (for the tag field's suggestions)."""
    try:
        names = tag_names(prefix)
    except ValidationError:
        return []  # nothing that could be a tag starts so
    tags = Tag.objects.all()
    if names:
        tags = tags.filter(name__startswith=names[-1])
    return list(tags.order_by("name").values_list("name", flat=True)[:limit])


def _event_value(names: list[str]) -> str:
    value = " ".join(names)
    if len(value) > _EVENT_VALUE_MAX:
        value = value[: _EVENT_VALUE_MAX - 1].rsplit(" ", 1)[0] + " …"
    return value
