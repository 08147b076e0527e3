"""Retention: a policy removes exactly the closed tickets it covers, and says so."""

from __future__ import annotations

import io
from datetime import UTC, datetime, timedelta

import pytest
from django.conf import settings
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.db import IntegrityError
from django.urls import reverse
from django.utils import timezone

from accounts.models import Organization, User
from privacy.models import AnonymisedTicket, AuditEntry, RetentionPolicy
from privacy.retention import REMOVED_SUBJECT, months_before, retention_apply, retention_run
from privacy.tasks import retention_task
from tests.attachments.files import upload
from tests.concurrency import run_together
from tests.helpers import bring_to
from tickets import services
from tickets.counters import counts_by_status
from tickets.models import Message, Status, Ticket, TicketEvent
from tickets.search import search_tickets

NOW = timezone.now()


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def closed(make_ticket, agent):
    """A ticket of ``customer`` closed ``months`` months ago (and a bit), with a reply and a file."""

    def make(customer, months: float, subject="Old problem Zanzibar"):
        ticket = make_ticket(customer, subject=subject, files=[upload("screenshot.png")])
        services.ticket_reply(ticket=ticket, author=agent, body="Answer about Zanzibar")
        bring_to(ticket, Status.CLOSED, agent=agent, customer=customer)
        when = NOW - timedelta(days=months * 30.5)
        Ticket.objects.filter(pk=ticket.pk).update(closed_at=when, solved_at=when)
        ticket.refresh_from_db()
        return ticket

    return make


def numbers(tickets) -> set[int]:
    return {ticket.pk for ticket in tickets}


def counters_match_tickets(*organizations) -> bool:
    for organization in organizations:
        actual = dict.fromkeys(Status.values, 0)
        for status in Ticket.objects.filter(organization=organization).values_list(
            "status", flat=True
        ):
            actual[status] += 1
        if counts_by_status(organization.pk) != actual:
            return False
    return True


def test_months_are_calendar_months():
    assert months_before(datetime(2026, 3, 31, 12, tzinfo=UTC), 1) == datetime(
        2026, 2, 28, 12, tzinfo=UTC
    )
    assert months_before(datetime(2026, 1, 15, tzinfo=UTC), 13) == datetime(
        2024, 12, 15, tzinfo=UTC
    )


def test_an_organisations_delete_policy_removes_only_its_old_closed_tickets(
    acme, globex, alice, carol, closed, make_ticket, django_capture_on_commit_callbacks
):
    RetentionPolicy.objects.create(organization=acme, months=12, action="delete")
    old = closed(alice, 13)
    recent = closed(alice, 11)
    still_open = make_ticket(alice, subject="Open for ages")
    Ticket.objects.filter(pk=still_open.pk).update(created_at=NOW - timedelta(days=900))
    others = closed(carol, 30)
    old_file = old.attachments.get().file.name

    with django_capture_on_commit_callbacks(execute=True):
        (report,) = retention_run(now=NOW)

    assert (report.due, report.done) == (1, 1)
    assert set(Ticket.objects.values_list("pk", flat=True)) == numbers([recent, still_open, others])
    assert not Message.objects.filter(ticket_id=old.pk).exists()
    assert not default_storage.exists(old_file)
    assert counters_match_tickets(acme, globex)
    entry = AuditEntry.objects.get(action="retention_applied")
    assert entry.details["tickets"] == [old.pk]
    assert (entry.organization, entry.actor, entry.details["action"]) == (acme, None, "delete")


def test_a_tier_policy_anonymises_and_an_organisations_own_policy_wins(
    acme, globex, alice, carol, closed, django_capture_on_commit_callbacks
):
    initech = Organization.objects.create(name="Initech", alias="INITECH", support_tier="standard")
    RetentionPolicy.objects.create(tier="standard", months=6, action="anonymise")
    RetentionPolicy.objects.create(organization=initech, months=24, action="delete")
    peter = User.objects.create_user(
        "peter@initech.example", full_name="Peter Gibbons", role="admin", organization=initech
    )
    gone = closed(carol, 7)
    kept = closed(carol, 5)
    initechs = closed(peter, 7)  # standard tier, but its own policy says 24 months
    enterprise = closed(alice, 40)  # no policy covers the enterprise tier
    file_key = gone.attachments.get().file.name

    with django_capture_on_commit_callbacks(execute=True):
        reports = retention_run(now=NOW)

    assert [(r.policy.tier or r.policy.organization.alias, r.done) for r in reports] == [
        ("INITECH", 0),
        ("standard", 1),
    ]
    gone.refresh_from_db()
    assert (gone.subject, gone.description, gone.status) == (REMOVED_SUBJECT, "", Status.CLOSED)
    assert gone.closed_at is not None  # the figures stay
    assert gone.requester == carol
    assert set(gone.messages.values_list("body", flat=True)) == {""}
    assert not gone.attachments.exists()
    assert not default_storage.exists(file_key)
    assert numbers(search_tickets(Ticket.objects.all(), "Zanzibar", include_notes=True)) == numbers(
        [kept, initechs, enterprise]
    )
    assert AnonymisedTicket.objects.get().ticket_id == gone.pk
    for ticket in (kept, initechs, enterprise):
        ticket.refresh_from_db()
        assert ticket.subject == "Old problem Zanzibar"
    # Done once: the next run finds nothing more.
    assert [r.done for r in retention_run(now=NOW)] == [0, 0]


def test_a_dry_run_counts_and_changes_nothing(acme, alice, closed):
    RetentionPolicy.objects.create(organization=acme, months=12, action="delete")
    old = [closed(alice, 14), closed(alice, 20)]

    output = io.StringIO()
    call_command("retention", "--dry-run", stdout=output)

    assert "[dry run] Acme" in output.getvalue()
    assert "2 due, 0 deleted" in output.getvalue()
    assert Ticket.objects.filter(pk__in=numbers(old)).count() == 2
    assert not AuditEntry.objects.exists()


def test_a_disabled_policy_does_nothing_and_the_beat_runs_the_task(acme, alice, closed):
    RetentionPolicy.objects.create(organization=acme, months=1, action="delete", enabled=False)
    closed(alice, 3)

    assert retention_task() == 0
    assert Ticket.objects.count() == 1
    tasks = {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}
    assert "privacy.retention" in tasks


def test_batches_each_leave_an_audit_entry(acme, alice, closed):
    policy = RetentionPolicy.objects.create(organization=acme, months=1, action="anonymise")
    tickets = [closed(alice, 2) for _ in range(5)]

    report = retention_apply(policy, now=NOW, batch=2)

    assert report.batches == [2, 2, 1]
    recorded = [
        number for entry in AuditEntry.objects.order_by("pk") for number in entry.details["tickets"]
    ]
    assert recorded == sorted(numbers(tickets))


def test_a_policy_covers_one_organisation_or_one_tier(acme):
    with pytest.raises(IntegrityError):
        RetentionPolicy.objects.create(organization=acme, tier="standard", months=3)


def test_the_admin_shows_what_is_due(acme, alice, closed, support_admin, login):
    policy = RetentionPolicy.objects.create(organization=acme, months=12, action="delete")
    closed(alice, 13)

    page = login(support_admin).get(reverse("admin:privacy_retentionpolicy_changelist"))

    assert page.status_code == 200
    assert '<td class="field-due_now">1</td>' in page.content.decode()
    assert policy.pk


def test_anonymising_keeps_the_history_of_status_changes(acme, alice, closed):
    RetentionPolicy.objects.create(organization=acme, months=1, action="anonymise")
    ticket = closed(alice, 2)
    statuses = list(
        TicketEvent.objects.filter(ticket=ticket, kind="status").values_list("to_value", flat=True)
    )

    retention_run(now=NOW)

    assert statuses
    assert (
        list(
            TicketEvent.objects.filter(ticket=ticket, kind="status").values_list(
                "to_value", flat=True
            )
        )
        == statuses
    )


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_runs_at_once_remove_each_ticket_once(acme, alice, closed):
    RetentionPolicy.objects.create(organization=acme, months=1, action="anonymise")
    tickets = [closed(alice, 2) for _ in range(12)]

    results = run_together(*[lambda: retention_run(now=NOW) for _ in range(4)])

    assert not [r for r in results if isinstance(r, Exception)], results
    done = sum(report.done for reports in results for report in reports)
    recorded = [n for entry in AuditEntry.objects.all() for n in entry.details["tickets"]]
    assert done == len(recorded) == len(set(recorded)) == 12
    assert set(recorded) == numbers(tickets)
    assert AnonymisedTicket.objects.count() == 12


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_twenty_runs_in_small_batches_anonymise_each_ticket_once(acme, alice, closed):
    policy = RetentionPolicy.objects.create(organization=acme, months=1, action="anonymise")
    tickets = [closed(alice, 2) for _ in range(10)]

    results = run_together(*[lambda: retention_apply(policy, now=NOW, batch=2) for _ in range(20)])

    assert not [r for r in results if isinstance(r, Exception)], results
    recorded = [n for entry in AuditEntry.objects.all() for n in entry.details["tickets"]]
    assert sorted(recorded) == sorted(numbers(tickets))
    assert sum(report.done for report in results) == 10
