"""Files judged deeper: hostile files are refused naming the rule, real files are all accepted.

The corpora are in tests/attachments/corpus.py. Every hostile file goes through
the portal's new-ticket page, as an attacker would send it; every real file
through ``check_files`` one by one, and all of them together through the page.
"""

from __future__ import annotations

import html
import os
import stat

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from tests.attachments import corpus
from tests.attachments.corpus import HOSTILE, LEGITIMATE, built
from tests.attachments.files import CONTENT_TYPES
from tests.concurrency import run_together
from tests.helpers import stored_objects
from tickets import services
from tickets.attachments import inspect_pdf
from tickets.attachments.validation import check_files
from tickets.models import Attachment, Message, Priority, Ticket

MB = 1024 * 1024


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def upload(name: str, content: bytes | None = None) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, built(name) if content is None else content)


def new_ticket(client, category, files: list[SimpleUploadedFile]):
    return client.post(
        reverse("tickets:create"),
        {
            "category": category.slug,
            "subject": "Files attached",
            "description": "See the files.",
            "priority": Priority.NORMAL,
            "files": files,
        },
    )


def refusal(name: str, content: bytes) -> str:
    with pytest.raises(ValidationError) as refused:
        check_files([SimpleUploadedFile(name, content)])
    return refused.value.message_dict["files"][0]


# --- The corpora ------------------------------------------------------------------------------


def test_the_corpora_are_large_enough_and_named_once():
    names = [hostile.name for hostile in HOSTILE]
    assert len(names) >= 40
    assert len(LEGITIMATE) >= 40
    assert len(set(names)) == len(names)


@pytest.mark.parametrize("hostile", HOSTILE, ids=lambda hostile: hostile.name)
def test_a_hostile_file_sent_with_a_new_ticket_is_refused_by_name_and_rule_and_nothing_kept(
    hostile, login, alice, category
):
    response = new_ticket(login(alice), category, [upload(hostile.name)])

    page = html.unescape(response.content.decode())
    assert response.status_code == 400
    assert f"“{hostile.name}”" in page
    assert hostile.rule in page
    assert Ticket.objects.count() == 0
    assert Attachment.objects.count() == 0
    assert stored_objects() == set()


@pytest.mark.parametrize("name", sorted(LEGITIMATE))
def test_a_real_file_is_accepted(name):
    content = built(name)

    [checked] = check_files([SimpleUploadedFile(name, content)])

    assert (checked.name, checked.size) == (name, len(content))
    assert checked.content_type == CONTENT_TYPES[name.rpartition(".")[2]]


def test_all_real_files_are_stored_through_the_page_byte_for_byte(login, alice, category):
    client = login(alice)
    names = sorted(LEGITIMATE)

    for start in range(0, len(names), 10):
        response = new_ticket(
            client, category, [upload(name) for name in names[start : start + 10]]
        )
        assert response.status_code == 302, html.unescape(response.content.decode())[:2000]

    stored = {attachment.name: attachment for attachment in Attachment.objects.all()}
    assert sorted(stored) == names
    for name, attachment in stored.items():
        with attachment.file.open("rb") as handle:
            assert handle.read() == built(name), name


def test_one_hostile_file_among_real_ones_refuses_the_whole_message(login, alice, make_ticket):
    ticket = make_ticket(alice)
    files = [upload(name) for name in ("photo.jpg", "logs.zip", "powershell.txt")]

    response = login(alice).post(
        reverse("tickets:reply", args=[ticket.pk]),
        {"body": "Logs attached", "files": [*files, upload("bomb-1gib.zip")]},
    )

    assert response.status_code == 400
    assert "“bomb-1gib.zip” would unpack to 1024 MB" in html.unescape(response.content.decode())
    assert Message.objects.count() == 0
    assert Attachment.objects.count() == 0
    assert stored_objects() == set()


# --- Through the API --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "message"),
    [
        (
            "gifar.gif",
            "“gifar.gif” has 154 bytes of other data after the end of the image; "
            "an image must be only an image.",
        ),
        (
            "up.tar",
            "“up.tar” contains “../../.bashrc”, which points outside the archive (“..”); "
            "it is not accepted.",
        ),
        (
            "open-action.pdf",
            "“open-action.pdf” contains JavaScript; PDFs with scripts are not accepted.",
        ),
    ],
)
def test_a_hostile_file_sent_to_the_api_is_refused_and_nothing_kept(
    name, message, api, alice, make_ticket
):
    ticket = make_ticket(alice)

    response = api(alice).post(
        f"/api/v1/tickets/{ticket.pk}/messages/",
        {"body": "Logs attached", "files": [upload(name)]},
        format="multipart",
    )

    assert response.status_code == 400
    assert response.json() == {"files": [message]}
    assert Message.objects.count() == 0
    assert Attachment.objects.count() == 0
    assert stored_objects() == set()


def test_a_powershell_text_file_is_accepted_by_the_api(api, alice, category):
    response = api(alice).post(
        "/api/v1/tickets/",
        {
            "category": category.slug,
            "subject": "Services",
            "description": "Output attached.",
            "files": [upload("powershell.txt")],
        },
        format="multipart",
    )

    assert response.status_code == 201
    assert Attachment.objects.get().file.read() == built("powershell.txt")


# --- Rules one by one -------------------------------------------------------------------------


def test_utf16_text_needs_its_byte_order_mark():
    text = "PS C:\\> Get-Service\r\n"

    assert check_files([SimpleUploadedFile("out.txt", text.encode("utf-16"))])
    assert refusal("out.txt", text.encode("utf-16-le")) == (
        "“out.txt” is not a real .txt file; its content must match its extension."
    )


def test_the_pixel_limit_is_a_setting(settings):
    settings.HELPDESK_ATTACHMENT_MAX_PIXELS = 1_000_000

    assert refusal("wide.png", corpus.png_of_zeros(2000, 600)) == (
        "“wide.png” is 2000 × 600 pixels (1.2 megapixels); images can be at most 1 megapixels."
    )
    assert check_files([SimpleUploadedFile("fits.png", corpus.png_of_zeros(1000, 1000))])


def test_the_archive_limits_are_settings(settings):
    settings.HELPDESK_ATTACHMENT_ARCHIVE_MAX_ENTRIES = 2
    settings.HELPDESK_ATTACHMENT_ARCHIVE_MAX_UNPACKED_BYTES = 10 * MB
    settings.HELPDESK_ATTACHMENT_ARCHIVE_MAX_RATIO = 2000

    assert refusal("three.zip", corpus.zip_of_many(3)) == (
        "“three.zip” has more than 2 entries; archives can have at most 2."
    )
    assert refusal("three.tar", corpus.tar_of_many(3)) == (
        "“three.tar” has more than 2 entries; archives can have at most 2."
    )
    assert refusal("big.zip", corpus.zip_bomb(12)) == (
        "“big.zip” would unpack to 12 MB; archives can unpack to at most 10 MB."
    )
    settings.HELPDESK_ATTACHMENT_ARCHIVE_MAX_UNPACKED_BYTES = 500 * MB
    assert check_files([SimpleUploadedFile("ratio.zip", corpus.zip_bomb(300))])


def test_archives_inside_archives_are_counted_not_opened(settings):
    settings.HELPDESK_ATTACHMENT_ARCHIVE_MAX_ENTRIES = 2
    inner = corpus.zip_bomb(1024)  # a bomb inside is one entry of 1 MB

    assert check_files(
        [SimpleUploadedFile("outer.zip", corpus.zip_of({"inner.zip": inner, "a.txt": b"a"}))]
    )


def test_a_pdf_with_too_many_objects_is_refused(monkeypatch):
    monkeypatch.setattr(inspect_pdf, "MAX_OBJECTS", 4)  # the bound, made small

    assert refusal("many.pdf", corpus.pdf_of(corpus.CATALOG)) == (
        "“many.pdf” is too complex to check (more than 4 objects)."
    )


def test_a_pdf_that_takes_too_long_to_read_is_refused(monkeypatch):
    monkeypatch.setattr(inspect_pdf, "SECONDS", 0)  # the time budget, spent before it starts

    assert refusal("slow.pdf", corpus.pdf_of(corpus.CATALOG)) == (
        "“slow.pdf” is too complex to check (reading it took too long)."
    )


# --- Stored files -----------------------------------------------------------------------------


def test_stored_files_are_readable_by_owner_and_group_only(alice, make_ticket, media):
    make_ticket(alice, files=[upload("photo.jpg")])

    path = Attachment.objects.get().file.path
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o640
    assert stat.S_IMODE(os.stat(os.path.dirname(path)).st_mode) == 0o750


# --- Quotas -----------------------------------------------------------------------------------


@pytest.fixture
def small_quotas(settings):
    settings.HELPDESK_ATTACHMENT_QUOTA_ORG_BYTES = 1 * MB
    settings.HELPDESK_ATTACHMENT_QUOTA_USER_BYTES = 0


def text_of(size: int) -> bytes:
    return (b"2026-11-22 error: upstream timed out\n" * (size // 37 + 1))[:size]


def test_an_upload_past_the_organisations_quota_is_refused_and_nothing_kept(
    small_quotas, alice, bob, make_ticket
):
    ticket = make_ticket(bob, files=[upload("used.txt", text_of(700 * 1024))])
    before = stored_objects()

    with pytest.raises(ValidationError) as refused:
        services.ticket_reply(
            ticket=ticket,
            author=alice,
            body="more",
            files=[upload("more.txt", text_of(400 * 1024))],
        )

    assert refused.value.message_dict["files"] == [
        "“more.txt” (400 KB) would take your organisation past its 1 MB of attachments; "
        "700 KB are used."
    ]
    assert Attachment.objects.count() == 1
    assert Message.objects.count() == 0
    assert stored_objects() == before


def test_support_is_told_which_organisation_is_full(small_quotas, alice, agent, make_ticket):
    ticket = make_ticket(alice, files=[upload("used.txt", text_of(MB))])

    with pytest.raises(ValidationError) as refused:
        services.ticket_reply(
            ticket=ticket, author=agent, body="x", files=[upload("fix.txt", b"ok\n")]
        )

    assert refused.value.message_dict["files"] == [
        "“fix.txt” (1 KB) would take Acme past its 1 MB of attachments; 1 MB are used."
    ]


def test_another_organisation_is_not_counted(small_quotas, alice, carol, make_ticket):
    make_ticket(alice, files=[upload("used.txt", text_of(MB))])

    make_ticket(carol, files=[upload("globex.txt", text_of(MB))])

    assert Attachment.objects.filter(organization__name="Globex").count() == 1


def test_an_upload_past_the_users_quota_is_refused_through_the_page(
    settings, login, alice, category
):
    settings.HELPDESK_ATTACHMENT_QUOTA_USER_BYTES = 2 * MB
    client = login(alice)
    assert (
        new_ticket(
            client, category, [upload("a.txt", text_of(MB)), upload("b.txt", text_of(MB))]
        ).status_code
        == 302
    )

    response = new_ticket(
        client, category, [upload("c.txt", text_of(200 * 1024)), upload("d.csv", b"a,b\n")]
    )

    assert response.status_code == 400
    assert (
        "“c.txt”, “d.csv” (201 KB) would take you past your 2 MB of attachments; 2 MB are used."
        in html.unescape(response.content.decode())
    )
    assert Ticket.objects.count() == 1
    assert Attachment.objects.count() == 2
    assert len(stored_objects()) == 2


def test_a_quota_of_zero_is_no_limit(settings, alice, make_ticket):
    settings.HELPDESK_ATTACHMENT_QUOTA_ORG_BYTES = 0
    settings.HELPDESK_ATTACHMENT_QUOTA_USER_BYTES = 0

    make_ticket(alice, files=[upload("a.txt", text_of(3 * MB))])

    assert Attachment.objects.count() == 1


# --- The quota under simultaneous uploads (PostgreSQL) ----------------------------------------


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_twenty_simultaneous_uploads_never_pass_the_organisations_quota(
    settings, alice, bob, make_ticket
):
    settings.HELPDESK_ATTACHMENT_QUOTA_ORG_BYTES = 1 * MB
    settings.HELPDESK_ATTACHMENT_QUOTA_USER_BYTES = 0
    tickets = [make_ticket(alice if i % 2 else bob, subject=f"T{i}") for i in range(20)]
    size = 150 * 1024  # 6 fit in 1 MB, 20 would take 3 MB

    def reply(ticket):
        author = alice if ticket.requester_id == alice.pk else bob
        return lambda: services.ticket_reply(
            ticket=ticket, author=author, body="log", files=[upload("log.txt", text_of(size))]
        )

    results = run_together(*(reply(ticket) for ticket in tickets))

    refused = [r for r in results if isinstance(r, ValidationError)]
    other_errors = [
        r for r in results if isinstance(r, Exception) and not isinstance(r, ValidationError)
    ]
    assert other_errors == []
    assert len(refused) == 14
    assert all("would take your organisation past its 1 MB" in r.messages[0] for r in refused)
    stored = [a.size for a in Attachment.objects.all()]
    assert len(stored) == 6
    assert sum(stored) <= 1 * MB
    assert len(stored_objects()) == 6


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_reply_moving_the_ticket_and_new_tickets_upload_at_once_without_deadlock(
    settings, alice, bob, agent, make_ticket, category
):
    settings.HELPDESK_ATTACHMENT_QUOTA_ORG_BYTES = 100 * MB
    for _attempt in range(5):
        waiting = make_ticket(alice)
        services.ticket_reply(
            ticket=waiting, author=agent, body="Which version?", submit_as="waiting_for_customer"
        )

        results = run_together(
            lambda: services.ticket_open(
                actor=bob, category=category, subject="New", description="d",
                files=[upload("a.txt", b"a\n")],
            ),
            lambda w=waiting: services.ticket_reply(
                ticket=w, author=alice, body="2.4", files=[upload("b.txt", b"b\n")]
            ),
            lambda: services.ticket_open(
                actor=bob, category=category, subject="New", description="d",
                files=[upload("c.txt", b"c\n")],
            ),
        )  # fmt: skip

        assert [r for r in results if isinstance(r, Exception)] == []
