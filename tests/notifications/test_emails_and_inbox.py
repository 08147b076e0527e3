"""What the emails look like, where their links lead, and the in-app side."""

import pytest
from django.core import mail
from django.urls import reverse

from notifications.models import CUSTOMER_KINDS, Notification
from outbox.threads import reply_address, ticket_from_address
from tests.helpers import PASSWORD
from tests.notifications.helpers import deliver, start_clean
from tickets import services
from tickets.models import Message
from tickets.workflow import Action


@pytest.fixture
def replied(alice, bob, agent, make_ticket):
    ticket = make_ticket(bob, subject="Printer on fire")
    services.ticket_take(ticket=ticket, agent=agent)
    start_clean()
    reply = services.ticket_reply(
        ticket=ticket, author=agent, body="**Stay calm**, help is on the way."
    )
    deliver()
    return ticket, reply.message


def email_to(address):
    return next(m for m in mail.outbox if m.to == [address])


def test_the_email_names_the_ticket_and_links_straight_to_the_message(replied, settings):
    ticket, message = replied

    email = email_to("bob@acme.example")

    assert email.subject == f"[#{ticket.pk}] Printer on fire"
    link = f"{settings.SITE_URL}/tickets/{ticket.pk}/messages/{message.pk}/"
    assert link in email.body
    assert "Sam Support from support replied" in email.body
    assert "**Stay calm**, help is on the way." in email.body
    html, mimetype = email.alternatives[0]
    assert mimetype == "text/html"
    assert "<strong>Stay calm</strong>" in html
    assert link in html


def test_all_emails_of_a_ticket_thread_together(replied, agent):
    ticket, _ = replied
    services.ticket_change_status(ticket=ticket, actor=agent, action=Action.SOLVE)
    services.ticket_close(ticket=ticket, actor=agent)
    deliver()

    to_bob = [m for m in mail.outbox if m.to == ["bob@acme.example"]]
    message_ids = {m.extra_headers["Message-ID"] for m in to_bob}
    assert len(to_bob) == 3  # the reply, the solved notice, then the close
    assert len(message_ids) == 3
    for email in to_bob:
        assert email.extra_headers["In-Reply-To"] == f"<ticket-{ticket.pk}@helpdesk.example>"
        assert email.extra_headers["References"] == f"<ticket-{ticket.pk}@helpdesk.example>"
        assert email.reply_to == [reply_address(ticket.pk)]
        assert ticket_from_address(email.reply_to[0]) == ticket.pk
        assert email.reply_to[0].startswith(f"Helpdesk <support+t{ticket.pk}.")
        assert email.extra_headers["Auto-Submitted"] == "auto-generated"


def test_no_user_content_can_inject_headers(alice, agent, make_ticket):
    ticket = make_ticket(alice, subject="Hi\r\nBcc: victim@example.com\r\nX-Evil: 1")
    start_clean()
    services.ticket_reply(ticket=ticket, author=agent, body="Answer\r\nBcc: other@example.com")
    deliver()

    email = mail.outbox[0]
    raw = email.message().as_string()
    assert email.subject == f"[#{ticket.pk}] Hi Bcc: victim@example.com X-Evil: 1"
    assert "\nBcc:" not in raw.split("\n\n", 1)[0]
    assert "\nX-Evil:" not in raw.split("\n\n", 1)[0]
    assert email.bcc == []


def test_user_html_in_a_message_is_sanitised_in_the_email(alice, agent, make_ticket):
    ticket = make_ticket(alice)
    start_clean()
    services.ticket_reply(
        ticket=ticket, author=agent, body="<script>alert(1)</script><img src=x onerror=alert(2)>"
    )
    deliver()

    html = mail.outbox[0].alternatives[0][0]
    assert "<script>" not in html
    assert "onerror" not in html


def test_the_email_link_asks_for_a_login_and_then_lands_on_the_message(client, replied):
    ticket, message = replied
    path = reverse("tickets:message", args=[ticket.pk, message.pk])

    first = client.get(path)
    assert first.status_code == 302
    assert first["Location"] == f"{reverse('login')}?next={path}"
    after_login = client.post(
        first["Location"], {"username": "bob@acme.example", "password": PASSWORD, "next": path}
    )
    assert after_login["Location"] == path
    landing = client.get(path)

    assert landing["Location"] == f"/tickets/{ticket.pk}/#message-{message.pk}"


def test_another_organisation_cannot_follow_the_email_link(login, carol, replied):
    ticket, message = replied

    response = login(carol).get(reverse("tickets:message", args=[ticket.pk, message.pk]))

    assert response.status_code == 404


def test_a_customer_cannot_follow_a_link_to_an_internal_note(login, bob, agent, replied):
    ticket, _ = replied
    note = services.ticket_reply(ticket=ticket, author=agent, body="secret", internal=True).message

    response = login(bob).get(reverse("tickets:message", args=[ticket.pk, note.pk]))

    assert response.status_code == 404


# --- In-app notifications --------------------------------------------------------------------


def test_the_inbox_lists_my_notifications_unread_first_and_opening_one_reads_it(
    login, bob, replied
):
    ticket, message = replied
    client = login(bob)

    inbox = client.get(reverse("notifications:list"))
    html = inbox.content.decode()
    assert f"Support replied: #{ticket.pk} Printer on fire" in html
    assert 'data-nav="unread">1<' in html
    notification = Notification.objects.get(recipient=bob)
    opened = client.get(reverse("notifications:open", args=[notification.pk]))

    assert opened["Location"] == reverse("tickets:message", args=[ticket.pk, message.pk])
    notification.refresh_from_db()
    assert notification.read_at is not None
    assert 'data-nav="unread"' not in client.get(reverse("notifications:list")).content.decode()


def test_nobody_opens_or_sees_someone_elses_notification(login, carol, alice, replied):
    theirs = Notification.objects.get(recipient__email="bob@acme.example")

    for user in (carol, alice):
        client = login(user)
        assert client.get(reverse("notifications:open", args=[theirs.pk])).status_code == 404
        listed = client.get(reverse("notifications:list")).context["page"].object_list
        assert theirs.pk not in [notification.pk for notification in listed]
    theirs.refresh_from_db()
    assert theirs.read_at is None


def test_mark_all_as_read(login, bob, agent, replied):
    ticket, _ = replied
    services.ticket_change_status(ticket=ticket, actor=agent, action=Action.WAIT)
    deliver()
    client = login(bob)

    client.post(reverse("notifications:read_all"))

    assert Notification.objects.filter(recipient=bob, read_at__isnull=True).count() == 0


def test_preferences_turn_a_kind_of_email_off(login, bob):
    client = login(bob)

    page = client.get(reverse("notifications:preferences")).content.decode()
    assert "Support replied" in page
    assert "New ticket" not in page
    client.post(
        reverse("notifications:preferences"),
        {kind: "on" for kind in CUSTOMER_KINDS if kind != "support_reply"},
    )

    assert list(bob.email_opt_outs.values_list("kind", flat=True)) == ["support_reply"]


def test_a_ticket_row_is_bold_while_support_wrote_since_my_last_view(login, bob, replied):
    ticket, _ = replied
    client = login(bob)

    before = {t.pk: t.unseen for t in client.get(reverse("tickets:list")).context["tickets"]}
    client.get(ticket.get_absolute_url())
    after = {t.pk: t.unseen for t in client.get(reverse("tickets:list")).context["tickets"]}

    assert (before[ticket.pk], after[ticket.pk]) == (True, False)


def test_every_page_shows_how_many_tickets_wait_for_the_customer(
    login, alice, bob, agent, make_ticket, replied
):
    ticket, _ = replied
    services.ticket_change_status(ticket=ticket, actor=agent, action=Action.WAIT)
    other = make_ticket(alice)
    services.ticket_change_status(ticket=other, actor=agent, action=Action.WAIT)

    for url in [reverse("tickets:list"), reverse("tickets:archive"), reverse("notifications:list")]:
        assert (
            'data-nav="waiting" title="Tickets waiting for your answer">2<'
            in login(bob).get(url).content.decode()
        )


def test_agents_see_how_many_customer_replies_they_have_not_seen(login, agent, alice, bob, replied):
    ticket, _ = replied
    client = login(agent)
    client.get(ticket.get_absolute_url())
    services.ticket_reply(ticket=ticket, author=bob, body="Thanks!")

    html = client.get(reverse("agent:queue", args=["mine"])).content.decode()
    assert 'data-nav="unseen-replies"' in html
    client.get(ticket.get_absolute_url())
    assert (
        'data-nav="unseen-replies"'
        not in client.get(reverse("agent:queue", args=["mine"])).content.decode()
    )
    assert Message.objects.filter(ticket=ticket).count() == 2
