"""The demo's ways in (seeds 000 and 001): the support addresses the email
channel routes, and the contacts Get support and the ticket list show.

Every support email the demo shows is an address it routes, at the priority
the page says (high@ opens High tickets). Idempotent: rows are matched by
address or by (kind, topic, value, plan), so a support admin's edits to
labels and order survive another run.
"""

from __future__ import annotations

from accounts.models import SupportContact
from inbound.models import SupportAddress
from tickets.models import Category, Priority

DOMAIN = "support.example"

# (address, priority, ticket type slug or None for the first, notes)
ADDRESSES = [
    (f"help@{DOMAIN}", Priority.NORMAL, None, "Requests and incidents (seed 000)."),
    (f"high@{DOMAIN}", Priority.HIGH, None, "High priority (seed 000)."),
    (f"incident@{DOMAIN}", Priority.NORMAL, "technical", "Managed Services incidents."),
    (f"request@{DOMAIN}", Priority.NORMAL, "service-change", "Managed Services requests."),
    (f"billing@{DOMAIN}", Priority.NORMAL, "billing", "Billing questions (seed 001)."),
]

STANDARD, PROFESSIONAL = "standard", "professional"
MANAGED = "managed"

# (kind, topic, label, value, minimum tier, service plan or "" for every plan)
CONTACTS = [
    ("email", "support", "Requests and incidents", f"help@{DOMAIN}", STANDARD, ""),
    ("email", "support", "High priority", f"high@{DOMAIN}", STANDARD, ""),
    ("chat", "support", "Chat with support", "https://chat.support.example", PROFESSIONAL, ""),
    # Seed 000, "Phone Support": the six regions.
    ("phone", "support", "USA", "+1 (425) 321-0338", PROFESSIONAL, ""),
    ("phone", "support", "UK", "+44 20 0333 0338", PROFESSIONAL, ""),
    ("phone", "support", "Hong Kong", "+852 58032338", PROFESSIONAL, ""),
    ("phone", "support", "Australia", "+61 7 4410 3380", PROFESSIONAL, ""),
    ("phone", "support", "Singapore", "+65 3158 9575", PROFESSIONAL, ""),
    ("phone", "support", "Japan", "+81-3-4540-3776", PROFESSIONAL, ""),
    # Seed 000, "Exceptions": Managed Services customers, for managed OS or applications.
    ("phone", "support", "US", "888.638.6771", STANDARD, MANAGED),
    ("phone", "support", "UK", "+44.118.322.6100", STANDARD, MANAGED),
    ("phone", "support", "Singapore", "+65.6305.8099", STANDARD, MANAGED),
    ("email", "support", "Incidents", f"incident@{DOMAIN}", STANDARD, MANAGED),
    ("email", "support", "Requests", f"request@{DOMAIN}", STANDARD, MANAGED),
    # Seed 001: the Sales and Billing contacts beside the ticket list.
    ("phone", "sales", "Sales team", "+1 (425) 321-0300", STANDARD, ""),
    ("web", "sales", "Plans and quotes", "https://www.support.example/sales", STANDARD, ""),
    ("email", "billing", "Invoices and payments", f"billing@{DOMAIN}", STANDARD, ""),
    ("phone", "billing", "Billing team", "+1 (425) 321-0301", STANDARD, ""),
]


def seed_support_channels(categories: dict[str, Category]) -> None:
    for email, priority, slug, notes in ADDRESSES:
        SupportAddress.objects.get_or_create(
            email=email,
            defaults={
                "priority": priority,
                "category": categories.get(slug) if slug else None,
                "notes": notes,
            },
        )
    for order, (kind, topic, label, value, tier, plan) in enumerate(CONTACTS):
        SupportContact.objects.get_or_create(
            kind=kind,
            topic=topic,
            value=value,
            service_plan=plan,
            defaults={"label": label, "minimum_tier": tier, "order": order},
        )
