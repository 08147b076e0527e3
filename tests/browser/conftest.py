"""Headless Chromium (Debian's, never a downloaded build) driven by Playwright."""

import os

import pytest
from django.utils import timezone

from accounts.models import ApiToken, SupportContact, User
from accounts.tokens import token_create
from inbound.models import SupportAddress
from tests.browser.helpers import watch_for_csp_violations
from tests.helpers import PASSWORD, bring_to, chromium_path
from tickets import services
from tickets.models import Status

# Playwright's sync API runs an event loop in the test's thread; the ORM calls
# the tests make around it are still plain synchronous calls.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture(scope="session")
def browser():
    path = chromium_path()
    if not path:
        pytest.fail("CI must run the browser tests: install Debian's chromium package")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=path, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser, live_server):
    """A fresh page; its test fails if any page of its context met a CSP violation."""
    context = browser.new_context(base_url=live_server.url, viewport={"width": 1280, "height": 900})
    context.set_default_timeout(10_000)
    violations = watch_for_csp_violations(context)
    page = context.new_page()
    yield page
    context.close()
    if violations:
        pytest.fail("Content-Security-Policy violations:\n" + "\n".join(violations), pytrace=False)


@pytest.fixture
def log_in_to(page):
    def as_user(email: str, password: str, landing: str = "**/tickets/"):
        page.goto("/accounts/login/")
        page.fill("#id_username", email)
        page.fill("#id_password", password)
        page.click("button[type=submit]")
        page.wait_for_url(landing)
        return page

    return as_user


@pytest.fixture
def log_in(log_in_to):
    return log_in_to


LONG_WORD = "ERR_UPSTREAM_TLS_HANDSHAKE_TIMEOUT_WHILE_NEGOTIATING_WITH_LOADBALANCER_EU_WEST_1"
LONG_URL = (
    "https://console.cloud.example.com/projects/acme-production-eu-west-1/instances/"
    "i-0123456789abcdef0123456789abcdef/logs?since=2024-01-01T00:00:00Z&until=now"
)


@pytest.fixture
def desk(alice, bob, agent, agent2, acme, make_ticket):
    """A desk with rows to overflow: long subjects, references, addresses and words."""
    User.objects.create_user(
        "maximilian.wolfeschlegelsteinhausenbergerdorff@acme-international-holdings.example",
        PASSWORD,
        full_name="Maximilian Wolfeschlegelsteinhausenbergerdorff",
        role=User.Role.MEMBER,
        organization=acme,
    )
    customer_ticket = make_ticket(
        alice,
        subject=f"Checkout fails for every customer in the EU with {LONG_WORD}",
        description=f"Logs: {LONG_URL}\n\n`{LONG_WORD}{LONG_WORD}`",
        internal_reference="PO-2024-ACME-INFRASTRUCTURE-0000012345",
    )
    services.ticket_take(ticket=customer_ticket, agent=agent)
    services.ticket_reply(
        ticket=customer_ticket, author=agent, body=f"Please send the output of {LONG_URL}"
    )
    make_ticket(bob, subject="Invoice for March shows the wrong VAT number")
    make_ticket(alice, subject=LONG_WORD)
    for status in (Status.SOLVED, Status.CLOSED):
        bring_to(
            make_ticket(alice, subject=f"{status.label}: {LONG_WORD} on the staging cluster"),
            status,
            agent=agent,
            customer=alice,
        )
    agent_ticket = make_ticket(
        bob, subject=f"Database replica lagging behind the primary: {LONG_WORD}"
    )
    services.ticket_take(ticket=agent_ticket, agent=agent2)

    token, _ = token_create(user=alice, name=f"CRM {LONG_WORD}", scope="read", expires_in_days=30)
    # The longest address a token's last use can show.
    ApiToken.objects.filter(pk=token.pk).update(
        last_used_at=timezone.now(), last_used_ip="2001:db8:85a3:1234:5678:8a2e:370:7334"
    )
    SupportAddress.objects.create(email="urgent-incidents-emea@support.example")
    for kind, topic, label, value in [
        (
            SupportContact.Kind.EMAIL,
            "support",
            "Incidents",
            "urgent-incidents-emea@support.example",
        ),
        (SupportContact.Kind.CHAT, "support", "Live chat", LONG_URL),
        (
            SupportContact.Kind.PHONE,
            "support",
            "Europe, Middle East and Africa",
            "+44 20 7946 0000",
        ),
        (SupportContact.Kind.WEB, "support", "Status page", LONG_URL),
        (SupportContact.Kind.EMAIL, "sales", "Sales", "enterprise-sales-team@provider.example"),
        (SupportContact.Kind.EMAIL, "billing", "Billing", "accounts-receivable@provider.example"),
    ]:
        SupportContact.objects.create(kind=kind, topic=topic, label=label, value=value)
    return {"customer_ticket": customer_ticket, "agent_ticket": agent_ticket}
