"""Issue 20: a row is "new" for one user, since that user last looked, and a
solved ticket says how long until it closes."""

from datetime import timedelta

from django.urls import reverse

from tickets import services
from tickets.workflow import Action


def unseen(client, url=None) -> dict[int, bool]:
    response = client.get(url or reverse("tickets:list"))
    return {ticket.pk: ticket.unseen for ticket in response.context["tickets"]}


def test_a_support_reply_is_new_to_the_requester_but_not_to_a_colleague_who_never_opened_it(
    client, login, alice, bob, agent, make_ticket
):
    ticket = make_ticket(bob, subject="Bob's printer")
    services.ticket_reply(ticket=ticket, author=agent, body="Try turning it off and on.")

    assert unseen(login(bob))[ticket.pk] is True
    client.logout()
    assert unseen(login(alice))[ticket.pk] is False


def test_once_a_colleague_has_looked_a_later_support_reply_is_new_to_them_too(
    login, alice, bob, agent, make_ticket
):
    ticket = make_ticket(bob, subject="Bob's printer")
    client = login(alice)
    client.get(ticket.get_absolute_url())

    services.ticket_reply(ticket=ticket, author=agent, body="Fixed the driver.")

    assert unseen(client)[ticket.pk] is True


def test_someone_elses_reading_never_clears_a_users_new_mark(
    client, login, alice, bob, agent, make_ticket
):
    ticket = make_ticket(alice, subject="Alice's VPN")
    services.ticket_reply(ticket=ticket, author=agent, body="Which client?")

    login(bob).get(ticket.get_absolute_url())
    client.logout()

    assert unseen(login(alice))[ticket.pk] is True
    client.get(ticket.get_absolute_url())
    assert unseen(client)[ticket.pk] is False


def test_for_an_agent_a_colleagues_never_opened_ticket_is_not_new(
    login, alice, agent, agent2, make_ticket
):
    theirs = make_ticket(alice, subject="Held by agent2")
    services.ticket_take(ticket=theirs, agent=agent2)
    nobodys = make_ticket(alice, subject="Unassigned")

    rows = unseen(login(agent), reverse("agent:queue", args=["active"]))

    assert rows == {theirs.pk: False, nobodys.pk: True}


def test_the_solved_notice_counts_down_to_the_automatic_close(
    login, alice, agent, make_ticket, settings
):
    settings.HELPDESK_AUTO_CLOSE_AFTER = timedelta(hours=72)
    ticket = make_ticket(alice, subject="Done")
    services.ticket_change_status(ticket=ticket, actor=agent, action=Action.SOLVE)

    html = login(alice).get(ticket.get_absolute_url()).content.decode()

    assert "This ticket is solved and closes <time" in html
    assert ">in 2 days</time> unless you reply." in html


def test_the_countdown_follows_the_auto_close_setting(login, alice, agent, make_ticket, settings):
    settings.HELPDESK_AUTO_CLOSE_AFTER = timedelta(hours=6)
    ticket = make_ticket(alice, subject="Done")
    services.ticket_change_status(ticket=ticket, actor=agent, action=Action.SOLVE)

    html = login(alice).get(reverse("tickets:archive")).content.decode()

    assert ">in 5 h</time>" in html
