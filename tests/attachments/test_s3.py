"""Attachments on S3-compatible storage, against a real S3 server on loopback (moto's)."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from tests.attachments.files import REAL, upload
from tests.helpers import S3_BUCKET as BUCKET
from tickets import services
from tickets.models import Attachment, Message


def keys(client) -> list[str]:
    return [item["Key"] for item in client.list_objects_v2(Bucket=BUCKET).get("Contents", [])]


def test_an_upload_lands_in_the_bucket_under_a_random_key_and_downloads_back(
    bucket, login, alice, make_ticket
):
    ticket = make_ticket(alice)

    services.ticket_reply(ticket=ticket, author=alice, body="logs", files=[upload("logs.zip")])

    attachment = Attachment.objects.get()
    assert keys(bucket) == [attachment.file.name]
    assert "logs.zip" not in attachment.file.name
    stored = bucket.get_object(Bucket=BUCKET, Key=attachment.file.name)["Body"].read()
    assert stored == REAL["logs.zip"]
    response = login(alice).get(reverse("tickets:attachment_download", args=[attachment.pk]))
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == REAL["logs.zip"]


def test_a_refused_file_leaves_no_object_in_the_bucket(bucket, alice, make_ticket):
    ticket = make_ticket(alice)

    with pytest.raises(ValidationError):
        services.ticket_reply(
            ticket=ticket,
            author=alice,
            body="x",
            files=[upload("logs.zip"), upload("fake.png", b"<html></html>")],
        )

    assert keys(bucket) == []
    assert Message.objects.count() == 0


def test_another_organisation_cannot_download_from_the_bucket(
    bucket, login, alice, carol, make_ticket
):
    ticket = make_ticket(alice, files=[upload("invoice.pdf")])
    attachment = Attachment.objects.get(ticket=ticket)

    response = login(carol).get(reverse("tickets:attachment_download", args=[attachment.pk]))

    assert response.status_code == 404
