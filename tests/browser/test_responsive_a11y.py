"""Every key page on a phone (390x844) and on a desktop (1366x900), issue 20:
the page never scrolls sideways and axe-core finds no critical or serious
violation. The pages hold real rows with long subjects, addresses and unbroken
words, so an overflow has something to overflow with. And the shell by
keyboard: the skip link comes first, and the Menu button opens the navigation."""

import re

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.urls import reverse
from playwright.sync_api import expect

from accounts.models import SupportContact, User
from accounts.tokens import token_create
from inbound.models import SupportAddress
from tests.helpers import PASSWORD, bring_to
from tickets import services
from tickets.models import Status

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SMALL_PHONE = {"width": 360, "height": 740}
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1366, "height": 900}

LONG_WORD = "ERR_UPSTREAM_TLS_HANDSHAKE_TIMEOUT_WHILE_NEGOTIATING_WITH_LOADBALANCER_EU_WEST_1"
LONG_URL = (
    "https://console.cloud.example.com/projects/acme-production-eu-west-1/instances/"
    "i-0123456789abcdef0123456789abcdef/logs?since=2024-01-01T00:00:00Z&until=now"
)

CUSTOMER_PAGES = {
    "tickets": lambda desk: reverse("tickets:list"),
    "archive": lambda desk: reverse("tickets:archive"),
    "create": lambda desk: reverse("tickets:create"),
    "ticket": lambda desk: desk["customer_ticket"].get_absolute_url(),
    "get-support": lambda desk: reverse("get_support"),
    "profile": lambda desk: reverse("profile"),
    "password-change": lambda desk: reverse("password_change"),
    "organisation": lambda desk: reverse("organization"),
    "notifications": lambda desk: reverse("notifications:list"),
}
AGENT_PAGES = {
    "queue": lambda desk: reverse("agent:queue", args=["active"]),
    "ticket": lambda desk: desk["agent_ticket"].get_absolute_url(),
    "open-for-customer": lambda desk: reverse("agent:open"),
}
PAGES = [("alice", name) for name in CUSTOMER_PAGES] + [("agent", name) for name in AGENT_PAGES]
LANDING = {"alice": "**/tickets/", "agent": "**/agent/queue/unassigned/"}


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

    token_create(user=alice, name=f"CRM {LONG_WORD}")
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


def serious_violations(page) -> list[str]:
    results = Axe().run(page)
    return [
        f"{violation['id']} ({violation['impact']}): "
        + ", ".join(str(node["target"]) for node in violation["nodes"])
        for violation in results.response["violations"]
        if violation["impact"] in ("critical", "serious")
    ]


def page_width(page) -> dict:
    return page.evaluate(
        "({scroll: document.documentElement.scrollWidth, inner: window.innerWidth})"
    )


@pytest.mark.parametrize(
    "viewport", [SMALL_PHONE, PHONE, DESKTOP], ids=lambda viewport: str(viewport["width"])
)
@pytest.mark.parametrize(("persona", "name"), PAGES, ids=[f"{p}-{n}" for p, n in PAGES])
def test_the_page_fits_the_screen_and_axe_finds_nothing_serious(
    persona, name, viewport, request, desk, page, log_in_to
):
    user = request.getfixturevalue(persona)
    pages = CUSTOMER_PAGES if persona == "alice" else AGENT_PAGES
    page.set_viewport_size(viewport)
    log_in_to(user.email, PASSWORD, landing=LANDING[persona])

    page.goto(pages[name](desk))

    width = page_width(page)
    assert width["scroll"] <= width["inner"], f"{name} is {width['scroll']}px wide"
    assert "{#" not in page.inner_text("body")  # a template comment that leaked
    violations = serious_violations(page)
    assert not violations, f"{name}: " + "\n".join(violations)


def test_on_a_phone_tab_reaches_the_skip_link_first_and_the_menu_opens_the_navigation(
    page, log_in, alice
):
    page.set_viewport_size(PHONE)
    log_in(alice.email, PASSWORD)
    page.goto(reverse("tickets:list"))
    navigation = page.get_by_role("navigation", name="Main")
    archive = navigation.get_by_role("link", name="Archive")
    menu = navigation.get_by_role("button", name="Menu")
    expect(menu).to_have_attribute("aria-expanded", "false")
    expect(menu).to_have_attribute("aria-controls", "nav-menu")
    expect(archive).to_be_hidden()

    # The skip link is the first stop, shown on the screen, and leads to the content.
    page.keyboard.press("Tab")
    skip = page.get_by_role("link", name="Skip to main content")
    expect(skip).to_be_focused()
    assert page.viewport_size["height"] > skip.bounding_box()["y"] >= 0
    page.keyboard.press("Enter")
    expect(page.locator("main#main")).to_be_focused()

    # Brand, then Menu: Enter opens the navigation, Tab walks into it, Escape folds it.
    page.goto(reverse("tickets:list"))
    for _ in range(3):
        page.keyboard.press("Tab")
    expect(menu).to_be_focused()
    page.keyboard.press("Enter")
    expect(menu).to_have_attribute("aria-expanded", "true")
    expect(archive).to_be_visible()
    page.keyboard.press("Tab")
    expect(navigation.get_by_role("link", name="Tickets")).to_be_focused()
    page.keyboard.press("Escape")
    expect(menu).to_have_attribute("aria-expanded", "false")
    expect(menu).to_be_focused()
    expect(archive).to_be_hidden()

    # A wide screen has no Menu button: the navigation is always there.
    page.set_viewport_size(DESKTOP)
    expect(menu).to_be_hidden()
    expect(archive).to_be_visible()


def test_without_javascript_the_navigation_stays_open_on_a_phone(browser, live_server, alice):
    context = browser.new_context(
        base_url=live_server.url, viewport=PHONE, java_script_enabled=False
    )
    page = context.new_page()
    page.goto(reverse("login"))
    page.fill("#id_username", alice.email)
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url("**/tickets/")

    navigation = page.get_by_role("navigation", name="Main")
    expect(navigation.get_by_role("link", name="Archive")).to_be_visible()
    expect(navigation.get_by_role("button", name="Menu")).to_be_hidden()
    assert page_width(page)["scroll"] <= PHONE["width"]
    context.close()


def test_a_danger_button_keeps_its_colours_on_hover(page, log_in, alice, make_ticket):
    ticket = make_ticket(alice, subject="Close me")
    log_in(alice.email, PASSWORD)
    page.goto(ticket.get_absolute_url())
    page.get_by_role("link", name="Close ticket").click()
    confirm = page.get_by_role("dialog").get_by_role("button", name="Close ticket")

    confirm.hover()

    colours = confirm.evaluate(
        "b => [getComputedStyle(b).color, getComputedStyle(b).backgroundColor]"
    )
    assert colours == ["rgb(255, 255, 255)", "rgb(163, 38, 34)"]  # white on #a32622: 7.4:1
    violations = serious_violations(page)
    assert not violations, "\n".join(violations)


@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["390", "1366"])
def test_a_form_with_errors_ties_them_to_its_fields(viewport, page, log_in, alice):
    page.set_viewport_size(viewport)
    log_in(alice.email, PASSWORD)
    page.goto(reverse("profile"))

    page.get_by_role("button", name="Set PIN").click()

    pin = page.locator("#id_pin")
    expect(pin).to_have_attribute("aria-invalid", "true")
    expect(pin).to_have_attribute("aria-describedby", "id_pin_helptext id_pin_error")
    expect(page.locator("#id_pin_error")).to_have_text("PIN is required.")
    expect(pin).to_have_accessible_description(re.compile(r"6 to 8 digits.*PIN is required\."))
    violations = serious_violations(page)
    assert not violations, "\n".join(violations)


def _open_columns(page, desk):
    page.goto(reverse("agent:queue", args=["active"]))
    page.get_by_text("Columns", exact=True).click()


def _open_status_menu(page, desk):
    page.goto(desk["agent_ticket"].get_absolute_url())
    page.get_by_text("Change status", exact=True).click()


def _open_caller_check(page, desk):
    page.goto(reverse("agent:queue", args=["unassigned"]))
    page.locator("summary", has_text="Verify a caller").click()


def _agent_form_errors(page, desk):
    page.goto(reverse("agent:open"))
    # Sent empty past the script's refusal, for the server's own errors.
    with page.expect_navigation():
        page.evaluate("document.querySelector('form[data-require-filled]').submit()")
    expect(page.locator("[data-error-summary]")).to_be_focused()


STATES = {
    "queue-columns-menu": _open_columns,
    "queue-caller-menu": _open_caller_check,
    "ticket-status-menu": _open_status_menu,
    "open-form-errors": _agent_form_errors,
}


@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["390", "1366"])
@pytest.mark.parametrize("state", list(STATES))
def test_the_agents_menus_and_error_summary_fit_and_pass_axe(
    state, viewport, desk, page, log_in_to, agent
):
    page.set_viewport_size(viewport)
    log_in_to(agent.email, PASSWORD, landing=LANDING["agent"])

    STATES[state](page, desk)

    width = page_width(page)
    assert width["scroll"] <= width["inner"], f"{state} is {width['scroll']}px wide"
    violations = serious_violations(page)
    assert not violations, f"{state}: " + "\n".join(violations)
