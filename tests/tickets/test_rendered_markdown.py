"""Messages and descriptions keep their Markdown rendered once, when written
(issue 15): the ticket page shows the stored HTML, which is sanitised, never
outlives the text it came from, and is rendered when shown if it was never
stored."""

import pytest
from django.db.models import Value
from django.db.models.functions import Concat
from django.urls import reverse

from tickets import services
from tickets.models import Message, Ticket

pytestmark = pytest.mark.django_db


def test_a_reply_is_stored_as_sanitised_html_and_shown_as_stored(alice, agent, make_ticket, login):
    ticket = make_ticket(alice, description="Our **VPN** is down <script>alert(1)</script>")
    reply = services.ticket_reply(
        ticket=ticket, author=agent, body="Try [this](javascript:alert(2)) and *restart*."
    )

    message = Message.objects.get(pk=reply.message.pk)
    assert (
        message.body_html
        == '<p>Try <a rel="noopener noreferrer nofollow">this</a> and <em>restart</em>.</p>'
    )
    ticket.refresh_from_db()
    assert ticket.description_html == "<p>Our <strong>VPN</strong> is down </p>"

    page = login(alice).get(reverse("tickets:detail", args=[ticket.pk])).content.decode()
    assert "<em>restart</em>" in page
    assert "<strong>VPN</strong>" in page
    assert "<script>alert(1)" not in page
    assert "javascript:" not in page


def test_the_page_shows_what_the_text_says_now_even_after_a_bulk_update(
    alice, agent, make_ticket, login
):
    """Erasure and other bulk rewrites change bodies with update(): the copy follows."""
    ticket = make_ticket(alice, description="Call **Alice** back")
    reply = services.ticket_reply(ticket=ticket, author=agent, body="Hello **Alice**")

    Message.objects.filter(pk=reply.message.pk).update(body="Hello **[former user]**")
    Ticket.objects.filter(pk=ticket.pk).update(description="Call **[former user]** back")

    message = Message.objects.get(pk=reply.message.pk)
    assert message.body_html == "<p>Hello <strong>[former user]</strong></p>"
    page = login(alice).get(reverse("tickets:detail", args=[ticket.pk])).content.decode()
    assert "Alice</strong>" not in page
    assert page.count("<strong>[former user]</strong>") == 2


def test_a_text_rewritten_by_an_expression_is_rendered_when_shown(alice, agent, make_ticket, login):
    ticket = make_ticket(alice)
    reply = services.ticket_reply(ticket=ticket, author=agent, body="first")

    Message.objects.filter(pk=reply.message.pk).update(body=Concat("body", Value(" and *second*")))

    assert Message.objects.get(pk=reply.message.pk).body_html == ""
    page = login(alice).get(reverse("tickets:detail", args=[ticket.pk])).content.decode()
    assert "<p>first and <em>second</em></p>" in page


def test_rows_written_without_their_html_still_show_rendered(alice, agent, make_ticket, login):
    """Messages from before the column existed, or written by bulk_create."""
    ticket = make_ticket(alice)
    Message.objects.bulk_create(
        [Message(ticket=ticket, organization=ticket.organization, author=agent, body="**old**")]
    )
    Ticket.objects.filter(pk=ticket.pk).update(description_html="")

    page = login(alice).get(reverse("tickets:detail", args=[ticket.pk])).content.decode()
    assert "<p><strong>old</strong></p>" in page
    assert "<p>It stopped answering at 09:00.</p>" in page


def test_saving_a_ticket_loaded_without_its_description_keeps_it(alice, make_ticket):
    ticket = make_ticket(alice, description="Keep *me*")
    partial = Ticket.objects.defer("description", "description_html").get(pk=ticket.pk)
    partial.subject = "Renamed"
    partial.save()

    ticket.refresh_from_db()
    assert ticket.subject == "Renamed"
    assert ticket.description == "Keep *me*"
    assert ticket.description_html == "<p>Keep <em>me</em></p>"


def test_the_render_command_fills_what_was_never_stored(alice, agent, make_ticket):
    from django.core.management import call_command

    ticket = make_ticket(alice, description="**old** description")
    Message.objects.bulk_create(
        [
            Message(ticket=ticket, organization=ticket.organization, author=agent, body=f"*{n}*")
            for n in range(5)
        ]
    )
    Ticket.objects.filter(pk=ticket.pk).update(description_html="")

    call_command("render_markdown", batch=2)

    assert sorted(Message.objects.values_list("body_html", flat=True)) == [
        f"<p><em>{n}</em></p>" for n in range(5)
    ]
    ticket.refresh_from_db()
    assert ticket.description_html == "<p><strong>old</strong> description</p>"
