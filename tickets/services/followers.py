"""Followers of a ticket (issue 18): the one place that adds and removes them.

A follower hears of the ticket as its requester does (a customer) or as its
assignee does (support staff); ``notifications.recipients`` reads them.

Who may add whom:

- a customer adds active users of the ticket's own organisation (any member
  may add a colleague); never support staff, never another organisation's
  user, never the organisation's integration user (it has no mailbox);
- support staff follow tickets themselves, add other agents, and add the
  organisation's users as a customer would;
- the requester hears of everything already and is not a follower.

Who may remove a follower: the follower themself, the ticket's requester,
the organisation's customer admins, and support staff. Another member may
not (they added a colleague; they do not decide for the requester who hears).

A ticket has at most ``FOLLOWERS_PER_TICKET`` followers. Every change is a
FOLLOWERS event in the same transaction: customers see it in the history when
the follower is one of theirs; an agent's follow is internal. Nobody is
emailed about it. The ticket row is locked first, so twenty people adding at
once get the cap right and one row each.

A refused choice raises ``ValidationError`` on ``user`` (or ``email``), with
the same sentence for "no such person" and "another organisation's person",
so nothing about other organisations leaks; a refused right raises
``PermissionDenied``.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from tickets.events import one_act, record_event
from tickets.locks import lock_ticket
from tickets.models import FOLLOWERS_PER_TICKET, Ticket, TicketEvent, TicketFollower

# At most this many colleagues listed in the page's menu; beyond, an email field.
CANDIDATES_LISTED = 100


def follower_for(
    actor: User,
    ticket: Ticket,
    *,
    user_id: object = None,
    email: str | None = None,
) -> User:
    """The person ``actor`` names (by id, or else by email) to follow ``ticket``.

    Raises ``ValidationError`` on ``user`` or ``email`` when nobody whom
    ``actor`` may add has that id or address (one sentence for missing and
    for another organisation's: nothing leaks)."""
    field = "user" if user_id not in (None, "") else "email"
    if field == "email" and not (email or "").strip():
        raise ValidationError({"user": _("Choose a person to add as a follower.")})
    people = User.objects.filter(is_active=True, is_integration=False)
    whom = people.filter(organization_id=ticket.organization_id)
    if actor.is_support_staff:
        whom = whom | people.filter(role__in=User.STAFF_ROLES)
    if field == "user":
        try:
            pk = int(str(user_id))
        except ValueError:
            pk = 0
        person = whom.filter(pk=pk).first()
    else:
        address = (email or "").strip().lower()
        person = whom.filter(email__iexact=address).first()
    if person is None:
        raise ValidationError({field: _not_addable()})
    return person


def _not_addable() -> str:
    return _("Choose an active user of this ticket's organisation.")


def may_remove(actor: User, ticket: Ticket, user: User) -> bool:
    """Whether ``actor`` may remove ``user`` from the followers of ``ticket``."""
    if actor.is_support_staff or actor.pk == user.pk:
        return True
    if actor.organization_id != ticket.organization_id or user.is_support_staff:
        return False
    return actor.pk == ticket.requester_id or actor.is_org_admin


@one_act
@transaction.atomic
def ticket_follow(
    *, actor: User, ticket: Ticket, user: User, now: datetime | None = None
) -> TicketFollower | None:
    """Make ``user`` a follower of ``ticket``; returns the new row, or ``None``
    if ``user`` already follows it (nothing changes, nothing is recorded).

    Locks the ticket; see the module for the rules and what they raise.
    """
    _check_actor(actor, ticket)
    if not user.is_active or user.is_integration:
        raise ValidationError({"user": _not_addable()})
    if user.is_support_staff:
        if not actor.is_support_staff:
            raise ValidationError(
                {"user": _("Customers can add only colleagues of their own organisation.")}
            )
    elif user.organization_id != ticket.organization_id:
        raise ValidationError({"user": _not_addable()})
    ticket = lock_ticket(ticket.pk)
    if ticket.merged_into_id is not None:
        raise ValidationError(
            {
                "user": _("This ticket was merged into #%(number)s; follow that one instead.")
                % {"number": ticket.merged_into_id}
            }
        )
    if user.pk == ticket.requester_id:
        raise ValidationError(
            {
                "user": _("%(name)s is the requester and already hears of every change.")
                % {"name": user.full_name}
            }
        )
    followers = TicketFollower.objects.filter(ticket_id=ticket.pk)
    if followers.filter(user_id=user.pk).exists():
        return None
    # Only those who hear of it take a place (``eligible``): a follower since
    # deactivated or moved away does not keep a colleague out.
    if followers.eligible().count() >= FOLLOWERS_PER_TICKET:
        raise ValidationError(
            {
                "user": _("A ticket can have at most %(max)d followers; remove one first.")
                % {"max": FOLLOWERS_PER_TICKET}
            }
        )
    now = now or timezone.now()
    follower = TicketFollower.objects.create(
        ticket=ticket,
        user=user,
        organization_id=ticket.organization_id,
        added_by=actor,
        created_at=now,
    )
    record_event(
        ticket,
        actor=actor,
        kind=TicketEvent.Kind.FOLLOWERS,
        subject=user,
        now=now,
        to_value=user.full_name[:200],
        is_internal=user.is_support_staff,
    )
    return follower


@one_act
@transaction.atomic
def ticket_unfollow(
    *, actor: User, ticket: Ticket, user: User, now: datetime | None = None
) -> bool:
    """Remove ``user`` from the followers of ``ticket``; ``False`` if they were
    not following (nothing changes, nothing is recorded).

    Locks the ticket. Raises ``PermissionDenied`` when ``actor`` may not
    remove them (``may_remove``)."""
    _check_actor(actor, ticket)
    if not may_remove(actor, ticket, user):
        raise PermissionDenied(
            _(
                "Only the follower themself, the requester or a customer admin can "
                "remove a follower."
            )
        )
    ticket = lock_ticket(ticket.pk)
    deleted, _rows = TicketFollower.objects.filter(ticket_id=ticket.pk, user_id=user.pk).delete()
    if not deleted:
        return False
    record_event(
        ticket,
        actor=actor,
        kind=TicketEvent.Kind.FOLLOWERS,
        subject=user,
        now=now or timezone.now(),
        from_value=user.full_name[:200],
        is_internal=user.is_support_staff,
    )
    return True


def followers_carry(*, source: Ticket, target: Ticket, actor: User, now: datetime) -> int:
    """Merging: the source's followers follow the target too (its requester,
    who becomes one of the conversation's voices, as well), as many as the
    target has room for; the source keeps none. Returns how many joined.

    Expects both tickets locked by the caller (``ticket_merge``)."""
    have = set(TicketFollower.objects.filter(ticket_id=target.pk).values_list("user_id", flat=True))
    moving = list(
        TicketFollower.objects.filter(ticket_id=source.pk).select_related("user").order_by("pk")
    )
    people = [row.user for row in moving]
    if source.requester_id != target.requester_id:
        people.insert(0, source.requester)
    counted = TicketFollower.objects.filter(ticket_id=target.pk).eligible().count()
    room = FOLLOWERS_PER_TICKET - counted
    joined = 0
    for person in people:
        if room <= 0:
            break
        if person.pk in have or person.pk == target.requester_id:
            continue
        if not person.is_active or person.is_integration:
            continue
        if not person.is_support_staff and person.organization_id != target.organization_id:
            continue
        ticket_follow(actor=actor, ticket=target, user=person, now=now)
        have.add(person.pk)
        room -= 1
        joined += 1
    TicketFollower.objects.filter(ticket_id=source.pk).delete()
    return joined


def followers_end_for(*, user: User) -> int:
    """End the follows ``user`` may no longer have, after they were deactivated
    or moved to another organisation (or became a customer): every follow of
    an inactive person, and a customer's follows of other organisations'
    tickets. Returns how many ended.

    Called by the one door that deactivates or moves a user
    (``accounts.members.user_save_access``), in its transaction. Like erasure,
    it records no history event: nobody chose to unfollow, and the history
    keeps who added them. No ticket lock is needed: removing rows only makes
    room under the cap.
    """
    rows = TicketFollower.objects.filter(user_id=user.pk)
    if user.is_active and not user.is_integration:
        if user.is_support_staff:
            return 0
        rows = rows.exclude(organization_id=user.organization_id)
    deleted, _rows = rows.delete()
    return deleted


def followers_panel(viewer: User, ticket: Ticket) -> tuple[list[User], list[User] | None]:
    """The ticket page's Followers section, in one query however many follow:
    the followers ``viewer`` may see (``TicketFollower.objects.visible_to``:
    customers see their organisation's people only), each with ``removable``
    set; and whom the page offers to add, the organisation's other active
    users by name (each with its ``menu_label``, ``_label``), or ``None`` when
    there are more than ``CANDIDATES_LISTED`` (the page asks for an email
    instead)."""
    # The followers who count (``eligible``), as the cap and the recipients read them.
    counted = TicketFollower.objects.filter(ticket_id=ticket.pk).eligible()
    people_here = (
        User.objects.annotate(follows=Exists(counted.filter(user_id=OuterRef("pk"))))
        .filter(Q(follows=True) | Q(is_active=True, is_integration=False))
        .order_by()
    )
    # The organisation's people, by its index; support also sees the agents
    # following, read by the ticket's follow rows. Two branches of a UNION,
    # not one OR: "in the organisation or following" read every user.
    people_query = people_here.filter(organization_id=ticket.organization_id)
    if viewer.is_support_staff:
        people_query = people_query.union(people_here.filter(pk__in=counted.values("user_id")))
    people = list(
        people_query.order_by("-follows", "full_name", "email")[
            : FOLLOWERS_PER_TICKET + CANDIDATES_LISTED + 2
        ]
    )
    followers = [person for person in people if person.follows]
    for person in followers:
        person.removable = may_remove(viewer, ticket, person)
    candidates = [
        person for person in people if not person.follows and person.pk != ticket.requester_id
    ]
    if len(candidates) > CANDIDATES_LISTED:
        return followers, None
    _label(viewer, candidates)
    return followers, candidates


def _label(viewer: User, candidates: list[Any]) -> None:
    """Set each candidate's ``menu_label``. Support staff and customer admins
    (who manage the organisation's people) read name and email; a member reads
    names only, numbered where colleagues share one (in the order they joined),
    so the menu shows them no address."""
    if viewer.is_support_staff or viewer.is_org_admin:
        for person in candidates:
            person.menu_label = f"{person.full_name} ({person.email})"
        return
    namesakes: dict[str, list[Any]] = {}
    for person in sorted(candidates, key=lambda person: person.pk):
        namesakes.setdefault(person.full_name.casefold(), []).append(person)
    for same in namesakes.values():
        for number, person in enumerate(same, start=1):
            person.menu_label = (
                person.full_name if len(same) == 1 else f"{person.full_name} ({number})"
            )


def _check_actor(actor: User, ticket: Ticket) -> None:
    if not actor.is_active:
        raise PermissionDenied("An inactive user cannot change followers.")
    if not actor.is_support_staff and actor.organization_id != ticket.organization_id:
        raise PermissionDenied("Only the ticket's organisation and support change its followers.")
