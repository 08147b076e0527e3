"""Issue 20: the key flows by keyboard alone. An agent replies; a customer
closes (through the dialog) and reopens; the preview window keeps focus
inside, says "n of N", stops the page behind from scrolling and gives focus
back to the file link it came from. (The queue's bulk action by keyboard is in
test_queue_desk.py.) The only mouse is none: every step is Tab, Enter,
Escape, typing or a native select's own keyboard choice."""

import re

import pytest
from playwright.sync_api import expect

from tests.attachments.files import REAL
from tests.helpers import PASSWORD
from tickets import services
from tickets.models import Message, Status

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def is_focused(locator) -> bool:
    return locator.evaluate("element => element === document.activeElement")


def tab_to(page, locator, limit: int = 60, back: bool = False) -> None:
    """Press Tab (or Shift+Tab) until ``locator`` has focus."""
    for _ in range(limit):
        if is_focused(locator):
            return
        page.keyboard.press("Shift+Tab" if back else "Tab")
    expect(locator).to_be_focused()


def test_an_agent_replies_and_submits_as_waiting_by_keyboard(
    page, log_in_to, alice, agent, make_ticket
):
    ticket = make_ticket(alice, subject="VPN drops")
    services.ticket_take(ticket=ticket, agent=agent)
    log_in_to(agent.email, PASSWORD, landing="**/agent/queue/unassigned/")
    page.goto(ticket.get_absolute_url())

    tab_to(page, page.locator("#id_body"))
    page.keyboard.type("Which client version do you run?")
    tab_to(page, page.get_by_label("Submit as"))
    page.get_by_label("Submit as").select_option("waiting_for_customer")
    tab_to(page, page.get_by_role("button", name="Send", exact=True))
    page.keyboard.press("Enter")

    expect(page.get_by_text("Reply sent.")).to_be_visible()
    ticket.refresh_from_db()
    assert ticket.status == Status.WAITING
    assert Message.objects.filter(ticket=ticket, body="Which client version do you run?").exists()


def test_an_agent_changes_status_from_the_menu_by_keyboard(
    page, log_in_to, alice, agent, make_ticket
):
    ticket = make_ticket(alice, subject="Disk full")
    services.ticket_take(ticket=ticket, agent=agent)
    log_in_to(agent.email, PASSWORD, landing="**/agent/queue/unassigned/")
    page.goto(ticket.get_absolute_url())
    menu = page.locator("summary", has_text="Change status")

    tab_to(page, menu)
    page.keyboard.press("Enter")
    # The menu offers what the lifecycle allows (not "In progress": it is already).
    expect(page.get_by_role("button", name="Waiting for customer")).to_be_focused()
    expect(page.locator(".menu-panel").get_by_role("button", name="In progress")).to_have_count(0)
    page.keyboard.press("Escape")  # closes the menu, focus back on its button
    expect(menu).to_be_focused()
    page.keyboard.press("Enter")
    # The menu moves focus to its first choice when it opens (a toggle event):
    # wait for that before the next key, as a person would see it first.
    expect(page.get_by_role("button", name="Waiting for customer")).to_be_focused()
    page.keyboard.press("Tab")
    expect(page.get_by_role("button", name="Solved")).to_be_focused()
    page.keyboard.press("Enter")

    expect(page.get_by_text("Status saved.")).to_be_visible()
    ticket.refresh_from_db()
    assert ticket.status == Status.SOLVED


def test_a_customer_closes_through_the_dialog_by_keyboard_and_focus_stays_inside(
    page, log_in, alice, make_ticket
):
    ticket = make_ticket(alice, subject="Close me by keyboard")
    log_in(alice.email, PASSWORD)
    page.goto(ticket.get_absolute_url())
    opener = page.get_by_role("link", name="Close ticket")

    tab_to(page, opener)
    page.keyboard.press("Enter")
    dialog = page.get_by_role("dialog")
    expect(dialog).to_be_visible()
    assert page.evaluate("getComputedStyle(document.documentElement).overflow") == "hidden"
    # Tab cycles between the dialog's two buttons and never leaves it.
    for _ in range(5):
        page.keyboard.press("Tab")
        assert dialog.evaluate("d => d.contains(document.activeElement)")
    page.keyboard.press("Escape")
    expect(dialog).to_be_hidden()
    expect(opener).to_be_focused()
    # The page scrolls again once the dialog's close event has run (the browser
    # moves focus back on Escape a moment before that event fires).
    # A function, not an expression: Playwright evals expressions, which our
    # CSP (script-src 'self') refuses.
    page.wait_for_function(
        "() => getComputedStyle(document.documentElement).overflow !== 'hidden'",
        timeout=5000,
    )

    page.keyboard.press("Enter")
    tab_to(page, dialog.get_by_role("button", name="Close ticket"))
    page.keyboard.press("Enter")

    expect(page.get_by_text(f"Ticket #{ticket.pk} was closed")).to_be_visible()
    ticket.refresh_from_db()
    assert ticket.status == Status.CLOSED


def test_a_customer_reopens_by_keyboard(page, log_in, alice, make_ticket):
    ticket = make_ticket(alice, subject="Came back")
    services.ticket_close(ticket=ticket, actor=alice)
    log_in(alice.email, PASSWORD)
    page.goto(ticket.get_absolute_url())

    tab_to(page, page.locator("#id_reopen_body"))
    page.keyboard.type("It broke again this morning.")
    tab_to(page, page.get_by_role("button", name="Send and reopen"))
    page.keyboard.press("Enter")

    expect(page.get_by_text(f"Ticket #{ticket.pk} was reopened.")).to_be_visible()
    ticket.refresh_from_db()
    assert ticket.status == Status.OPEN


def test_the_preview_traps_focus_announces_its_place_and_returns_focus(
    page, log_in, alice, make_ticket, tmp_path, settings
):
    settings.MEDIA_ROOT = tmp_path / "media"
    ticket = make_ticket(alice, subject="Screens flicker")
    shot = tmp_path / "screenshot.png"
    shot.write_bytes(REAL["screenshot.png"])
    notes = tmp_path / "notes.txt"
    notes.write_bytes(REAL["notes.txt"])
    log_in(alice.email, PASSWORD)
    page.goto(ticket.get_absolute_url())
    page.fill("#id_body", "Two files for you.")
    page.set_input_files("#id_files", [str(shot), str(notes)])
    page.get_by_role("button", name="Send", exact=True).click()
    expect(page.get_by_text("Your message was sent.")).to_be_visible()

    preview = page.locator(".message a[data-preview]").filter(has_text="screenshot.png").first
    tab_to(page, preview)
    page.keyboard.press("Enter")
    viewer = page.get_by_role("dialog", name="File preview")
    expect(viewer).to_be_visible()
    expect(viewer.get_by_role("button", name="Close preview")).to_be_focused()
    position = viewer.locator("[data-viewer-position]")
    expect(position).to_have_attribute("aria-live", "polite")
    expect(position).to_have_text("1 of 2 attachments")
    assert page.evaluate("getComputedStyle(document.documentElement).overflow") == "hidden"

    for _ in range(8):
        page.keyboard.press("Tab")
        assert viewer.evaluate("v => v.contains(document.activeElement)"), "focus left the preview"
    for _ in range(8):
        page.keyboard.press("Shift+Tab")
        assert viewer.evaluate("v => v.contains(document.activeElement)"), "focus left the preview"
    page.keyboard.press("ArrowRight")
    expect(position).to_have_text("2 of 2 attachments")

    page.keyboard.press("Escape")
    expect(viewer).to_be_hidden()
    expect(preview).to_be_focused()
    assert page.evaluate("getComputedStyle(document.documentElement).overflow") != "hidden"
    assert re.search(r"/tickets/\d+/", page.url)


def test_the_login_button_shows_it_is_busy_and_a_second_submit_is_refused(page, alice):
    posts = []
    page.on("request", lambda request: posts.append(request) if request.method == "POST" else None)
    page.goto("/accounts/login/")
    page.fill("#id_username", alice.email)
    page.fill("#id_password", PASSWORD)

    state = page.evaluate(
        """() => {
            const form = document.querySelector("form[data-submit-once]");
            const button = form.querySelector("button[type=submit]");
            const refused = [];
            form.addEventListener("submit", (event) => refused.push(event.defaultPrevented));
            form.requestSubmit(button);
            form.requestSubmit(button);  // a second click while the password is checked
            return [button.textContent, form.getAttribute("aria-busy"), refused];
        }"""
    )

    assert state == ["Logging in…", "true", [False, True]]
    page.wait_for_url("**/tickets/")
    assert len(posts) == 1
