"""The responsive shell of issue 20 (every page itself is in test_every_page.py):
by keyboard the skip link comes first and the Menu button opens the
navigation; danger buttons, form errors, the agents' menus and the error
summary fit a phone and a desktop and pass axe-core."""

import re

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from tests.browser.helpers import page_width, serious_violations
from tests.helpers import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1366, "height": 900}

LANDING = {"alice": "**/tickets/", "agent": "**/agent/queue/unassigned/"}


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
