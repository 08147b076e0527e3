"""Customers hear of every visible act of support, once per act (issue 13, item 1).

Seed 000: a reply within 72 hours of "solved" returns the ticket to the queue,
after that it closes; seed 001: "email notifications for any updates to the
ticket". The solved notice says when the ticket closes and how to bring it
back; taking a ticket, and changing its priority, type or assignee, each tell
the customers; one act makes one notification and one email per person.
"""

from datetime import timedelta

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from notifications import services as notify
from notifications.models import EmailState, Notification
from tests.notifications.helpers import (
    CUSTOMERS_OF_BOBS_TICKET,
    deliver,
    start_clean,
    told,
)
from tickets import services
from tickets.models import Priority, Status, Ticket, TicketEvent
from tickets.workflow import Action


@pytest.fixture
def scene(alice, bob, agent, agent2, make_ticket):
    """Bob's ticket, which Sam (agent) works on; Alice is Acme's admin."""
    ticket = make_ticket(bob, subject="Printer on fire")
    services.ticket_take(ticket=ticket, agent=agent)
    start_clean()
    return ticket


@pytest.fixture
def deliver_all(deliver_outbox):
    """Everything the act set going: events, notification emails, the outbox."""

    def run() -> None:
        deliver()
        deliver_outbox()

    return run


def email_to(address: str):
    [email] = [m for m in mail.outbox if m.to == [address]]
    return email


def closing_time(ticket: Ticket, hours: int = 72) -> str:
    when = timezone.localtime(ticket.solved_at + timedelta(hours=hours))
    return when.strftime("%-d %b %Y, %H:%M %Z")


# --- Solved ---------------------------------------------------------------------------------


def test_solving_with_the_status_button_tells_the_customers_when_it_closes_and_how_to_reply(
    login, scene, agent, deliver_all
):
    response = login(agent).post(reverse("tickets:status", args=[scene.pk]), {"action": "solve"})
    deliver_all()

    scene.refresh_from_db()
    assert response.status_code == 302
    assert scene.status == Status.SOLVED
    assert told() == dict.fromkeys(CUSTOMERS_OF_BOBS_TICKET, "solved")
    body = email_to("bob@acme.example").body
    assert f"Sam Support from support marked ticket #{scene.pk} as solved." in body
    assert (
        f"It will close automatically in 72 hours, on {closing_time(scene)}. Not solved for you? "
        "Reply to this email or on the ticket page before then and it goes back to support; "
        "after it has closed, a reply reopens it."
    ) in body
    assert "Status: In progress → Solved" in body
    assert len(mail.outbox) == 2


def test_the_solved_notice_shows_in_app_with_the_closing_time(login, scene, agent, bob):
    services.ticket_change_status(ticket=scene, actor=agent, action=Action.SOLVE)
    deliver()
    scene.refresh_from_db()

    html = login(bob).get(reverse("notifications:list")).content.decode()

    assert f"A ticket was solved: #{scene.pk} Printer on fire" in html
    closes = timezone.localtime(scene.solved_at + timedelta(hours=72))
    assert f'Closes automatically <time datetime="{closes.isoformat()}">' in html


def test_a_reply_submitted_as_solved_is_one_solved_notice_quoting_the_reply(
    scene, agent, deliver_all
):
    services.ticket_reply(
        ticket=scene, author=agent, body="New toner installed.", submit_as=Status.SOLVED
    )
    deliver_all()

    assert told() == dict.fromkeys(CUSTOMERS_OF_BOBS_TICKET, "solved")
    assert len(mail.outbox) == 2
    body = email_to("bob@acme.example").body
    assert "New toner installed." in body
    assert "It will close automatically in 72 hours" in body
    # The notification leads to the reply itself.
    reply = TicketEvent.objects.get(kind="replied")
    assert set(Notification.objects.values_list("event_id", flat=True)) == {reply.pk}


def test_solving_through_the_api_tells_the_customers(api, scene, agent, deliver_all):
    response = api(agent).post(f"/api/v1/tickets/{scene.pk}/solve/")
    deliver_all()

    assert response.status_code == 200
    assert told() == dict.fromkeys(CUSTOMERS_OF_BOBS_TICKET, "solved")


def test_solving_in_bulk_tells_the_customers_of_each_ticket(scene, agent, bob, make_ticket):
    other = make_ticket(bob, subject="Scanner jammed")
    start_clean()

    services.tickets_bulk(actor=agent, ticket_ids=[scene.pk, other.pk], action="solve")
    deliver()

    solved = Notification.objects.filter(recipient=bob, kind="solved")
    assert sorted(solved.values_list("ticket_id", flat=True)) == [scene.pk, other.pk]


def test_the_closing_time_follows_the_auto_close_setting(scene, agent, settings):
    settings.HELPDESK_AUTO_CLOSE_AFTER = timedelta(hours=24)

    services.ticket_change_status(ticket=scene, actor=agent, action=Action.SOLVE)
    deliver()

    scene.refresh_from_db()
    body = email_to("bob@acme.example").body
    assert f"in 24 hours, on {closing_time(scene, hours=24)}." in body


def test_under_the_follow_up_policy_the_notice_says_a_late_reply_opens_a_follow_up(
    carol, agent, make_ticket
):
    ticket = make_ticket(carol, subject="Mail server down")
    start_clean()

    services.ticket_change_status(ticket=ticket, actor=agent, action=Action.SOLVE)
    deliver()

    body = email_to("carol@globex.example").body
    assert "after it has closed, a reply opens a new follow-up ticket linked to this one." in body


# --- Updates ----------------------------------------------------------------------------------


def test_taking_a_ticket_into_progress_is_one_notification_naming_both_changes(
    bob, alice, agent, make_ticket
):
    ticket = make_ticket(bob, subject="Printer on fire")
    start_clean()

    services.ticket_take(ticket=ticket, agent=agent)
    deliver()

    assert told() == dict.fromkeys(CUSTOMERS_OF_BOBS_TICKET, "in_progress")
    assert len(mail.outbox) == 2
    body = email_to("bob@acme.example").body
    assert f"Sam Support from support took ticket #{ticket.pk} into progress." in body
    assert "Assignee: Not assigned → Sam Support" in body
    assert "Status: Open → In progress" in body


def test_a_priority_change_tells_the_customers(scene, agent):
    services.ticket_set_priority(ticket=scene, actor=agent, priority=Priority.URGENT)
    deliver()

    assert told() == dict.fromkeys(CUSTOMERS_OF_BOBS_TICKET, "priority")
    assert "Priority: Normal → Urgent" in email_to("bob@acme.example").body


def test_a_type_change_tells_the_customers(scene, agent, billing):
    services.ticket_set_category(ticket=scene, actor=agent, category=billing)
    deliver()

    assert told() == dict.fromkeys(CUSTOMERS_OF_BOBS_TICKET, "category")
    assert "Ticket type: Technical issue → Billing" in email_to("bob@acme.example").body


def test_an_assignee_change_tells_the_customers(scene, agent, agent2):
    services.ticket_assign(ticket=scene, actor=agent, assignee=agent2)
    deliver()

    assert told() == dict.fromkeys(CUSTOMERS_OF_BOBS_TICKET, "assignee")
    assert "Assignee: Sam Support → Robin Responder" in email_to("bob@acme.example").body


def test_support_setting_the_internal_reference_tells_the_customers(scene, agent):
    services.ticket_set_reference(ticket=scene, actor=agent, internal_reference="PO-7")
    deliver()

    assert told() == dict.fromkeys(CUSTOMERS_OF_BOBS_TICKET, "reference")


def test_a_customer_changing_their_own_reference_tells_nobody(scene, bob):
    services.ticket_set_reference(ticket=scene, actor=bob, internal_reference="PO-7")
    deliver()

    assert told() == {}


def test_one_api_request_changing_several_things_makes_one_email_each(
    api, bob, alice, agent, agent2, make_ticket, billing
):
    ticket = make_ticket(bob, subject="Printer on fire")
    start_clean()

    response = api(agent).patch(
        f"/api/v1/tickets/{ticket.pk}/",
        {"priority": "high", "category": "billing", "assignee": agent2.email},
        format="json",
    )
    deliver()

    assert response.status_code == 200
    assert Notification.objects.count() == 2
    assert told() == dict.fromkeys(CUSTOMERS_OF_BOBS_TICKET, "in_progress")
    assert sorted(m.to[0] for m in mail.outbox) == sorted(CUSTOMERS_OF_BOBS_TICKET)
    body = email_to("bob@acme.example").body
    for change in (
        "Priority: Normal → High",
        "Ticket type: Technical issue → Billing",
        "Assignee: Not assigned → Robin Responder",
        "Status: Open → In progress",
    ):
        assert change in body


def test_an_act_is_told_once_whichever_of_its_events_is_processed_first(scene, agent):
    services.ticket_reply(ticket=scene, author=agent, body="Done.", submit_as=Status.SOLVED)
    events = list(
        TicketEvent.objects.filter(notified_at__isnull=True)
        .order_by("-pk")
        .values_list("pk", flat=True)
    )
    assert len(events) == 2  # the reply and the move to Solved

    for event_id in events + events:  # last first, and each twice
        notify.notifications_for_event(event_id=event_id)

    assert Notification.objects.count() == 2
    assert told() == dict.fromkeys(CUSTOMERS_OF_BOBS_TICKET, "solved")


# --- Preferences and what is never told ----------------------------------------------------------


def test_each_kind_of_update_can_be_turned_off_and_still_shows_in_app(login, scene, agent, bob):
    client = login(bob)
    page = client.get(reverse("notifications:preferences")).content.decode()
    for label in (
        "A ticket was solved",
        "Support took a ticket into progress",
        "Support changed who handles a ticket",
        "Support changed a ticket&#x27;s priority",
        "Support changed a ticket&#x27;s type",
    ):
        assert label in page
    kinds = notify.kinds_for(bob)
    client.post(
        reverse("notifications:preferences"), {kind: "on" for kind in kinds if kind != "priority"}
    )

    services.ticket_set_priority(ticket=scene, actor=agent, priority=Priority.HIGH)
    deliver()

    assert Notification.objects.get(recipient=bob).email_state == EmailState.OFF
    assert [m.to for m in mail.outbox] == [["alice@acme.example"]]


def test_an_act_is_emailed_when_any_of_its_kinds_is_wanted(scene, agent, bob):
    notify.email_preferences_set(user=bob, enabled={"support_reply"})

    services.ticket_reply(ticket=scene, author=agent, body="Fixed.", submit_as=Status.SOLVED)
    services.ticket_set_priority(ticket=scene, actor=agent, priority=Priority.LOW)
    deliver()

    to_bob = Notification.objects.filter(recipient=bob).order_by("pk")
    assert [(n.kind, n.email_state) for n in to_bob] == [
        ("solved", EmailState.SENT),  # it carries a reply, which Bob wants
        ("priority", EmailState.OFF),
    ]


def test_internal_acts_of_support_tell_no_customer(scene, agent):
    services.ticket_reply(ticket=scene, author=agent, body="Toner is a fire risk", internal=True)
    services.ticket_record_caller_verified(ticket=scene, actor=agent)
    deliver()

    assert told() == {}
    assert mail.outbox == []


def test_the_agent_who_acts_is_not_told_nor_is_another_organisation(scene, agent, carol):
    services.ticket_change_status(ticket=scene, actor=agent, action=Action.SOLVE)
    deliver()

    assert set(told()) == CUSTOMERS_OF_BOBS_TICKET
    assert "agent@support.example" not in {address for m in mail.outbox for address in m.to}
    assert not Notification.objects.filter(recipient=carol).exists()
