"""The automatic close of solved tickets: the beat job and `manage.py autoclose`."""

from datetime import timedelta

from django.conf import settings
from django.core.management import call_command
from django.utils import timezone

from helpdesk.celery import app
from tickets import services
from tickets.counters import counts_by_status
from tickets.models import Status, Ticket, TicketEvent
from tickets.tasks import autoclose_task
from tickets.workflow import Action


def solved(make_ticket, customer, agent, *, hours_ago: float) -> Ticket:
    ticket = make_ticket(customer)
    services.ticket_change_status(ticket=ticket, actor=agent, action=Action.SOLVE)
    Ticket.objects.filter(pk=ticket.pk).update(
        solved_at=timezone.now() - timedelta(hours=hours_ago)
    )
    return ticket


def test_the_job_closes_due_tickets_only_as_the_system(alice, carol, agent, make_ticket):
    due = [
        solved(make_ticket, alice, agent, hours_ago=73),
        solved(make_ticket, carol, agent, hours_ago=100),
    ]
    fresh = solved(make_ticket, alice, agent, hours_ago=71)
    active = make_ticket(alice)

    closed = services.tickets_auto_close_due(batch_size=1)

    assert closed == 2
    for ticket in due:
        ticket.refresh_from_db()
        assert ticket.status == Status.CLOSED
        event = TicketEvent.objects.filter(ticket=ticket).last()
        assert (event.actor, event.from_value, event.to_value) == (None, "solved", "closed")
    assert Ticket.objects.get(pk=fresh.pk).status == Status.SOLVED
    assert Ticket.objects.get(pk=active.pk).status == Status.OPEN
    assert counts_by_status()[Status.CLOSED] == 2


def test_running_the_job_again_changes_nothing(alice, agent, make_ticket):
    solved(make_ticket, alice, agent, hours_ago=80)
    assert services.tickets_auto_close_due() == 1
    events = TicketEvent.objects.count()

    assert services.tickets_auto_close_due() == 0
    assert TicketEvent.objects.count() == events


def test_a_ticket_the_customer_answered_is_not_closed(alice, agent, make_ticket):
    ticket = solved(make_ticket, alice, agent, hours_ago=80)
    services.ticket_reply(ticket=ticket, author=alice, body="Still broken")

    assert services.tickets_auto_close_due() == 0
    assert Ticket.objects.get(pk=ticket.pk).status == Status.OPEN


def test_the_window_is_a_setting(alice, agent, make_ticket, settings):
    settings.HELPDESK_AUTO_CLOSE_AFTER = timedelta(hours=1)
    ticket = solved(make_ticket, alice, agent, hours_ago=2)

    assert services.tickets_auto_close_due() == 1
    assert Ticket.objects.get(pk=ticket.pk).status == Status.CLOSED


def test_the_command_runs_the_job_once(alice, agent, make_ticket, capsys):
    solved(make_ticket, alice, agent, hours_ago=90)
    solved(make_ticket, alice, agent, hours_ago=90)

    call_command("autoclose")

    assert capsys.readouterr().out.strip() == "Closed 2 tickets."


def test_the_task_runs_the_job(alice, agent, make_ticket):
    ticket = solved(make_ticket, alice, agent, hours_ago=90)

    result = autoclose_task.apply()

    assert result.get() == 1
    assert Ticket.objects.get(pk=ticket.pk).status == Status.CLOSED


def test_beat_runs_the_job_every_five_minutes_on_the_maintenance_queue():
    entry = settings.CELERY_BEAT_SCHEDULE["close-solved-tickets"]

    assert (entry["task"], entry["schedule"]) == ("tickets.autoclose", 300)
    assert "tickets.autoclose" in app.tasks
    assert app.amqp.router.route({}, "tickets.autoclose")["queue"].name == "maintenance"
