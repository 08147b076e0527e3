"""Exports: exactly the organisation's (or the person's) data, for whoever asked, for a while."""

from __future__ import annotations

import io
import json
import re
import zipfile
from datetime import timedelta

import pytest
from django.core.files.storage import default_storage
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from outbox.models import OutboundEmail, Purpose
from privacy.export import export_build, export_request, exports_sweep
from privacy.models import AuditEntry, DataExport
from tests.attachments.files import REAL, upload
from tests.concurrency import run_together
from tickets import services
from tickets.models import Ticket


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def desk(alice, bob, carol, agent, make_ticket):
    """Acme's tickets (one with an internal note and an internal file) and one of Globex."""
    acme_ticket = make_ticket(
        bob,
        subject="Printer jams",
        description="Paper everywhere",
        files=[upload("screenshot.png")],
    )
    services.ticket_reply(ticket=acme_ticket, author=agent, body="Try the blue tray.")
    services.ticket_reply(
        ticket=acme_ticket,
        author=agent,
        body="SECRET internal: customer is on the old plan",
        internal=True,
        files=[upload("notes.txt", b"internal only")],
    )
    alices = make_ticket(alice, subject="Invoice question")
    globex = make_ticket(carol, subject="Globex reactor leak")
    return {"acme": acme_ticket, "alices": alices, "globex": globex}


def build(export: DataExport) -> zipfile.ZipFile:
    assert export_build(export_id=export.pk) == "ready"
    export.refresh_from_db()
    with default_storage.open(export.file.name, "rb") as stored:
        return zipfile.ZipFile(io.BytesIO(stored.read()))


def everything(archive: zipfile.ZipFile) -> str:
    return "\n".join(archive.read(name).decode("utf-8", "replace") for name in archive.namelist())


def tickets_in(archive: zipfile.ZipFile) -> list[dict]:
    return [json.loads(line) for line in archive.read("tickets.jsonl").decode().splitlines()]


def emailed_link(user) -> str:
    email = OutboundEmail.objects.filter(recipient=user, purpose=Purpose.DATA_EXPORT).get()
    return re.search(r"https?://\S+", email.body).group(0)


def test_an_organisation_export_holds_its_data_and_nothing_else(desk, alice, bob):
    export = export_request(actor=alice, organization=alice.organization)
    archive = build(export)

    tickets = tickets_in(archive)
    assert sorted(t["subject"] for t in tickets) == ["Invoice question", "Printer jams"]
    printer = next(t for t in tickets if t["subject"] == "Printer jams")
    assert [m["body"] for m in printer["messages"]] == ["Try the blue tray."]
    assert printer["requester"] == {"id": bob.pk, "name": bob.full_name, "email": bob.email}
    (path,) = printer["files"]
    assert archive.read(path) == REAL["screenshot.png"]
    text = everything(archive)
    assert "Globex" not in text
    assert "SECRET" not in text
    assert "internal only" not in text
    assert "carol@globex.example" not in text
    users = json.loads(archive.read("users.json"))
    assert {u["email"] for u in users} == {"alice@acme.example", "bob@acme.example"}
    entry = AuditEntry.objects.get(action="data_exported")
    assert (entry.actor, entry.organization) == (alice, alice.organization)
    assert entry.details["tickets"] == 2


def test_a_personal_export_holds_the_persons_data(desk, bob):
    archive = build(export_request(actor=bob))

    profile = json.loads(archive.read("profile.json"))
    assert (profile["email"], profile["name"]) == (bob.email, bob.full_name)
    assert [t["subject"] for t in tickets_in(archive)] == ["Printer jams"]
    text = everything(archive)
    assert "Invoice question" not in text  # Alice's ticket, though the same organisation
    assert "SECRET" not in text


def test_the_emailed_link_downloads_for_the_requester_only(desk, alice, bob, carol, login):
    build(export_request(actor=alice, organization=alice.organization))
    link = emailed_link(alice)

    response = login(alice).get(link)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/zip"
    archive = zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content)))
    assert "tickets.jsonl" in archive.namelist()

    for other in (bob, carol):
        stranger = Client()
        stranger.force_login(other)
        refused = stranger.get(link)
        assert refused.status_code == 404
        assert b"PK" not in refused.content[:2]
    tampered = link.replace("/download/", "/download/x")
    assert login(alice).get(tampered).status_code == 404
    anonymous = Client().get(link)
    assert anonymous.status_code == 302  # sign in first


def test_an_expired_export_is_gone_and_its_file_deleted(
    desk, alice, login, django_capture_on_commit_callbacks
):
    export = export_request(actor=alice, organization=alice.organization)
    build(export)
    link = emailed_link(alice)
    key = export.file.name
    DataExport.objects.filter(pk=export.pk).update(expires_at=timezone.now() - timedelta(minutes=1))

    gone = login(alice).get(link)
    assert gone.status_code == 404
    assert "expired" in gone.content.decode()

    with django_capture_on_commit_callbacks(execute=True):
        exports_sweep()
    export.refresh_from_db()
    assert export.state == "expired"
    assert not default_storage.exists(key)


def test_who_may_ask_for_which_export(desk, alice, bob, carol, support_admin, login):
    exports = reverse("exports")
    # A member asking for the organisation's export gets 404 and nothing is made.
    assert login(bob).post(exports, {"scope": "organization"}).status_code == 404
    assert not DataExport.objects.exists()
    # A customer admin naming another organisation still exports only their own.
    login(carol).post(exports, {"scope": "organization", "organization": alice.organization.pk})
    assert DataExport.objects.get().organization == carol.organization
    # Support admins export any organisation.
    page = login(support_admin).get(
        exports, {"scope": "organization", "organization": alice.organization.pk}
    )
    assert "Export Acme's data" in page.content.decode()
    login(support_admin).post(
        exports, {"scope": "organization", "organization": alice.organization.pk}
    )
    assert DataExport.objects.filter(requested_by=support_admin).get().organization == (
        alice.organization
    )


def test_asking_twice_while_one_is_prepared_makes_one(alice):
    first = export_request(actor=alice, organization=alice.organization)
    again = export_request(actor=alice, organization=alice.organization)
    assert first == again


def test_a_duplicated_task_builds_once_and_a_dead_build_is_taken_over(desk, alice):
    export = export_request(actor=alice, organization=alice.organization)
    DataExport.objects.filter(pk=export.pk).update(
        state="running", claimed_at=timezone.now() - timedelta(minutes=5)
    )
    assert export_build(export_id=export.pk) == "skipped"  # someone else is at it

    DataExport.objects.filter(pk=export.pk).update(claimed_at=timezone.now() - timedelta(hours=2))
    assert export_build(export_id=export.pk) == "ready"  # that worker died
    assert export_build(export_id=export.pk) == "skipped"
    assert AuditEntry.objects.count() == 1
    assert OutboundEmail.objects.filter(purpose=Purpose.DATA_EXPORT).count() == 1


def test_the_exports_page_lists_mine_in_a_fixed_number_of_queries(
    desk, alice, login, django_assert_max_num_queries
):
    client = login(alice)
    client.get(reverse("exports"))
    for _ in range(3):
        build(export_request(actor=alice, organization=alice.organization))
    with django_assert_max_num_queries(12):
        page = client.get(reverse("exports"))
    assert page.content.decode().count(">Download</a>") == 3


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_twenty_builds_at_once_build_once(desk, alice):
    export = export_request(actor=alice, organization=alice.organization)

    results = run_together(*[lambda: export_build(export_id=export.pk) for _ in range(20)])

    assert sorted(results, key=str).count("ready") == 1, results
    assert AuditEntry.objects.count() == 1
    assert OutboundEmail.objects.filter(purpose=Purpose.DATA_EXPORT).count() == 1


def test_a_demoted_admin_can_no_longer_download_the_organisations_export(desk, alice, bob, login):
    build(export_request(actor=alice, organization=alice.organization))
    link = emailed_link(alice)
    bob.role = "admin"  # the organisation keeps an admin
    bob.save()
    alice.role = "member"
    alice.save()

    assert login(alice).get(link).status_code == 404


def test_a_download_is_audited(desk, alice, login):
    build(export_request(actor=alice, organization=alice.organization))

    login(alice).get(emailed_link(alice))

    assert AuditEntry.objects.filter(action="export_downloaded", actor=alice).count() == 1


def test_a_file_named_with_symbols_only_is_exported_under_its_number(alice, make_ticket):
    ticket = make_ticket(alice, files=[upload("★.png", REAL["screenshot.png"])])

    archive = build(export_request(actor=alice, organization=alice.organization))

    (path,) = tickets_in(archive)[0]["files"]
    assert path.startswith(f"files/{ticket.pk}/")
    assert archive.read(path) == REAL["screenshot.png"]


def test_a_personal_export_leaves_out_the_tickets_of_an_organisation_they_left(
    bob, carol, make_ticket
):
    old = make_ticket(carol, subject="Globex printer")
    Ticket.objects.filter(pk=old.pk).update(requester=bob)
    make_ticket(bob, subject="Acme printer")

    archive = build(export_request(actor=bob))

    assert [t["subject"] for t in tickets_in(archive)] == ["Acme printer"]


def test_a_build_that_was_taken_over_leaves_no_second_zip(desk, alice, monkeypatch):
    export = export_request(actor=alice, organization=alice.organization)
    from privacy import export as module

    real_write = module._write_organization

    def slow_then_taken_over(archive, organization, counts):
        real_write(archive, organization, counts)
        # Meanwhile the sweeper judged this build dead and another took it.
        DataExport.objects.filter(pk=export.pk).update(claimed_at=timezone.now())

    monkeypatch.setattr(module, "_write_organization", slow_then_taken_over)
    assert export_build(export_id=export.pk) == "superseded"
    assert not AuditEntry.objects.exists()
    assert not OutboundEmail.objects.filter(purpose=Purpose.DATA_EXPORT).exists()
