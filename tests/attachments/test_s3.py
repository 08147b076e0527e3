"""Attachments on S3-compatible storage, against a real S3 server on loopback (moto's)."""

import socket

import boto3
import pytest
from django.core.exceptions import ValidationError
from django.core.files.storage import storages
from django.urls import reverse
from moto.server import ThreadedMotoServer

from tests.attachments.files import REAL, upload
from tickets import services
from tickets.models import Attachment, Message

BUCKET = "helpdesk-test-attachments"


@pytest.fixture(scope="module")
def s3_endpoint():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    yield f"http://127.0.0.1:{port}"
    server.stop()


@pytest.fixture
def bucket(s3_endpoint, settings):
    client = boto3.client(
        "s3",
        endpoint_url=s3_endpoint,
        region_name="us-east-1",
        aws_access_key_id="test",
        aws_secret_access_key="test",
    )
    client.create_bucket(Bucket=BUCKET)
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "storages.backends.s3.S3Storage",
            "OPTIONS": {
                "bucket_name": BUCKET,
                "endpoint_url": s3_endpoint,
                "region_name": "us-east-1",
                "access_key": "test",
                "secret_key": "test",
                "default_acl": None,
                "file_overwrite": False,
            },
        },
    }
    storages._storages = {}
    yield client
    storages._storages = {}
    for item in client.list_objects_v2(Bucket=BUCKET).get("Contents", []):
        client.delete_object(Bucket=BUCKET, Key=item["Key"])
    client.delete_bucket(Bucket=BUCKET)


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
