"""Issue 18's judged collision flow: an agent opens a ticket, applies a macro
that sets Waiting for customer and a tag, and sends; a colleague's open page
(here on a phone) shows the first agent there and the new message, without
being reloaded. Then the colleague's own reply, written over that message,
comes back unsent with its draft until they send it anyway."""

import pytest
from playwright.sync_api import expect

from tests.browser.helpers import page_width, serious_violations, watch_for_csp_violations
from tests.helpers import PASSWORD
from tickets import services
from tickets.models import Message, Status, Ticket

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}
# One poll of the page (10 s) and some slack.
POLL = 15_000


@pytest.fixture
def colleague_page(browser, live_server):
    """A second agent's browser: its own context (cookies), a phone's width."""
    context = browser.new_context(base_url=live_server.url, viewport=PHONE)
    context.set_default_timeout(10_000)
    violations = watch_for_csp_violations(context)
    page = context.new_page()
    yield page
    context.close()
    if violations:
        pytest.fail("Content-Security-Policy violations:\n" + "\n".join(violations), pytrace=False)


def _log_in(page, email):
    page.goto("/accounts/login/")
    page.fill("#id_username", email)
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url("**/agent/queue/unassigned/")


def test_a_colleague_sees_who_is_on_the_ticket_and_what_they_sent(
    page, colleague_page, alice, agent, agent2, support_admin, make_ticket
):
    ticket = make_ticket(alice, subject="Backups fail every night")
    services.macro_create(
        actor=support_admin,
        shared=True,
        title="Ask for logs",
        body="Hello {{ requester.first_name }}, please attach the logs.",
        status_action="wait",
        tags="needs-logs",
    )
    # The colleague has the ticket open first.
    _log_in(colleague_page, agent2.email)
    colleague_page.goto(ticket.get_absolute_url())
    colleagues = colleague_page.get_by_role("list", name="Colleagues on this ticket")
    expect(colleagues.get_by_role("listitem")).to_have_count(0)

    # The first agent opens it: the colleague's page names them at its next poll.
    _log_in(page, agent.email)
    page.goto(ticket.get_absolute_url())
    expect(page.get_by_role("list", name="Colleagues on this ticket")).to_have_text(
        "Robin Responder is viewing this ticket"
    )
    expect(colleagues).to_have_text("Sam Support is viewing this ticket", timeout=POLL)

    # Typing a reply shows as typing.
    page.get_by_label("Macro", exact=True).select_option(label="Ask for logs")
    body = page.locator("#id_body")
    expect(body).to_have_value("Hello Alice, please attach the logs.", timeout=5_000)
    expect(page.get_by_label("Submit as")).to_have_value("waiting_for_customer")
    body.press("End")
    body.type(" Thanks!")
    expect(colleagues).to_have_text("Sam Support is typing a reply…", timeout=POLL)

    # The colleague starts a reply of their own meanwhile.
    colleague_page.locator("#id_body").fill("Let me check the backup server.")

    page.get_by_role("button", name="Send", exact=True).click()
    expect(page.get_by_text("Macro applied: Ask for logs.")).to_be_visible()
    after = Ticket.objects.get(pk=ticket.pk)
    assert after.status == Status.WAITING
    assert list(after.tags.values_list("name", flat=True)) == ["needs-logs"]

    # The colleague's page, never reloaded, shows the new message and who sent it.
    added = colleague_page.locator("[data-presence-added]")
    expect(added).to_be_visible(timeout=POLL)
    expect(added).to_contain_text("New reply from Sam Support")
    expect(added).to_contain_text("Hello Alice, please attach the logs. Thanks!")
    expect(colleagues).to_contain_text("Sam Support is viewing this ticket")
    assert page_width(colleague_page)["scroll"] <= PHONE["width"]
    assert serious_violations(colleague_page) == []

    # Their own reply, sent over it, comes back unsent with the draft kept.
    colleague_page.get_by_role("button", name="Send", exact=True).click()
    warning = colleague_page.get_by_role("alert").filter(has_text="Your reply was not sent")
    expect(warning).to_contain_text("New reply from Sam Support")
    expect(colleague_page.locator("#id_body")).to_have_value("Let me check the backup server.")
    assert Message.objects.filter(author=agent2).count() == 0
    assert page_width(colleague_page)["scroll"] <= PHONE["width"]
    assert serious_violations(colleague_page) == []

    # Sending anyway, from the keyboard, sends it once.
    send_anyway = colleague_page.get_by_role("button", name="Send anyway")
    send_anyway.focus()
    colleague_page.keyboard.press("Enter")
    expect(colleague_page.get_by_text("Reply sent.")).to_be_visible()
    assert list(Message.objects.filter(author=agent2).values_list("body", flat=True)) == [
        "Let me check the backup server."
    ]

    # The first agent leaves the ticket: gone from the colleague's page at its
    # next poll, not when the entry lapses.
    page.goto("/agent/queue/unassigned/")
    expect(colleagues.get_by_role("listitem")).to_have_count(0, timeout=POLL)


def test_showing_the_ticket_again_keeps_the_draft_and_the_reply_then_goes_out(
    page, log_in_to, alice, agent, make_ticket
):
    ticket = make_ticket(alice, subject="VPN drops")
    log_in_to(agent.email, PASSWORD, landing="**/agent/queue/unassigned/")
    page.goto(ticket.get_absolute_url())
    page.locator("#id_body").fill("Could you send the client logs?")

    message = services.ticket_reply(ticket=ticket, author=alice, body="It works again.").message

    added = page.locator("[data-presence-added]")
    expect(added).to_contain_text("New reply from Alice Anders", timeout=POLL)
    expect(added).to_contain_text("It works again.")
    show = page.get_by_role("link", name="Show the ticket again")
    show.focus()
    page.keyboard.press("Enter")
    expect(page.locator(f"#message-{message.pk}")).to_contain_text("It works again.")
    expect(page.locator("#id_body")).to_have_value("Could you send the client logs?")
    expect(added).to_be_hidden()

    # The message is on the page now: the reply goes out at once.
    page.get_by_role("button", name="Send", exact=True).click()
    expect(page.get_by_text("Reply sent.")).to_be_visible()
    assert Message.objects.filter(author=agent).count() == 1
