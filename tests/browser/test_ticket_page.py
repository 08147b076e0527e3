"""The ticket page in a real browser: the foldable information panel (seed 002,
"opened by an arrow ... closed with x") and the attachments' actions, revealed
on hover and keyboard focus and always shown on touch screens."""

import pytest
from playwright.sync_api import expect

from tests.attachments.files import upload
from tests.browser.helpers import watch_for_csp_violations
from tests.helpers import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def saved(page, action):
    """Do ``action`` and wait for the background save of the panel's state."""
    with page.expect_response(lambda response: "ticket-panel" in response.url) as answer:
        action()
    assert answer.value.status == 204


def test_the_information_panel_folds_and_unfolds_by_keyboard_and_is_remembered(
    page, log_in, alice, make_ticket
):
    ticket = make_ticket(alice, subject="Panel by keyboard")
    log_in(alice.email, PASSWORD)
    page.goto(ticket.get_absolute_url())
    toggle = page.get_by_role("button", name="Information", exact=True)
    panel = page.locator("#ticket-panel")
    expect(toggle).to_have_attribute("aria-expanded", "true")
    expect(panel).to_be_visible()
    expect(panel.get_by_text("Internal reference")).to_be_visible()

    beside_panel = page.locator(".conversation").bounding_box()["width"]

    # Fold it with the x, from the keyboard: focus goes back to the arrow.
    page.get_by_role("button", name="Close the information panel").focus()
    saved(page, lambda: page.keyboard.press("Enter"))
    expect(panel).to_be_hidden()
    expect(toggle).to_have_attribute("aria-expanded", "false")
    expect(toggle).to_be_focused()
    # The conversation takes the panel's room.
    assert page.locator(".conversation").bounding_box()["width"] > beside_panel + 300

    # Remembered on the next visit.
    page.reload()
    expect(panel).to_be_hidden()
    expect(toggle).to_have_attribute("aria-expanded", "false")

    # Unfold it with the arrow and the space bar.
    toggle.focus()
    saved(page, lambda: page.keyboard.press(" "))
    expect(panel).to_be_visible()
    expect(toggle).to_have_attribute("aria-expanded", "true")
    page.reload()
    expect(panel).to_be_visible()


def test_on_a_small_screen_the_panel_comes_after_the_conversation(page, log_in, alice, make_ticket):
    ticket = make_ticket(alice, subject="Panel on a phone")
    page.set_viewport_size({"width": 390, "height": 844})
    log_in(alice.email, PASSWORD)
    page.goto(ticket.get_absolute_url())

    conversation = page.locator(".conversation").bounding_box()
    panel = page.locator("#ticket-panel").bounding_box()

    assert panel["y"] >= conversation["y"] + conversation["height"]
    assert panel["width"] <= 390


def test_attachment_actions_appear_on_hover_and_on_keyboard_focus(page, log_in, alice, make_ticket):
    ticket = make_ticket(
        alice, subject="Two files", files=[upload("screenshot.png"), upload("notes.txt")]
    )
    log_in(alice.email, PASSWORD)
    page.goto(ticket.get_absolute_url())
    page.mouse.move(0, 0)
    request = page.locator("#request")
    first = request.locator(".file").filter(has_text="screenshot.png")
    second = request.locator(".file").filter(has_text="notes.txt")
    expect(first.locator(".file-actions")).to_have_css("opacity", "0")

    first.hover()
    expect(first.locator(".file-actions")).to_have_css("opacity", "1")
    page.mouse.move(0, 0)
    expect(first.locator(".file-actions")).to_have_css("opacity", "0")

    # Tab reaches the actions while they are transparent, and focus shows them.
    first.get_by_role("link", name="Preview screenshot.png").focus()
    expect(first.locator(".file-actions")).to_have_css("opacity", "1")
    page.keyboard.press("Tab")
    expect(first.get_by_role("link", name="Download screenshot.png")).to_be_focused()
    page.keyboard.press("Tab")
    expect(second.get_by_role("link", name="Preview notes.txt")).to_be_focused()
    expect(second.locator(".file-actions")).to_have_css("opacity", "1")
    expect(first.locator(".file-actions")).to_have_css("opacity", "0")

    # Enter on Preview opens the preview window.
    page.keyboard.press("Enter")
    viewer = page.get_by_role("dialog", name="File preview")
    expect(viewer).to_be_visible()
    expect(viewer.locator("[data-viewer-name]")).to_have_text("notes.txt")


def test_on_a_touch_screen_attachment_actions_are_always_shown(
    browser, live_server, alice, make_ticket
):
    ticket = make_ticket(alice, subject="On a tablet", files=[upload("screenshot.png")])
    # A touch screen: Chromium then answers (hover: none).
    context = browser.new_context(base_url=live_server.url, has_touch=True)
    violations = watch_for_csp_violations(context)
    page = context.new_page()
    page.goto("/accounts/login/")
    page.fill("#id_username", alice.email)
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url("**/tickets/")
    page.goto(ticket.get_absolute_url())

    actions = page.locator("#request .file-actions")

    assert page.evaluate("matchMedia('(hover: none)').matches")
    expect(actions).to_have_css("opacity", "1")
    expect(actions.get_by_role("link", name="Preview screenshot.png")).to_be_visible()
    context.close()
    assert violations == []
