"""Demo organisations, people and some forty tickets in every status.

Idempotent: people and organisations are created once, tickets only when the
demo organisations have none. Tickets are made through the services, so the
history is real, then moved back in time so the portal looks lived-in.
Refused when DEBUG is off: the demo password is public.
"""

from __future__ import annotations

import random
from datetime import timedelta

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone

from accounts.models import Organization, User
from ops.management.commands._demo_support import seed_support_channels
from tickets import services
from tickets.events import history_only
from tickets.models import Category, Macro, Message, Priority, Status, Ticket, TicketEvent
from tickets.sla.refresh import sla_refresh
from tickets.workflow import Action

DEMO_PASSWORD = "demo-password"  # demo data only, refused outside DEBUG

Plan = Organization.ServicePlan
ORGANIZATIONS = [
    ("Acme", "ACME", Organization.Tier.ENTERPRISE, Organization.ReplyPolicy.REOPEN, Plan.MANAGED),
    (
        "Globex",
        "GLOBEX",
        Organization.Tier.STANDARD,
        Organization.ReplyPolicy.FOLLOW_UP,
        Plan.CLOUD,
    ),
]
PEOPLE = [
    ("alice@acme.example", "Alice Anders", "ACME", User.Role.ADMIN),
    ("bob@acme.example", "Bob Brandt", "ACME", User.Role.MEMBER),
    ("carol@globex.example", "Carol Chen", "GLOBEX", User.Role.ADMIN),
    ("agent@support.example", "Sam Support", None, User.Role.AGENT),
    ("agent2@support.example", "Robin Responder", None, User.Role.AGENT),
    ("admin@support.example", "Ada Admin", None, User.Role.SUPPORT_ADMIN),
]
CATEGORIES = [
    ("Technical issue", "technical", "Something does not work as it should."),
    ("Billing and payments", "billing", "Invoices, payment methods, refunds."),
    ("Service change request", "service-change", "Extend, resize or modify a service."),
    ("Account and access", "account", "Users, logins, permissions."),
    ("General question", "question", "Anything else."),
]

# Support's tags (issue 18) on every other ticket of a type, so the queue's
# Tags column and filter have something to show.
DEMO_TAGS = {
    "technical": "needs-engineering",
    "billing": "refund",
    "service-change": "upsell",
    "account": "access",
}

# (subject, category slug, priority, product, description)
SUBJECTS = [
    (
        "Load balancer returns 502 for half of the requests",
        "technical",
        Priority.URGENT,
        "Load Balancer",
        "Since 09:40 UTC roughly half of the requests to `lb-prod-01` end in **502 Bad Gateway**.\n\nBackends look healthy from inside the network.",
    ),
    (
        "Invoice for October shows the wrong VAT number",
        "billing",
        Priority.NORMAL,
        "",
        "Our VAT number changed in September; the October invoice still shows the old one. Please reissue it.",
    ),
    (
        "Please increase the Kubernetes node pool limit to 20",
        "service-change",
        Priority.NORMAL,
        "Kubernetes",
        "We expect a traffic peak next week and need the node pool limit raised from 10 to 20 nodes.",
    ),
    (
        "Cannot add a new user to our account",
        "account",
        Priority.HIGH,
        "",
        'Inviting `dana@acme.example` fails with "something went wrong". Tried twice.',
    ),
    (
        "CDN cache is not purged after deploy",
        "technical",
        Priority.HIGH,
        "Video CDN",
        "After our deploy at 14:00 the CDN keeps serving the old `app.js` although we purged `/static/*`.",
    ),
    (
        "Question about backup retention",
        "question",
        Priority.LOW,
        "Cloud Servers",
        "How long are automatic snapshots kept, and can we extend it to 30 days?",
    ),
    (
        "Cloud server does not boot after resize",
        "technical",
        Priority.URGENT,
        "Cloud Servers",
        "Server `web-3` was resized from 2 to 4 vCPU and now hangs at boot. Console shows a kernel panic.",
    ),
    (
        "Refund for a duplicated payment",
        "billing",
        Priority.NORMAL,
        "",
        "Our card was charged twice on 3 November (same amount). Please refund one of the payments.",
    ),
    (
        "Anycast IP announcement missing in Frankfurt",
        "technical",
        Priority.HIGH,
        "Anycast CDN",
        "Traceroutes from Frankfurt go to Amsterdam since this morning; looks like the announcement is missing.",
    ),
    (
        "Enable two-factor authentication for all our users",
        "account",
        Priority.NORMAL,
        "",
        "Can you make 2FA mandatory for every user of our account?",
    ),
    (
        "DNS records not updating",
        "technical",
        Priority.NORMAL,
        "",
        "Changed the A record of `shop.example.com` two hours ago; the old address is still served.",
    ),
    (
        "Add a second billing contact",
        "billing",
        Priority.LOW,
        "",
        "Please add `finance@acme.example` as a second billing contact.",
    ),
    (
        "Move our servers to the Singapore region",
        "service-change",
        Priority.NORMAL,
        "Cloud Servers",
        "We would like to move three servers to Singapore. What downtime should we expect?",
    ),
    (
        "API rate limit too low for our monitoring",
        "question",
        Priority.NORMAL,
        "",
        "Our monitoring hits the API rate limit every few minutes. Can the limit be raised?",
    ),
]

AGENT_ANSWERS = [
    "Thanks for the report. I'm looking into it now and will update you shortly.",
    "Could you send us the exact time of the last failure and the affected resource IDs?",
    "We found the cause and applied a fix. Can you confirm it works on your side?",
    "This is done. Let us know if anything else is needed.",
]
CUSTOMER_ANSWERS = [
    "Here are the details: it happened at 10:15 UTC, resource `srv-4411`.",
    "Thanks, it works again on our side.",
    "Still seeing the problem from two of our offices, see the attached trace.",
]

# What happens to each demo ticket after it is opened, by its final status.
PLANS = {
    Status.OPEN: [],
    Status.IN_PROGRESS: ["take", "agent_reply"],
    Status.WAITING: ["take", "agent_reply:wait"],
    Status.SOLVED: ["take", "agent_reply:wait", "customer_reply", "note", "agent_reply:solve"],
    Status.CLOSED: ["take", "agent_reply", "customer_reply", "agent_reply:solve", "close"],
}
STATUS_MIX = (
    [Status.OPEN] * 8
    + [Status.IN_PROGRESS] * 8
    + [Status.WAITING] * 7
    + [Status.SOLVED] * 5
    + [Status.CLOSED] * 12
)


# Shared macros (issue 18): title, text, status action, category slug, tags.
DEMO_MACROS = (
    (
        "Ask for logs",
        "Hello {{ requester.first_name }},\n\nTo look into #{{ ticket.number }} we need the "
        "logs from the time it happened. Could you attach them to this ticket?\n\n"
        "Best regards,\n{{ agent.name }}",
        "wait",
        None,
        "needs-logs",
    ),
    (
        "Solved: please confirm",
        "Hello {{ requester.first_name }},\n\nWe believe #{{ ticket.number }} is solved. "
        "If anything is still wrong, just reply and the ticket comes back to us.\n\n"
        "{{ agent.name }}",
        "solve",
        None,
        "",
    ),
    (
        "Billing handover",
        "Hello {{ requester.first_name }},\n\nI am handing this over to our billing team, "
        "who will answer you here.\n\n{{ agent.name }}",
        "",
        "billing",
        "billing",
    ),
)


class Command(BaseCommand):
    help = "Load the demo organisations, users and tickets (DEBUG only; safe to run again)."

    def handle(self, *args, **options):
        if not settings.DEBUG:
            raise CommandError(
                "seed_demo is for local demos only and refuses to run with DEBUG off: "
                "its users share a public password."
            )
        with transaction.atomic():
            organizations = self._organizations()
            people = self._people(organizations)
            categories = self._categories()
            seed_support_channels(categories)
            self._macros(people, categories)
            if Ticket.objects.filter(organization__in=organizations.values()).exists():
                self.stdout.write("Demo tickets are already there; nothing to add.")
            else:
                # The demo's history happened "in the past": nobody is emailed now.
                with history_only():
                    count = self._tickets(people, categories)
                self.stdout.write(f"Created {count} demo tickets.")
        self.stdout.write(self.style.SUCCESS("Demo logins (password: demo-password):"))
        for email, _name, alias, role in PEOPLE:
            where = f" of {alias}" if alias else ""
            self.stdout.write(f"  {email:<26} {User.Role(role).label}{where}")

    def _organizations(self) -> dict[str, Organization]:
        result = {}
        for name, alias, tier, policy, plan in ORGANIZATIONS:
            result[alias], _ = Organization.objects.get_or_create(
                alias=alias,
                defaults={
                    "name": name,
                    "support_tier": tier,
                    "reply_policy": policy,
                    "service_plan": plan,
                },
            )
        return result

    def _people(self, organizations) -> dict[str, User]:
        result = {}
        for email, name, alias, role in PEOPLE:
            user = User.objects.filter(email=email).first()
            if user is None:
                user = User.objects.create_user(
                    email,
                    DEMO_PASSWORD,
                    full_name=name,
                    role=role,
                    organization=organizations.get(alias),
                    is_superuser=role == User.Role.SUPPORT_ADMIN,
                )
            result[email] = user
        return result

    def _macros(self, people, categories) -> None:
        admin = next(user for user in people.values() if user.role == User.Role.SUPPORT_ADMIN)
        for title, body, status_action, slug, tags in DEMO_MACROS:
            if Macro.objects.filter(owner=None, title=title).exists():
                continue
            services.macro_create(
                actor=admin,
                shared=True,
                title=title,
                body=body,
                status_action=status_action,
                category=categories.get(slug) if slug else None,
                tags=tags,
            )

    def _categories(self) -> dict[str, Category]:
        result = {}
        for order, (name, slug, description) in enumerate(CATEGORIES):
            result[slug], _ = Category.objects.get_or_create(
                slug=slug, defaults={"name": name, "description": description, "order": order}
            )
        return result

    def _tickets(self, people, categories) -> int:
        rng = random.Random(20261122)  # the same demo every time
        agents = [people["agent@support.example"], people["agent2@support.example"]]
        customers = {
            "ACME": [people["alice@acme.example"], people["bob@acme.example"]],
            "GLOBEX": [people["carol@globex.example"]],
        }
        now = timezone.now()
        statuses = list(STATUS_MIX)
        rng.shuffle(statuses)
        for index, final_status in enumerate(statuses):
            alias = "ACME" if index % 3 else "GLOBEX"
            requester = rng.choice(customers[alias])
            agent = rng.choice(agents)
            subject, slug, priority, product, description = SUBJECTS[index % len(SUBJECTS)]
            ticket = services.ticket_open(
                actor=requester,
                category=categories[slug],
                subject=subject,
                description=description,
                priority=priority,
                product=product,
                internal_reference=f"ACME-{1000 + index}"
                if alias == "ACME" and index % 4 == 0
                else "",
            )
            for step in PLANS[final_status]:
                self._act(ticket, step, agent=agent, requester=requester, rng=rng)
            if slug in DEMO_TAGS and index % 2 == 0:
                tags = DEMO_TAGS[slug] + (" vip" if priority == Priority.URGENT else "")
                services.ticket_tag(ticket=ticket, actor=agent, add=tags)
            # Spread the last activity over the last six weeks; solved tickets
            # inside the auto-close window so that customers see when they close.
            age = timedelta(hours=3 + index * 25 + rng.randint(0, 20))
            if final_status == Status.SOLVED:
                age = timedelta(hours=10 + index % 40)
            self._backdate(ticket, now - age, step=timedelta(hours=rng.randint(1, 4)))
            # A requester has read what came before their own last word, and
            # anything older than a week: "new" is then what a real desk shows.
            last_step = PLANS[final_status][-1] if PLANS[final_status] else ""
            if last_step.startswith(("customer_reply", "close")) or age > timedelta(days=7):
                services.ticket_mark_seen(ticket=Ticket.objects.get(pk=ticket.pk), user=requester)
        return len(statuses)

    def _act(self, ticket, step, *, agent, requester, rng) -> None:
        action, _, option = step.partition(":")
        if action == "take":
            services.ticket_take(ticket=ticket, agent=agent)
        elif action == "agent_reply":
            submit_as = {"wait": Status.WAITING, "solve": Status.SOLVED}.get(option)
            text = AGENT_ANSWERS[-1] if option == "solve" else rng.choice(AGENT_ANSWERS[:3])
            services.ticket_reply(ticket=ticket, author=agent, body=text, submit_as=submit_as)
        elif action == "customer_reply":
            services.ticket_reply(
                ticket=ticket, author=requester, body=rng.choice(CUSTOMER_ANSWERS)
            )
        elif action == "note":
            services.ticket_reply(
                ticket=ticket,
                author=agent,
                body="Checked the logs: the upstream timeout matches the customer's report.",
                internal=True,
            )
        elif action == "close":
            services.ticket_change_status(ticket=ticket, actor=requester, action=Action.CLOSE)

    def _backdate(self, ticket: Ticket, end, *, step) -> None:
        """Replay the ticket's history so that its last act happened at ``end``,
        one ``step`` between acts; what happened together stays together."""
        events = list(
            TicketEvent.objects.filter(ticket=ticket).select_related("actor").order_by("id")
        )
        acts = sorted({event.created_at for event in events})
        start = end - step * (len(acts) - 1)
        moment_of = {original: start + step * i for i, original in enumerate(acts)}
        activity = {}
        for event in events:
            when = moment_of[event.created_at]
            if event.kind in (TicketEvent.Kind.CREATED, TicketEvent.Kind.REPLIED):
                side = "support" if event.actor.is_support_staff else "customer"
                activity[f"{side}_activity_at"] = when
            TicketEvent.objects.filter(pk=event.pk).update(created_at=when)
            if event.message_id:
                Message.objects.filter(pk=event.message_id).update(created_at=when)
            if event.kind == TicketEvent.Kind.STATUS and event.to_value == Status.SOLVED:
                Ticket.objects.filter(pk=ticket.pk).update(solved_at=when)
            if event.kind == TicketEvent.Kind.STATUS and event.to_value == Status.CLOSED:
                Ticket.objects.filter(pk=ticket.pk).update(closed_at=when)
            if event.kind == TicketEvent.Kind.STATUS and event.to_value == Status.WAITING:
                Ticket.objects.filter(pk=ticket.pk).update(waiting_since=when)
        Ticket.objects.filter(pk=ticket.pk).update(created_at=start, updated_at=end, **activity)
        # The service-level clocks follow the history as it now reads (some late).
        sla_refresh(ticket.pk)
