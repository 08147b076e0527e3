"""Seed 001's reply box: "select Send to submit your response and keep the ticket
open, or select Close to change the ticket status to Closed"; and on a closed
ticket the box itself is the way back, its button named by the policy."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from tests.attachments.files import upload
from tickets import services
from tickets.counters import counts_by_status
from tickets.models import Attachment, Message, Status, Ticket, TicketEvent
from tickets.workflow import Action, TransitionError


def history(ticket) -> list[tuple]:
    return list(
        TicketEvent.objects.filter(ticket=ticket)
        .exclude(kind=TicketEvent.Kind.CREATED)
        .order_by("pk")
        .values_list("kind", "from_value", "to_value")
    )


def reply_url(ticket) -> str:
    return reverse("tickets:reply", args=[ticket.pk])


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


# --- The service -----------------------------------------------------------------------


def test_reply_and_close_sends_the_message_and_closes_in_one_act(alice, make_ticket):
    ticket = make_ticket(alice)

    reply = services.ticket_reply(
        ticket=ticket, author=alice, body="Works now, thanks.", close=True
    )

    ticket.refresh_from_db()
    assert (reply.closed, reply.reopened, reply.followed_up) == (True, False, False)
    assert reply.message.body == "Works now, thanks."
    assert ticket.status == Status.CLOSED
    assert ticket.closed_at == reply.message.created_at
    # The message, then one move to Closed: no Open -> Open step in between.
    assert history(ticket) == [("replied", "", ""), ("status", "open", "closed")]
    assert counts_by_status(alice.organization_id)[Status.CLOSED] == 1
    assert counts_by_status(alice.organization_id)[Status.OPEN] == 0


def test_reply_and_close_on_a_solved_ticket_records_one_move_to_closed(alice, agent, make_ticket):
    ticket = make_ticket(alice)
    services.ticket_change_status(ticket=ticket, actor=agent, action=Action.SOLVE)

    services.ticket_reply(ticket=ticket, author=alice, body="Confirmed fixed.", close=True)

    ticket.refresh_from_db()
    assert (ticket.status, ticket.solved_at) == (Status.CLOSED, None)
    assert history(ticket)[-2:] == [("replied", "", ""), ("status", "solved", "closed")]


def test_support_can_reply_and_close_too(alice, agent, make_ticket):
    ticket = make_ticket(alice)

    services.ticket_reply(ticket=ticket, author=agent, body="Closing as agreed.", close=True)

    ticket.refresh_from_db()
    assert ticket.status == Status.CLOSED
    assert history(ticket) == [("replied", "", ""), ("status", "open", "closed")]


def test_reply_and_close_on_a_ticket_closed_meanwhile_writes_nothing(alice, bob, make_ticket):
    ticket = make_ticket(alice)
    stale = Ticket.objects.get(pk=ticket.pk)
    services.ticket_close(ticket=ticket, actor=bob)
    events = history(ticket)

    with pytest.raises(TransitionError):
        services.ticket_reply(ticket=stale, author=alice, body="Works now.", close=True)

    ticket.refresh_from_db()
    assert ticket.status == Status.CLOSED
    assert Message.objects.count() == 0
    assert history(ticket) == events
    assert not Ticket.objects.filter(follow_up_of=ticket).exists()


@pytest.mark.parametrize("extra", [{"internal": True}, {"submit_as": Status.SOLVED}])
def test_reply_and_close_refuses_a_note_or_a_status(extra, alice, agent, make_ticket):
    ticket = make_ticket(alice)

    with pytest.raises(ValidationError) as refused:
        services.ticket_reply(ticket=ticket, author=agent, body="x", close=True, **extra)

    assert "close" in refused.value.message_dict
    ticket.refresh_from_db()
    assert ticket.status == Status.OPEN
    assert Message.objects.count() == 0


def test_reply_and_close_is_one_transaction(alice, make_ticket, settings):
    # The files are stored after the close; refusing them undoes the message and the close.
    ticket = make_ticket(alice)
    settings.HELPDESK_ATTACHMENT_QUOTA_USER_BYTES = 10

    with pytest.raises(ValidationError):
        services.ticket_reply(
            ticket=ticket,
            author=alice,
            body="Logs attached, closing.",
            close=True,
            files=[upload("notes.txt")],
        )

    ticket.refresh_from_db()
    assert (ticket.status, ticket.closed_at) == (Status.OPEN, None)
    assert Message.objects.count() == 0
    assert Attachment.objects.count() == 0
    assert history(ticket) == []
    assert counts_by_status(alice.organization_id)[Status.CLOSED] == 0


# --- The page ---------------------------------------------------------------------------


def test_the_reply_box_has_close_beside_send_with_the_close_confirmation(login, alice, make_ticket):
    ticket = make_ticket(alice)

    html = login(alice).get(ticket.get_absolute_url()).content.decode()

    assert '<button type="submit" class="primary" data-submit>Send</button>' in html
    assert 'name="close" value="ask"' in html
    assert 'data-dialog="reply-close-dialog"' in html
    assert f'<h2 id="reply-close-title">Close ticket #{ticket.pk}?</h2>' in html
    assert 'form="reply-form" name="close" value="yes"' in html


def test_confirmed_close_beside_send_sends_and_closes(login, alice, bob, make_ticket):
    ticket = make_ticket(bob)
    files = [upload("notes.txt")]

    response = login(alice).post(
        reply_url(ticket), {"body": "All good now.", "close": "yes", "files": files}
    )

    message = Message.objects.get()
    ticket.refresh_from_db()
    assert response.status_code == 302
    assert response["Location"] == f"/tickets/{ticket.pk}/#message-{message.pk}"
    assert (message.author, message.body) == (alice, "All good now.")
    assert [a.name for a in Attachment.objects.filter(message=message)] == ["notes.txt"]
    assert ticket.status == Status.CLOSED
    page = login(alice).get(response["Location"]).content.decode()
    assert f"Your message was sent. Ticket #{ticket.pk} was closed" in page


def test_without_javascript_close_asks_on_the_page_and_keeps_the_text(login, alice, make_ticket):
    ticket = make_ticket(alice)

    response = login(alice).post(
        reply_url(ticket), {"body": "Works now.", "close": "ask", "files": [upload("notes.txt")]}
    )

    html = response.content.decode()
    ticket.refresh_from_db()
    assert response.status_code == 200
    assert f"<strong>Close ticket #{ticket.pk}?</strong>" in html
    assert 'name="close" value="yes" class="danger" data-submit>Send and close ticket' in html
    assert ">Works now.</textarea>" in html
    assert "Attach your files again" in html
    assert ticket.status == Status.OPEN
    assert Message.objects.count() == 0


def test_close_beside_send_needs_a_message(login, alice, make_ticket):
    ticket = make_ticket(alice)

    response = login(alice).post(reply_url(ticket), {"body": " ", "close": "yes"})

    ticket.refresh_from_db()
    assert response.status_code == 400
    assert "Message is required." in response.content.decode()
    assert ticket.status == Status.OPEN


def test_close_beside_send_on_a_ticket_closed_meanwhile_keeps_the_text_in_the_reply_box(
    login, alice, bob, make_ticket
):
    ticket = make_ticket(alice)
    services.ticket_close(ticket=ticket, actor=bob)

    response = login(alice).post(reply_url(ticket), {"body": "Works now.", "close": "yes"})

    html = response.content.decode()
    assert response.status_code == 409
    assert f"Ticket #{ticket.pk} was closed meanwhile; your message was not sent." in html
    assert 'aria-describedby="reopen-help">Works now.</textarea>' in html
    assert Message.objects.count() == 0


def test_close_asked_on_a_closed_ticket_sends_nothing_and_keeps_the_text(
    login, alice, bob, make_ticket
):
    ticket = make_ticket(alice)
    services.ticket_close(ticket=ticket, actor=bob)

    response = login(alice).post(reply_url(ticket), {"body": "Works now.", "close": "ask"})

    assert response.status_code == 409
    assert 'aria-describedby="reopen-help">Works now.</textarea>' in response.content.decode()
    assert Message.objects.count() == 0


def test_an_outsider_cannot_reply_and_close(login, alice, carol, make_ticket):
    ticket = make_ticket(alice)
    events = history(ticket)

    response = login(carol).post(reply_url(ticket), {"body": "Mine now", "close": "yes"})

    ticket.refresh_from_db()
    assert response.status_code == 404
    assert ticket.status == Status.OPEN
    assert Message.objects.count() == 0
    assert history(ticket) == events


def test_the_api_replies_and_closes_in_one_call(api, alice, make_ticket):
    ticket = make_ticket(alice)

    response = api(alice).post(
        f"/api/v1/tickets/{ticket.pk}/messages/",
        {"body": "Done, closing.", "close": True},
        format="json",
    )

    ticket.refresh_from_db()
    assert response.status_code == 201
    assert response.json()["body"] == "Done, closing."
    assert ticket.status == Status.CLOSED


def test_the_api_refuses_an_outsiders_reply_and_close(api, alice, carol, make_ticket):
    ticket = make_ticket(alice)

    response = api(carol).post(
        f"/api/v1/tickets/{ticket.pk}/messages/", {"body": "x", "close": True}, format="json"
    )

    ticket.refresh_from_db()
    assert response.status_code == 404
    assert ticket.status == Status.OPEN
    assert Message.objects.count() == 0


# --- A closed ticket: the box, named by the policy ----------------------------------------


def test_a_closed_ticket_under_the_reopen_policy_offers_send_and_reopen(login, alice, make_ticket):
    ticket = make_ticket(alice)
    services.ticket_close(ticket=ticket, actor=alice)

    html = login(alice).get(ticket.get_absolute_url()).content.decode()

    assert '<section id="reopen" class="card reply">' in html  # shown, not hidden
    assert ">Send and reopen</button>" in html
    assert ">Reopen ticket</a>" in html
    assert "Send as a follow-up" not in html


def test_a_closed_ticket_under_the_follow_up_policy_never_says_reopen(login, carol, make_ticket):
    ticket = make_ticket(carol)
    services.ticket_close(ticket=ticket, actor=carol)

    html = login(carol).get(ticket.get_absolute_url()).content.decode()

    assert '<section id="reopen" class="card reply">' in html
    assert ">Send as a follow-up</button>" in html
    assert ">Write a follow-up</a>" in html
    assert "Reopen ticket" not in html
    assert "Send and reopen" not in html


def test_the_agent_page_never_says_reopen_under_the_follow_up_policy(
    login, carol, agent, make_ticket
):
    ticket = make_ticket(carol)
    services.ticket_close(ticket=ticket, actor=carol)

    html = login(agent).get(ticket.get_absolute_url()).content.decode()

    assert "Reopen ticket" not in html
    assert ">Open a follow-up</a>" in html
