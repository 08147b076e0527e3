"""Backup and restore with files in an S3 bucket (moto's real S3 server on loopback)."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command

from tests.helpers import S3_BUCKET as BUCKET
from tests.ops.backup_helpers import database_dropped, desk_rows, desk_seed, stored_bytes
from tickets.models import Attachment

pytestmark = pytest.mark.django_db(transaction=True)


def bucket_emptied(client) -> None:
    for item in client.list_objects_v2(Bucket=BUCKET).get("Contents", []):
        client.delete_object(Bucket=BUCKET, Key=item["Key"])


def keys(client) -> list[str]:
    return sorted(item["Key"] for item in client.list_objects_v2(Bucket=BUCKET).get("Contents", []))


def test_a_backup_restores_every_file_into_an_empty_bucket_and_database(
    bucket, alice, bob, carol, agent, make_ticket, tmp_path
):
    uploaded = desk_seed(alice=alice, bob=bob, carol=carol, agent=agent, make_ticket=make_ticket)
    before = desk_rows()
    call_command("backup", output=tmp_path / "desk.tar", stdout=io.StringIO())

    database_dropped()
    bucket_emptied(bucket)
    out = io.StringIO()
    call_command("restore", str(tmp_path / "desk.tar"), stdout=out)

    assert out.getvalue().endswith(
        ": 2 tickets, 4 messages, 6 attachments; 6 files written, 0 already in place.\n"
    )
    assert desk_rows() == before
    assert keys(bucket) == sorted(Attachment.objects.values_list("file", flat=True))
    assert stored_bytes() == uploaded
