"""`manage.py backup` and `restore`: the whole desk out while it runs, and back into an empty one.

These run on whichever database the suite runs on (SQLite by default,
PostgreSQL with DATABASE_URL), with files on local disk; tests/ops/
test_backup_s3.py does the same with files in an S3 bucket.
"""

from __future__ import annotations

import io
import json
import shutil
import tarfile

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection, connections

from ops.backup.services import backup_path
from ops.services import heartbeat_record
from tests.ops.backup_helpers import database_dropped, desk_rows, desk_seed, stored_bytes
from tickets.models import Attachment, Ticket

# Restores replace the database under the test: the rows must be committed.
pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def desk(media, alice, bob, carol, agent, make_ticket):
    return desk_seed(alice=alice, bob=bob, carol=carol, agent=agent, make_ticket=make_ticket)


def run(*args, **options) -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    call_command(*args, stdout=out, stderr=err, **options)
    return out.getvalue(), err.getvalue()


def test_a_backup_restores_into_an_empty_database_with_every_ticket_message_and_file(
    desk, media, tmp_path
):
    before = desk_rows()
    backup = tmp_path / "offsite" / "desk.tar"
    backup.parent.mkdir()
    out, err = run("backup", output=backup)
    assert out.startswith(f"Backup written to {backup} (")
    assert out.endswith(
        "): 2 tickets, 4 messages, 6 attachments, 6 stored files. Copy it off this machine.\n"
    )
    assert err == ""

    # The server is lost: no table, no file.
    database_dropped()
    shutil.rmtree(media)
    out, err = run("restore", str(backup))

    assert out.startswith(f"Restored {backup} (taken ")
    assert out.endswith(
        ": 2 tickets, 4 messages, 6 attachments; 6 files written, 0 already in place.\n"
    )
    assert err == ""
    assert desk_rows() == before
    assert stored_bytes() == desk
    assert sorted(path.name for path in backup.parent.iterdir()) == ["desk.tar"]


def test_the_backup_is_one_private_file_with_a_manifest_of_every_file(desk, tmp_path):
    _out, _ = run("backup", output=tmp_path)

    (backup,) = tmp_path.glob("helpdesk-*.tar")
    assert backup.stat().st_mode & 0o777 == 0o600
    with tarfile.open(backup) as archive:
        manifest = json.load(archive.extractfile("manifest.json"))
        members = archive.getnames()
    attachments = Attachment.objects.order_by("file")
    assert members == [
        "database.sqlite3" if connection.vendor == "sqlite" else "database.pgdump",
        *(f"media/{a.file.name}" for a in attachments),
        "manifest.json",
    ]
    assert manifest["files"] == [
        {"name": a.file.name, "size": a.size, "sha256": a.sha256} for a in attachments
    ]
    assert manifest["counts"] == {
        "accounts.Organization": 2,
        "accounts.User": 4,
        "tickets.Ticket": 2,
        "tickets.Message": 4,
        "tickets.Attachment": 6,
    }
    assert manifest["missing_files"] == []


def test_a_backup_does_not_wait_for_a_writer_and_holds_only_what_was_committed(
    desk, media, tmp_path
):
    ticket = Ticket.objects.get(subject="Server is down")
    writer = connections.create_connection("default")
    writer.set_autocommit(False)
    try:
        with writer.cursor() as cursor:
            cursor.execute(
                "UPDATE tickets_ticket SET subject = %s WHERE id = %s", ["Half written", ticket.pk]
            )
        run("backup", output=tmp_path / "desk.tar")  # while the writer holds its lock
        writer.commit()
    finally:
        writer.close()
    Ticket.objects.update(subject="Changed after the backup")

    run("restore", str(tmp_path / "desk.tar"), force=True)

    assert Ticket.objects.get(pk=ticket.pk).subject == "Server is down"


def test_restore_refuses_a_database_that_holds_data_and_changes_nothing(
    desk, media, tmp_path, alice, make_ticket
):
    run("backup", output=tmp_path / "desk.tar")
    later = make_ticket(alice, subject="Opened after the backup")
    rows = desk_rows()

    with pytest.raises(CommandError) as refused:
        run("restore", str(tmp_path / "desk.tar"))

    assert str(refused.value) == (
        "Not restoring: the database already holds data (2 organizations, 4 users, 3 tickets, "
        "4 messages, 6 attachments and rows in 4 more tables). Add --force to replace it with "
        "the backup."
    )
    assert desk_rows() == rows
    assert Ticket.objects.filter(pk=later.pk).exists()


def test_restore_with_force_replaces_what_the_database_holds(
    desk, media, tmp_path, alice, make_ticket
):
    before = desk_rows()
    run("backup", output=tmp_path / "desk.tar")
    make_ticket(alice, subject="Opened after the backup")

    run("restore", str(tmp_path / "desk.tar"), force=True)

    assert desk_rows() == before
    assert stored_bytes() == desk


def test_a_just_migrated_database_counts_as_empty(desk, media, tmp_path):
    before = desk_rows()
    run("backup", output=tmp_path / "desk.tar")
    call_command("flush", interactive=False, verbosity=0)  # tables, no rows: a new server
    call_command("migrate", verbosity=0)  # puts back content types and permissions
    heartbeat_record()  # a worker already reports into the new database

    out, _ = run("restore", str(tmp_path / "desk.tar"))

    assert out.endswith("0 files written, 6 already in place.\n")  # the files never left
    assert desk_rows() == before


def test_restoring_a_backup_of_an_older_release_says_to_migrate(desk, media, tmp_path):
    with connection.cursor() as cursor:
        cursor.execute("SELECT id, app, name, applied FROM django_migrations ORDER BY id DESC")
        last = cursor.fetchone()
        cursor.execute("DELETE FROM django_migrations WHERE id = %s", [last[0]])
    try:
        run("backup", output=tmp_path / "desk.tar")

        out, _ = run("restore", str(tmp_path / "desk.tar"), force=True)
    finally:
        with connection.cursor() as cursor:
            cursor.execute(
                "INSERT INTO django_migrations (id, app, name, applied) VALUES (%s, %s, %s, %s)",
                list(last),
            )

    assert out.splitlines()[-1] == (
        "The backup predates this release (1 migration to apply): "
        "run `manage.py migrate` before starting the site."
    )


def test_a_damaged_backup_changes_nothing(desk, media, tmp_path):
    backup = tmp_path / "desk.tar"
    run("backup", output=backup)
    call_command("flush", interactive=False, verbosity=0)
    shutil.rmtree(media)
    with tarfile.open(backup) as archive:
        member = next(m for m in archive.getmembers() if m.name.startswith("media/"))
    data = bytearray(backup.read_bytes())
    data[member.offset_data] ^= 0xFF  # one flipped bit in the first stored file
    backup.write_bytes(bytes(data))

    with pytest.raises(CommandError) as damaged:
        run("restore", str(backup))

    assert str(damaged.value) == (
        f"{backup} is damaged: {member.name} does not match its checksum."
    )
    assert Ticket.objects.count() == 0
    assert not media.exists()


def test_a_file_lost_before_the_backup_is_named_and_the_rest_is_kept(desk, media, tmp_path):
    lost = Attachment.objects.get(name="notes.txt")
    (media / lost.file.name).unlink()

    out, err = run("backup", output=tmp_path / "desk.tar")

    assert "6 attachments, 5 stored files" in out
    assert err == (
        "Warning: 1 files the database refers to are missing from storage and are not in "
        f"the backup: {lost.file.name}\n"
    )


def test_restore_names_a_file_that_is_no_backup(db, tmp_path):
    not_a_backup = tmp_path / "notes.tar"
    not_a_backup.write_text("hello")

    with pytest.raises(CommandError) as refused:
        run("restore", str(not_a_backup))

    assert str(refused.value) == f"{not_a_backup} is not a Helpdesk backup (not a tar file)."


def test_backups_go_under_var_backups_by_default(settings):
    assert backup_path(None).parent == settings.VAR_DIR / "backups"
