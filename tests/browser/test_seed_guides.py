"""The customer guides of seeds 002 and 001, walked in order in a real browser.

Seed 002: create with type, subject, description and files; preview; reply;
the solved notice; the Archive (solved, then closed); reopen. Seed 001: sort, filter, search,
internal reference, reply (Send), reply-and-close (Close), reply to a closed
ticket. Status labels may change wording (issue 13.10), so states are checked
in the database and by the page's structure rather than by label text.
"""

import re
from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone
from playwright.sync_api import expect

from tests.attachments.files import REAL
from tests.browser.helpers import expect_ready, expect_waiting_for
from tests.helpers import PASSWORD
from tests.notifications.helpers import deliver
from tickets import services
from tickets.models import Attachment, Message, Status, Ticket
from tickets.workflow import Action

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def subjects(page) -> list[str]:
    return page.locator("table.tickets tbody tr td:nth-child(2) > a").all_inner_texts()


def test_seed_002_customer_guide_in_order(page, log_in, alice, agent, category, billing, tmp_path):
    shot = tmp_path / "screenshot.png"
    shot.write_bytes(REAL["screenshot.png"])
    notes = tmp_path / "notes.txt"
    notes.write_bytes(REAL["notes.txt"])
    log_in(alice.email, PASSWORD)

    # "If you don't have any tickets, you'll see a ticket creation form."
    expect(page.get_by_text("You have no tickets yet")).to_be_visible()

    # Ticket type, the mandatory Subject and Description, and files.
    create = page.get_by_role("button", name="Create ticket")
    expect_waiting_for(create, "Subject", "Description")
    page.select_option("#id_category", "technical")
    page.fill("#id_subject", "CDN cache not purging")
    page.fill("#id_description", "Purges of /assets/* stay stale for an hour.")
    page.set_input_files("#id_files", [str(shot), str(notes)])
    expect_ready(create)
    create.click()
    ticket = Ticket.objects.get()
    expect(page).to_have_url(re.compile(rf"/tickets/{ticket.pk}/$"))
    expect(page).to_have_title(f"#{ticket.pk} CDN cache not purging · Helpdesk")
    assert ticket.category == category
    assert sorted(Attachment.objects.values_list("name", flat=True)) == [
        "notes.txt",
        "screenshot.png",
    ]
    page.get_by_role("link", name="Tickets", exact=True).first.click()
    expect(page.get_by_role("link", name="CDN cache not purging")).to_be_visible()
    page.get_by_role("link", name="CDN cache not purging").click()

    # Preview: hover over a file to reveal its buttons.
    file = page.locator("#request .file").filter(has_text="screenshot.png")
    file.hover()
    file.get_by_role("link", name="Preview screenshot.png").click()
    viewer = page.get_by_role("dialog", name="File preview")
    expect(viewer).to_be_visible()
    expect(viewer.locator("[data-viewer-name]")).to_have_text("screenshot.png")
    expect(viewer.locator("[data-viewer-position]")).to_have_text("1 of 2 attachments")
    viewer.get_by_role("button", name="Close preview").click()
    expect(viewer).to_be_hidden()

    # Reply.
    page.fill("#id_body", "Still stale after a purge at 10:05.")
    page.get_by_role("button", name="Send", exact=True).click()
    expect(page.get_by_text("Your message was sent.")).to_be_visible()
    expect(page.locator(".message").filter(has_text="Still stale after a purge")).to_be_visible()

    # Support solves it: Alice is told, by email and in the app, when it will
    # close by itself and that a reply brings it back.
    services.ticket_change_status(ticket=ticket, actor=agent, action=Action.SOLVE)
    deliver()
    solved_mail = [m for m in mail.outbox if alice.email in m.to and "solved" in m.body]
    assert len(solved_mail) == 1
    assert "It will close automatically in 72 hours" in solved_mail[0].body
    page.goto("/notifications/")
    notice = page.locator("li").filter(has_text=f"#{ticket.pk} CDN cache not purging").first
    expect(notice).to_contain_text("solved")
    expect(notice).to_contain_text("Closes automatically")

    # It moves to the Archive, with the time it will close.
    page.goto("/tickets/")
    expect(page.get_by_role("link", name="CDN cache not purging")).to_have_count(0)
    page.get_by_role("tab", name="Archive").click()
    row = page.locator("table.tickets tbody tr").filter(has_text="CDN cache not purging")
    expect(row.locator("td.closing")).to_contain_text("closes")

    # Close it for good, after the confirmation: it stays in the Archive.
    row.get_by_role("link", name="CDN cache not purging").click()
    page.get_by_role("link", name="Close ticket").click()
    dialog = page.get_by_role("dialog")
    expect(dialog).to_be_visible()
    dialog.get_by_role("button", name="Close ticket").click()
    expect(page.get_by_text("was closed and moved to the Archive")).to_be_visible()
    ticket.refresh_from_db()
    assert ticket.status == Status.CLOSED
    page.get_by_role("link", name="Archive", exact=True).first.click()
    row = page.locator("table.tickets tbody tr").filter(has_text="CDN cache not purging")
    expect(row.locator("td.closing time")).to_be_visible()
    expect(row.locator("td.closing")).not_to_contain_text("closes")

    # Reopen: a message is required, then it is back on the Tickets tab.
    row.get_by_role("link", name="CDN cache not purging").click()
    page.get_by_role("link", name="Reopen ticket").click()
    expect(page.locator("#id_reopen_body")).to_be_focused()
    reopen = page.get_by_role("button", name="Send and reopen")
    expect_waiting_for(reopen, "Reply")
    page.fill("#id_reopen_body", "Stale again since the last deploy.")
    expect_ready(reopen)
    reopen.click()
    expect(page.get_by_text(f"Ticket #{ticket.pk} was reopened.")).to_be_visible()
    ticket.refresh_from_db()
    assert ticket.status == Status.OPEN
    page.goto("/tickets/")
    expect(page.get_by_role("link", name="CDN cache not purging")).to_be_visible()


def test_seed_001_customer_guide_in_order(page, log_in, alice, bob, billing, make_ticket):
    now = timezone.now()
    ages = {  # subject: (created days ago, updated days ago)
        "Invoice 2024-11 is missing": (10, 3),
        "VPN tunnel drops": (5, 1),
        "Disk alert on db-2": (2, 2),
    }
    tickets = {}
    for subject, (created, updated) in ages.items():
        extra = {"category": billing} if subject.startswith("Invoice") else {}
        tickets[subject] = make_ticket(bob, subject=subject, **extra)
        Ticket.objects.filter(pk=tickets[subject].pk).update(
            created_at=now - timedelta(days=created), updated_at=now - timedelta(days=updated)
        )
    log_in(alice.email, PASSWORD)

    # "By default, tickets are listed in descending order of ... last updated."
    expect(page.locator("table.tickets")).to_be_visible()
    assert subjects(page) == [
        "VPN tunnel drops",
        "Disk alert on db-2",
        "Invoice 2024-11 is missing",
    ]

    # Sort: the arrow flips the order; Created sorts by creation.
    page.get_by_role("link", name=re.compile(r"^Updated")).click()
    expect(page.get_by_role("link", name="Updated ↑")).to_be_visible()
    assert subjects(page) == [
        "Invoice 2024-11 is missing",
        "Disk alert on db-2",
        "VPN tunnel drops",
    ]
    page.get_by_role("link", name=re.compile(r"^Created")).click()
    expect(page.get_by_role("link", name="Created ↓")).to_be_visible()
    assert subjects(page) == [
        "Disk alert on db-2",
        "VPN tunnel drops",
        "Invoice 2024-11 is missing",
    ]

    # Filter by ticket type.
    page.select_option("#filter-category", "billing")
    expect(page).to_have_url(re.compile(r"category=billing"))
    assert subjects(page) == ["Invoice 2024-11 is missing"]
    page.select_option("#filter-category", "")
    expect(page.locator("table.tickets tbody tr")).to_have_count(3)

    # Search, with Enter.
    page.fill("#filter-q", "db-2")
    page.press("#filter-q", "Enter")
    expect(page).to_have_url(re.compile(r"q=db-2"))
    assert subjects(page) == ["Disk alert on db-2"]

    # Open it and add an internal reference.
    page.get_by_role("link", name="Disk alert on db-2").click()
    ticket = tickets["Disk alert on db-2"]
    page.fill("#id_internal_reference", "OPS-4711")
    page.locator("form.reference").get_by_role("button", name="Save").click()
    expect(page.get_by_text("Internal reference saved.")).to_be_visible()
    expect(page.locator("#id_internal_reference")).to_have_value("OPS-4711")

    # Send: the response is submitted and the ticket stays open.
    page.fill("#id_body", "It fired again at 03:00.")
    page.get_by_role("button", name="Send", exact=True).click()
    expect(page.get_by_text("Your message was sent.")).to_be_visible()
    ticket.refresh_from_db()
    assert ticket.status == Status.OPEN

    # Close beside Send: the response is sent and the ticket closed, once confirmed.
    close = page.get_by_role("button", name="Close", exact=True)
    expect_waiting_for(close, "Reply")  # nothing to send yet
    expect(page.get_by_role("dialog")).to_be_hidden()
    page.fill("#id_body", "We resized the volume ourselves; closing.")
    close.click()
    dialog = page.get_by_role("dialog", name=f"Close ticket #{ticket.pk}?")
    expect(dialog).to_be_visible()
    dialog.get_by_role("button", name="Cancel").click()
    expect(dialog).to_be_hidden()
    ticket.refresh_from_db()
    assert ticket.status == Status.OPEN
    close.click()
    dialog.get_by_role("button", name="Send and close ticket").click()
    expect(
        page.get_by_text(f"Ticket #{ticket.pk} was closed and moved to the Archive")
    ).to_be_visible()
    ticket.refresh_from_db()
    assert ticket.status == Status.CLOSED
    assert Message.objects.filter(ticket=ticket).latest("pk").body == (
        "We resized the volume ourselves; closing."
    )
    expect(page.locator(".message").filter(has_text="We resized the volume")).to_be_visible()

    # A closed ticket: its Reply box is right there, and Send brings it back.
    reply = page.locator("#id_reopen_body")
    expect(reply).to_be_visible()
    expect_waiting_for(page.get_by_role("button", name="Send and reopen"), "Reply")
    reply.fill("It is back: the volume filled up again.")
    page.get_by_role("button", name="Send and reopen").click()
    expect(page.get_by_text(f"Ticket #{ticket.pk} was reopened.")).to_be_visible()
    ticket.refresh_from_db()
    assert ticket.status == Status.OPEN
    expect(page.locator("#id_body")).to_be_visible()  # the ordinary reply box again


def test_seed_001_reply_to_a_closed_ticket_under_the_follow_up_policy(
    page, log_in, carol, make_ticket
):
    ticket = make_ticket(carol, subject="Mail bounces")
    services.ticket_close(ticket=ticket, actor=carol)
    log_in(carol.email, PASSWORD)
    page.goto(ticket.get_absolute_url())

    expect(page.get_by_text("Reopen ticket")).to_have_count(0)
    page.get_by_role("link", name="Write a follow-up").click()
    expect(page.locator("#id_reopen_body")).to_be_focused()
    page.fill("#id_reopen_body", "Bouncing again for @globex.example.")
    page.get_by_role("button", name="Send as a follow-up").click()

    follow_up = Ticket.objects.get(follow_up_of=ticket)
    expect(page).to_have_url(re.compile(rf"/tickets/{follow_up.pk}/$"))
    expect(page.get_by_text(f"Ticket #{ticket.pk} stays closed")).to_be_visible()
    ticket.refresh_from_db()
    assert ticket.status == Status.CLOSED
