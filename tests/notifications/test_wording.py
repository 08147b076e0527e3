"""What notifications call people and statuses (issue 13, item 10)."""

from django.core import mail
from django.urls import reverse

from tests.notifications.helpers import deliver, start_clean
from tickets import services
from tickets.models import Priority


def email_to(address: str):
    [email] = [m for m in mail.outbox if m.to == [address]]
    return email


def test_an_admin_told_of_a_ticket_opened_for_a_colleague_reads_whose_it_is(
    alice, bob, agent, acme, make_ticket
):
    ticket = make_ticket(agent, organization=acme, requester=bob, subject="We will reboot")
    deliver()

    to_alice = email_to("alice@acme.example").body
    assert (
        f"Sam Support from support opened ticket #{ticket.pk} for Bob Brandt. "
        "It waits for their answer."
    ) in to_alice
    assert "for you" not in to_alice
    to_bob = email_to("bob@acme.example").body
    assert f"opened ticket #{ticket.pk} for you. It waits for your answer." in to_bob


def test_the_admins_inbox_names_the_colleague_a_ticket_was_opened_for(
    login, alice, bob, agent, acme, make_ticket
):
    ticket = make_ticket(agent, organization=acme, requester=bob, subject="We will reboot")
    deliver()

    alices = login(alice).get(reverse("notifications:list")).content.decode()
    bobs = login(bob).get(reverse("notifications:list")).content.decode()

    assert f"Support opened a ticket for Bob Brandt: #{ticket.pk} We will reboot" in alices
    assert f"Support opened a ticket for you: #{ticket.pk} We will reboot" in bobs


def test_the_status_a_reopened_ticket_returns_to_is_called_open_in_emails_and_on_pages(
    login, alice, bob, agent, make_ticket
):
    # Seed 002 names it Open (on creation and on reopening); seed 001's "Waiting for
    # Support" is one sentence of another provider. One name everywhere: Open.
    ticket = make_ticket(bob)
    services.ticket_close(ticket=ticket, actor=bob)
    services.ticket_reopen(ticket=ticket, actor=bob, body="It broke again")
    start_clean()

    services.ticket_set_priority(ticket=ticket, actor=agent, priority=Priority.HIGH)
    deliver()
    page = login(bob).get(ticket.get_absolute_url()).content.decode()

    assert "Status: Open\n" in email_to("bob@acme.example").body
    assert '<span class="badge badge-open">Open</span>' in page
