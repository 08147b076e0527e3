"""Attachments: what is accepted, what is refused, and that a refusal stores nothing."""

import hashlib

import pytest
from django.core.exceptions import ValidationError
from django.core.files.storage import FileSystemStorage, storages
from django.urls import reverse

from tests.attachments.files import CONTENT_TYPES, REAL, upload
from tests.helpers import stored_objects
from tickets import services
from tickets.models import Attachment, Message, Ticket


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.mark.parametrize("name", sorted(REAL))
def test_every_allowed_type_is_accepted_with_its_content_type_size_and_checksum(
    name, alice, agent, make_ticket
):
    ticket = make_ticket(alice)

    reply = services.ticket_reply(
        ticket=ticket, author=alice, body="See attached", files=[upload(name)]
    )

    attachment = Attachment.objects.get()
    extension = name.rpartition(".")[2]
    assert attachment.message == reply.message
    assert (attachment.name, attachment.content_type, attachment.size) == (
        name,
        CONTENT_TYPES[extension],
        len(REAL[name]),
    )
    assert attachment.sha256 == hashlib.sha256(REAL[name]).hexdigest()
    assert name not in attachment.file.name  # a random key, never the user's name
    assert attachment.file.read() == REAL[name]


def test_files_come_with_a_new_ticket_a_reply_a_reopening_and_an_internal_note(
    alice, agent, make_ticket
):
    ticket = make_ticket(alice, files=[upload("screenshot.png"), upload("logs.zip")])
    services.ticket_reply(
        ticket=ticket, author=agent, body="note", internal=True, files=[upload("invoice.pdf")]
    )
    services.ticket_close(ticket=ticket, actor=alice)
    services.ticket_reopen(ticket=ticket, actor=alice, body="again", files=[upload("notes.txt")])

    rows = {a.name: (a.message_id is None, a.is_internal) for a in Attachment.objects.all()}
    assert rows == {
        "screenshot.png": (True, False),  # the original request has no message row
        "logs.zip": (True, False),
        "invoice.pdf": (False, True),  # a file of an internal note is internal too
        "notes.txt": (False, False),
    }
    assert Attachment.objects.filter(ticket=ticket).count() == 4


REFUSALS = [
    (
        "html-named.png",
        b"<!DOCTYPE html><html><script>alert(1)</script></html>",
        "is not a real .png file",
    ),
    (
        "vector.png",
        b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg"><script/></svg>',
        "is not a real .png file",
    ),
    ("setup.pdf", b"MZ\x90\x00" + b"\x00" * 200, "is not a real .pdf file"),
    ("elf.zip", b"\x7fELF" + b"\x00" * 200, "is not a real .zip file"),
    ("fake.docx", REAL["logs.zip"], "is not a real .docx file"),
    ("binary.txt", b"abc\x00def", "is not a real .txt file"),
    ("empty.pdf", b"", "“empty.pdf” is empty."),
    ("virus.exe", b"MZ" + b"\x00" * 100, "is a .exe file; allowed types are"),
    ("noextension", b"hello", "is a file without an extension"),
]


@pytest.mark.parametrize(("name", "content", "message"), REFUSALS)
def test_a_refused_file_stores_nothing_of_the_message(name, content, message, alice, make_ticket):
    ticket = make_ticket(alice)
    before = stored_objects()

    with pytest.raises(ValidationError) as refused:
        services.ticket_reply(
            ticket=ticket,
            author=alice,
            body="With files",
            files=[upload("screenshot.png"), upload(name, content)],
        )

    assert message in refused.value.message_dict["files"][0]
    assert name.split(".")[0] in refused.value.message_dict["files"][0]
    assert Message.objects.count() == 0
    assert Attachment.objects.count() == 0
    assert stored_objects() == before


def test_an_oversize_file_is_refused_naming_the_limit(alice, make_ticket, settings):
    ticket = make_ticket(alice)
    before = stored_objects()
    big = b"%PDF-1.4\n" + b"0" * (21 * 1024 * 1024)

    with pytest.raises(ValidationError) as refused:
        services.ticket_reply(ticket=ticket, author=alice, body="x", files=[upload("big.pdf", big)])

    assert refused.value.message_dict["files"] == [
        "“big.pdf” is 21 MB; .pdf files can be at most 20 MB."
    ]
    assert stored_objects() == before
    assert Message.objects.count() == 0


def test_jpg_and_png_have_their_own_lower_limit(alice, make_ticket):
    ticket = make_ticket(alice)
    eleven_mb = REAL["screenshot.png"] + b"\x00" * (11 * 1024 * 1024)

    with pytest.raises(ValidationError) as refused:
        services.ticket_reply(
            ticket=ticket, author=alice, body="x", files=[upload("huge.png", eleven_mb)]
        )

    assert ".png files can be at most 10 MB" in refused.value.message_dict["files"][0]
    assert stored_objects() == set()


def test_an_eleventh_file_is_refused(alice, make_ticket):
    ticket = make_ticket(alice)

    with pytest.raises(ValidationError) as refused:
        services.ticket_reply(
            ticket=ticket, author=alice, body="x", files=[upload("notes.txt") for _ in range(11)]
        )

    assert refused.value.message_dict["files"] == [
        "At most 10 files can be attached to one message; you chose 11."
    ]
    assert stored_objects() == set()
    assert Message.objects.count() == 0


def test_a_refused_file_opens_no_ticket(alice, category):
    with pytest.raises(ValidationError):
        services.ticket_open(
            actor=alice,
            category=category,
            subject="S",
            description="D",
            files=[upload("screenshot.png"), upload("x.png", b"<html></html>")],
        )

    assert Ticket.objects.count() == 0
    assert stored_objects() == set()


class OneFileStorage(FileSystemStorage):
    """Storage that takes one file and then fails, as a full disk or a broken bucket would."""

    saves = 0

    def _save(self, name, content):
        OneFileStorage.saves += 1
        if OneFileStorage.saves > 1:
            raise OSError("No space left on device")
        return super()._save(name, content)


@pytest.fixture
def storage_fails_on_second_file(settings):
    OneFileStorage.saves = 0
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "tests.attachments.test_uploads.OneFileStorage",
            "OPTIONS": {"location": str(settings.MEDIA_ROOT)},
        },
    }
    storages._storages = {}  # let the new setting take effect
    yield
    storages._storages = {}


def test_files_written_before_a_failure_are_removed(
    alice, make_ticket, storage_fails_on_second_file
):
    ticket = make_ticket(alice)

    with pytest.raises(OSError, match="No space left on device"):
        services.ticket_reply(
            ticket=ticket,
            author=alice,
            body="two files",
            files=[upload("invoice.pdf"), upload("logs.zip")],
        )

    assert OneFileStorage.saves == 2  # the first file was written...
    assert stored_objects() == set()  # ...and removed again
    assert Message.objects.count() == 0
    assert Attachment.objects.count() == 0


# --- Through the pages ------------------------------------------------------------------------


def test_the_forms_show_the_limits_before_anyone_uploads(login, alice, make_ticket, category):
    ticket = make_ticket(alice)
    client = login(alice)

    for url in [reverse("tickets:create"), ticket.get_absolute_url()]:
        html = client.get(url).content.decode()
        assert "Up to 10 files, 20 MB each (10 MB for jpg and png)." in html
        assert 'type="file" name="files"' in html
        assert "multiple" in html


def test_a_customer_replies_with_files_through_the_page(login, alice, make_ticket):
    ticket = make_ticket(alice)

    login(alice).post(
        reverse("tickets:reply", args=[ticket.pk]),
        {"body": "Logs attached", "files": [upload("logs.zip"), upload("screenshot.png")]},
    )

    assert sorted(Attachment.objects.values_list("name", flat=True)) == [
        "logs.zip",
        "screenshot.png",
    ]


def test_a_refused_upload_through_the_page_names_the_file_and_keeps_nothing(
    login, alice, make_ticket
):
    ticket = make_ticket(alice)

    response = login(alice).post(
        reverse("tickets:reply", args=[ticket.pk]),
        {"body": "Logs attached", "files": [upload("evil.png", b"<html><script></script></html>")]},
    )

    assert response.status_code == 400
    assert "“evil.png” is not a real .png file" in response.content.decode()
    assert Message.objects.count() == 0
    assert stored_objects() == set()
