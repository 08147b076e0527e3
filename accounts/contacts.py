"""How a customer organisation reaches its provider (seeds 000 and 001), read for one page.

Support's email addresses are shown only while the email channel routes
them (an active ``inbound.SupportAddress``): a page never advertises an
address whose mail would be lost or open tickets at another priority than
the page says. Each shown support address carries the priority its mail
opens tickets at. Sales and billing contacts are other teams' ways in, not
the desk's, and are shown as support admins entered them.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from accounts.models import Organization, SupportContact
from inbound.models import SupportAddress

Kind = SupportContact.Kind
Topic = SupportContact.Topic

# Seed 000's order: email, then chat, then phone.
KIND_ORDER: list[str] = [Kind.EMAIL, Kind.CHAT, Kind.PHONE, Kind.WEB]


@dataclass
class ContactGroup:
    title: str
    kind: str
    contacts: list[SupportContact] = field(default_factory=list)


@dataclass
class SupportWays:
    """What Get support shows one organisation, each part grouped by kind."""

    support: list[ContactGroup]
    managed: list[ContactGroup]  # seed 000's Managed Services exception
    sales_and_billing: list[ContactGroup]


def _by_kind(contacts: list[SupportContact]) -> list[ContactGroup]:
    groups: dict[str, ContactGroup] = {
        kind: ContactGroup(title=str(Kind(kind).label), kind=kind) for kind in KIND_ORDER
    }
    for contact in contacts:
        groups[contact.kind].contacts.append(contact)
    return [group for group in groups.values() if group.contacts]


def _by_topic(contacts: list[SupportContact]) -> list[ContactGroup]:
    groups: dict[str, ContactGroup] = {
        topic: ContactGroup(title=str(Topic(topic).label), kind="")
        for topic in (Topic.SALES, Topic.BILLING)
    }
    for contact in sorted(contacts, key=lambda c: (KIND_ORDER.index(c.kind), c.order, c.label)):
        groups[contact.topic].contacts.append(contact)
    return [group for group in groups.values() if group.contacts]


def _routed_only(contacts: list[SupportContact]) -> list[SupportContact]:
    """The contacts without support emails the email channel does not route;
    each routed one gets ``routed_priority``, the label of its tickets' priority."""
    emails = [c.value for c in contacts if c.kind == Kind.EMAIL and c.topic == Topic.SUPPORT]
    routed = {
        address.email: address.get_priority_display()
        for address in (
            SupportAddress.objects.filter(email__in=emails, is_active=True).only(
                "email", "priority"
            )
            if emails
            else []
        )
    }
    shown = []
    for contact in contacts:
        if contact.kind == Kind.EMAIL and contact.topic == Topic.SUPPORT:
            if contact.value not in routed:
                continue
            contact.routed_priority = routed[contact.value]
        shown.append(contact)
    return shown


def support_ways(organization: Organization) -> SupportWays:
    """Every way in that applies to ``organization`` (its tier and plan); two queries."""
    contacts = _routed_only(list(SupportContact.objects.applying_to(organization)))
    support = [c for c in contacts if c.topic == Topic.SUPPORT]
    return SupportWays(
        support=_by_kind([c for c in support if not c.service_plan]),
        managed=_by_kind([c for c in support if c.service_plan]),
        sales_and_billing=_by_topic([c for c in contacts if c.topic != Topic.SUPPORT]),
    )


def sales_and_billing(organization: Organization) -> list[ContactGroup]:
    """Seed 001's shortcuts on the ticket list: the Sales and Billing contacts; one query."""
    contacts = SupportContact.objects.applying_to(organization).filter(
        topic__in=[Topic.SALES, Topic.BILLING]
    )
    return _by_topic(list(contacts))
