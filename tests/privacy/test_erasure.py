"""Erasing a person: nothing of their name or email is left to find, their
organisation's history stays, and only those who may erase can."""

from __future__ import annotations

from email.message import EmailMessage

import pytest
from django.apps import apps
from django.contrib.sessions.models import Session
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.db import connection, models
from django.test import Client
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.models import ApiToken, User
from accounts.pins import pin_set, pin_verify
from accounts.tokens import token_create
from inbound.models import SupportAddress
from inbound.services import email_ingest
from notifications.services import notifications_for_event
from outbox.models import OutboundEmail, Purpose, State
from outbox.services import email_enqueue
from privacy.erasure import FORMER_NAME, _email_text, end_sessions, user_erase
from privacy.export import export_build, export_request
from privacy.models import AuditEntry, DataExport
from tests.attachments.files import REAL, upload
from tests.concurrency import run_together
from tests.helpers import bring_to
from tests.inbound import corpus
from tickets import services
from tickets.models import (
    Attachment,
    Message,
    Priority,
    Status,
    Ticket,
    TicketEvent,
    TicketFollower,
)
from tickets.search import search_tickets
from webhooks.models import WebhookDelivery
from webhooks.services import hook_create

OLD_EMAIL = "bob@acme.example"
OLD_NAME = "Bob Brandt"


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def text_columns():
    """Every stored text of every model, the third-party apps' included."""
    for model in apps.get_models():
        if not model._meta.managed or model._meta.proxy:
            continue
        for field in model._meta.concrete_fields:
            text = (models.CharField, models.TextField, models.JSONField, models.BinaryField)
            if isinstance(field, text):
                yield model, field.attname


def rows_mentioning(*needles: str) -> list[str]:
    """Where in the database any of ``needles`` still appears (case-insensitive)."""
    found = []
    lowered = [needle.lower() for needle in needles]
    for model, column in text_columns():
        for pk, value in model._base_manager.values_list("pk", column).iterator():
            if value is None:
                continue
            text = (
                _email_text(bytes(value)) if isinstance(value, (bytes, memoryview)) else str(value)
            )
            if any(needle in text.lower() for needle in lowered):
                found.append(f"{model._meta.label}.{column} #{pk}")
    return found


@pytest.fixture
def bobs_history(bob, alice, agent, make_ticket, client, settings):
    """Bob as a desk knows him after a while: tickets by portal and email,
    replies naming him, files, a token, a PIN, a phone for two factors, a
    session, and emails sent to him."""
    SupportAddress.objects.create(email=corpus.SUPPORT, priority=Priority.NORMAL)
    settings.WEBHOOKS_ALLOW_PRIVATE_TARGETS = True
    hook_create(
        actor=alice,
        url="https://127.0.0.1:8443/crm",
        event_types=["ticket.created", "message.added"],
    )
    by_portal = make_ticket(
        bob,
        subject="Printer jams",
        description=f"Regards, {OLD_NAME} ({OLD_EMAIL})",
        files=[upload("bob-brandt-scan.png", REAL["screenshot.png"])],
    )
    services.ticket_reply(ticket=by_portal, author=agent, body="Hi Bob, which model is it?")
    services.ticket_reply(ticket=by_portal, author=bob, body="The big one.\n-- \nBob Brandt")
    services.ticket_reply(
        ticket=by_portal, author=agent, body=f"Bob Brandt called from {OLD_EMAIL}.", internal=True
    )
    by_email = email_ingest(raw=corpus.plain(sender=f"{OLD_NAME} <{OLD_EMAIL}>")).ticket
    assert by_email is not None
    assert by_email.requester == bob
    colleague = make_ticket(alice, subject="Access for the new hire")
    services.ticket_reply(
        ticket=colleague, author=alice, body=f"Please add Bob Brandt, {OLD_EMAIL}."
    )
    token_create(user=bob, name="cron")
    pin_set(user=bob, pin="48127730")
    pin_verify(agent=agent, alias="ACME", email=OLD_EMAIL, pin="00000000")
    rated = make_ticket(bob, subject="Rated one")
    bring_to(rated, Status.SOLVED, agent=agent, customer=bob)
    services.ticket_rate(ticket=rated, rater=bob, score="good", comment="Thanks, Bob Brandt here.")
    email_enqueue(
        purpose=Purpose.PASSWORD_RESET,
        to=OLD_EMAIL,
        recipient=bob,
        subject="Your password",
        body=f"Hello {OLD_NAME},",
    )
    for event_id in TicketEvent.objects.values_list("pk", flat=True):  # as the worker would
        notifications_for_event(event_id=event_id)
    assert WebhookDelivery.objects.filter(body__contains="Brandt").exists()
    bobs_browser = Client()
    bobs_browser.force_login(bob)
    assert bobs_browser.get(reverse("tickets:list")).status_code == 200
    TOTPDevice.objects.create(user=bob, name="Phone", confirmed=True)
    return {"tickets": [by_portal, by_email, colleague], "browser": bobs_browser}


def test_nothing_of_the_name_or_email_is_left_anywhere(bobs_history, bob, alice):
    assert rows_mentioning(OLD_EMAIL, "Brandt")  # the scan sees them before

    user_erase(actor=alice, user=bob)

    assert rows_mentioning(OLD_EMAIL, "Brandt") == []
    for query in (OLD_NAME, OLD_EMAIL, "Brandt"):
        assert not search_tickets(Ticket.objects.all(), query, include_notes=True).exists()


def test_the_history_stays_under_former_user(bobs_history, bob, alice, agent):
    messages_before = Message.objects.count()
    tickets_before = Ticket.objects.count()

    user_erase(actor=alice, user=bob)

    bob.refresh_from_db()
    assert (bob.full_name, bob.is_active, bob.has_usable_password()) == (FORMER_NAME, False, False)
    assert bob.organization == alice.organization
    assert (Message.objects.count(), Ticket.objects.count()) == (messages_before, tickets_before)
    by_portal = bobs_history["tickets"][0]
    bodies = list(by_portal.messages.order_by("pk").values_list("body", flat=True))
    assert bodies[0] == f"Hi {FORMER_NAME}, which model is it?"
    assert bodies[1] == f"The big one.\n-- \n{FORMER_NAME}"
    # The agent sees the thread, written by "Former user".
    page = Client()
    page.force_login(agent)
    html = page.get(reverse("tickets:detail", args=[by_portal.pk])).content.decode()
    assert FORMER_NAME in html
    assert "Brandt" not in html
    assert Attachment.objects.filter(ticket=by_portal).count() == 1  # files kept unless asked


def test_bob_is_signed_out_and_his_keys_stop_working(bobs_history, bob, alice):
    key = token_create(user=bob, name="second")[1]
    session_key = bobs_history["browser"].session.session_key

    user_erase(actor=alice, user=bob)

    assert end_sessions(bob.pk) == 1  # the task queued after commit
    assert not Session.objects.filter(session_key=session_key).exists()
    response = bobs_history["browser"].get(reverse("tickets:list"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))
    api = Client(HTTP_AUTHORIZATION=f"Token {key}")
    assert api.get("/api/v1/tickets/").status_code == 401
    assert not ApiToken.objects.filter(user=bob).exists()
    assert not TOTPDevice.objects.filter(user=bob).exists()
    bob.refresh_from_db()
    assert bob.support_pin == ""
    waiting = OutboundEmail.objects.get(recipient=bob, purpose=Purpose.PASSWORD_RESET)
    assert waiting.state == State.SKIPPED  # never sent to the erased address


def test_files_can_go_with_the_person(bobs_history, bob, alice, django_capture_on_commit_callbacks):
    attachment = Attachment.objects.get(uploaded_by=bob)
    key = attachment.file.name
    assert default_storage.exists(key)

    with django_capture_on_commit_callbacks(execute=True):
        entry = user_erase(actor=alice, user=bob, remove_files=True)

    assert not Attachment.objects.filter(uploaded_by=bob).exists()
    assert not default_storage.exists(key)
    assert entry.details["files_removed"] == 1


def test_every_erasure_is_audited_and_the_log_cannot_be_edited(
    bobs_history, bob, alice, support_admin
):
    entry = user_erase(actor=alice, user=bob)

    assert (entry.action, entry.actor, entry.subject_user_id) == ("user_erased", alice, bob.pk)
    assert entry.organization == bob.organization
    assert entry.details["api_tokens_deleted"] == 1
    assert entry.details["two_factor_devices_deleted"] == 1
    admin = Client()
    admin.force_login(support_admin)
    change = reverse("admin:privacy_auditentry_change", args=[entry.pk])
    assert admin.get(change).status_code == 200  # readable
    admin.post(change, {"action": "user_erased", "subject_user_id": 1})
    assert AuditEntry.objects.get().subject_user_id == bob.pk
    assert (
        admin.post(reverse("admin:privacy_auditentry_delete", args=[entry.pk])).status_code == 403
    )
    assert admin.get(reverse("admin:privacy_auditentry_add")).status_code == 403
    entry.details = {}
    with pytest.raises(ValueError, match="never changed"):
        entry.save()


def test_a_support_engineer_erased_leaves_the_history_nameless(
    support_admin, agent2, bob, make_ticket
):
    ticket = make_ticket(bob)
    services.ticket_assign(ticket=ticket, actor=support_admin, assignee=agent2)
    services.ticket_reply(ticket=ticket, author=agent2, body="On it.\nRobin Responder, Support")
    services.ticket_assign(ticket=ticket, actor=support_admin, assignee=None)

    user_erase(actor=support_admin, user=agent2)

    assert rows_mentioning("agent2@support.example", "Robin Responder", "Responder") == []
    assigned = TicketEvent.objects.filter(ticket=ticket, kind=TicketEvent.Kind.ASSIGNED)
    assert {(e.from_value, e.to_value) for e in assigned} == {("", FORMER_NAME), (FORMER_NAME, "")}


def test_an_erased_follower_stops_following_and_the_history_forgets_their_name(
    support_admin, agent, agent2, bob, make_ticket
):
    ticket = make_ticket(bob)
    services.ticket_follow(actor=agent, ticket=ticket, user=agent2)
    services.ticket_unfollow(actor=agent, ticket=ticket, user=agent2)
    services.ticket_follow(actor=agent, ticket=ticket, user=agent2)

    user_erase(actor=support_admin, user=agent2)

    assert not TicketFollower.objects.filter(user=agent2).exists()
    assert rows_mentioning("agent2@support.example", "Robin Responder", "Responder") == []
    changes = TicketEvent.objects.filter(ticket=ticket, kind=TicketEvent.Kind.FOLLOWERS)
    assert [(e.from_value, e.to_value) for e in changes] == [
        ("", FORMER_NAME),
        (FORMER_NAME, ""),
        ("", FORMER_NAME),
    ]


def test_the_erase_page_asks_for_the_email_and_names_the_rule(bob, alice, login):
    page = reverse("user_erase", args=[bob.pk])
    client = login(alice)
    assert client.get(page).status_code == 200

    wrong = client.post(page, {"confirm_email": "someone@else.example"})

    assert wrong.status_code == 400
    assert "This is not the user&#x27;s email address." in wrong.content.decode()
    bob.refresh_from_db()
    assert (bob.email, AuditEntry.objects.count()) == (OLD_EMAIL, 0)

    done = client.post(page, {"confirm_email": OLD_EMAIL.upper()})

    assert done.status_code == 302
    assert done["Location"] == reverse("organization")
    bob.refresh_from_db()
    assert bob.is_erased
    assert AuditEntry.objects.count() == 1
    assert client.get(page).status_code == 404  # nothing more to erase


@pytest.mark.parametrize(
    ("who", "whom"),
    [
        ("carol", "bob"),  # another organisation's admin
        ("bob", "alice"),  # a member, not an admin
        ("alice", "alice"),  # oneself
        ("alice", "agent"),  # a customer admin and support staff
        ("agent", "bob"),  # an agent, not a support admin
    ],
)
def test_who_may_not_erase_gets_404_and_changes_nothing(who, whom, request, login):
    actor, person = request.getfixturevalue(who), request.getfixturevalue(whom)
    client = login(actor)
    page = reverse("user_erase", args=[person.pk])

    assert client.get(page).status_code == 404
    assert client.post(page, {"confirm_email": person.email}).status_code == 404

    person.refresh_from_db()
    assert not person.is_erased
    assert not AuditEntry.objects.exists()


def test_a_support_admin_may_erase_anyone_from_the_admin(support_admin, carol, login):
    client = login(support_admin)
    user_page = client.get(reverse("admin:accounts_user_change", args=[carol.pk])).content.decode()
    page = reverse("user_erase", args=[carol.pk])
    assert page in user_page

    done = client.post(page, {"confirm_email": carol.email, "remove_files": "on"})

    assert done.status_code == 302
    carol.refresh_from_db()
    assert carol.is_erased


def test_the_portal_offers_erasing_others_only(alice, bob, login):
    html = login(alice).get(reverse("organization")).content.decode()
    assert reverse("user_erase", args=[bob.pk]) in html
    assert reverse("user_erase", args=[alice.pk]) not in html


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_twenty_erasures_at_once_erase_once(bob, alice, support_admin, make_ticket):
    make_ticket(bob, description="Bob Brandt here")
    actors = [alice, support_admin] * 10

    results = run_together(
        *[lambda actor=actor: user_erase(actor=actor, user=bob) for actor in actors]
    )

    done = [r for r in results if isinstance(r, AuditEntry)]
    refused = [r for r in results if isinstance(r, ValidationError)]
    assert (len(done), len(refused)) == (1, 19), results
    assert AuditEntry.objects.count() == 1
    assert User.objects.get(pk=bob.pk).full_name == FORMER_NAME


def test_what_quotes_bob_elsewhere_goes_too(bob, alice, carol, agent, make_ticket, globex):
    """A colleague's email copying him, a surname alone, a ticket from his
    former organisation, his export: nothing of it survives."""
    SupportAddress.objects.create(email=corpus.SUPPORT, priority=Priority.NORMAL)
    cc = EmailMessage()
    cc["From"], cc["To"], cc["Cc"] = alice.email, corpus.SUPPORT, f"{OLD_NAME} <{OLD_EMAIL}>"
    cc["Subject"] = "New laptop"
    cc["Message-ID"] = "<cc-1@mail.example>"
    cc.set_content("Please set up the laptop for Mr Brandt.\n", cte="base64")
    email_ingest(raw=cc.as_bytes())
    colleague = make_ticket(alice, subject="Onboarding", description="Mr Brandt starts Monday.")
    bob.organization = globex  # he moved: his Globex ticket stays his
    bob.save()
    old_org = make_ticket(carol, subject="Printer", description="Ask Bob Brandt")
    Ticket.objects.filter(pk=old_org.pk).update(requester=bob)
    bob.organization = alice.organization
    bob.save()
    export = export_request(actor=bob)
    assert export_build(export_id=export.pk) == "ready"
    export.refresh_from_db()
    zip_key = export.file.name

    with_commit = user_erase(actor=alice, user=bob)

    assert with_commit.details["exports_deleted"] == 1
    assert rows_mentioning(OLD_EMAIL, "Brandt") == []
    assert not search_tickets(Ticket.objects.all(), "Brandt", include_notes=True).exists()
    colleague.refresh_from_db()
    assert colleague.description == f"Mr {FORMER_NAME} starts Monday."
    assert DataExport.objects.get(pk=export.pk).state == "expired"
    assert zip_key


def test_names_match_whole_words_with_or_without_accents(alice, make_ticket):
    zoe = User.objects.create_user(
        "zoe@acme.example", full_name="Zoë Åberg", role="member", organization=alice.organization
    )
    ticket = make_ticket(
        alice,
        subject="Access",
        description=(
            "Zoe\u0308 Åberg and Zoe Aberg asked; jimzoe@acme.example and Zoëlla Åbergson did not."
        ),
    )

    user_erase(actor=alice, user=zoe)

    ticket.refresh_from_db()
    assert ticket.description == (
        f"{FORMER_NAME} and {FORMER_NAME} asked; jimzoe@acme.example and Zoëlla Åbergson did not."
    )


def test_an_agent_holding_active_tickets_is_not_erased_and_namesakes_keep_their_history(
    support_admin, agent, agent2, bob, make_ticket
):
    held = make_ticket(bob)
    services.ticket_assign(ticket=held, actor=support_admin, assignee=agent2)
    with pytest.raises(ValidationError, match="active tickets"):
        user_erase(actor=support_admin, user=agent2)

    namesake = User.objects.create_user(
        "other@support.example", full_name=agent2.full_name, role="agent"
    )
    theirs = make_ticket(bob, subject="Someone else's")
    services.ticket_assign(ticket=theirs, actor=support_admin, assignee=namesake)
    services.ticket_assign(ticket=held, actor=support_admin, assignee=None)

    user_erase(actor=support_admin, user=agent2)

    kept = TicketEvent.objects.get(ticket=theirs, kind=TicketEvent.Kind.ASSIGNED)
    assert kept.to_value == "Robin Responder"


def test_an_agent_removed_as_follower_or_assignee_is_forgotten_by_the_history(
    support_admin, agent, agent2, bob, make_ticket
):
    """No row links them to these tickets any more: the events record whom they
    are about, and their name goes from the history."""
    followed = make_ticket(bob, subject="Followed once")
    services.ticket_follow(actor=agent, ticket=followed, user=agent2)
    services.ticket_unfollow(actor=agent, ticket=followed, user=agent2)
    held = make_ticket(bob, subject="Held once")
    services.ticket_assign(ticket=held, actor=agent, assignee=agent2)
    services.ticket_assign(ticket=held, actor=agent, assignee=agent)

    user_erase(actor=support_admin, user=agent2)

    written = TicketEvent.objects.filter(ticket__in=[followed, held]).values_list(
        "from_value", "to_value"
    )
    assert agent2.full_name not in str(list(written))
    assert "Former user" in str(list(written))


@pytest.mark.django_db(transaction=True)
def test_erasure_is_not_cut_off_by_the_web_servers_statement_timeout(alice, bob):
    """The web server stops statements after 30 s; an erasure of a large
    organisation may take longer in the admin's request, and a cancelled
    statement would undo it all. Here a trigger makes the user's update take
    0.3 s under a 0.1 s session timeout: the erasure still completes, and the
    session's timeout is back once it has."""
    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL's statement timeout")
    with connection.cursor() as cursor:
        cursor.execute(
            "CREATE FUNCTION slow_user_update() RETURNS trigger LANGUAGE plpgsql AS "
            "$$ BEGIN PERFORM pg_sleep(0.3); RETURN NEW; END $$"
        )
        cursor.execute(
            "CREATE TRIGGER slow_user_update BEFORE UPDATE ON accounts_user "
            "FOR EACH ROW EXECUTE FUNCTION slow_user_update()"
        )
        cursor.execute("SET statement_timeout = '100ms'")
    try:
        user_erase(actor=alice, user=bob)

        with connection.cursor() as cursor:
            cursor.execute("SHOW statement_timeout")
            assert cursor.fetchone()[0] == "100ms"  # lifted for the erasure's transaction only
    finally:
        with connection.cursor() as cursor:
            cursor.execute("RESET statement_timeout")
            cursor.execute("DROP TRIGGER slow_user_update ON accounts_user")
            cursor.execute("DROP FUNCTION slow_user_update()")
    bob.refresh_from_db()
    assert bob.is_erased
