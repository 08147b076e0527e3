"""Downloads and previews: streamed, safely named, sandboxed, and only for who may see them."""

import pytest
from django.urls import reverse

from tests.attachments.files import REAL, upload
from tickets import services
from tickets.models import Attachment


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def files(alice, agent, make_ticket):
    ticket = make_ticket(
        alice, files=[upload("screenshot.png"), upload("Überweisung März.pdf", REAL["invoice.pdf"])]
    )
    services.ticket_reply(
        ticket=ticket, author=alice, body="logs", files=[upload("logs.zip"), upload("notes.txt")]
    )
    services.ticket_reply(
        ticket=ticket, author=agent, body="ours", internal=True, files=[upload("export.csv")]
    )
    return {a.name: a for a in Attachment.objects.all()}


def download_url(attachment):
    return reverse("tickets:attachment_download", args=[attachment.pk])


def preview_url(attachment):
    return reverse("tickets:attachment_preview", args=[attachment.pk])


def body(response) -> bytes:
    return b"".join(response.streaming_content)


def test_a_download_streams_the_file_as_an_attachment(login, bob, files):
    response = login(bob).get(download_url(files["logs.zip"]))

    assert response.status_code == 200
    assert response.streaming
    assert body(response) == REAL["logs.zip"]
    assert response["Content-Type"] == "application/zip"
    assert response["Content-Disposition"] == 'attachment; filename="logs.zip"'
    assert response["X-Content-Type-Options"] == "nosniff"


def test_a_non_ascii_file_name_is_encoded_for_every_browser(login, bob, files):
    response = login(bob).get(download_url(files["Überweisung März.pdf"]))

    assert response["Content-Disposition"] == (
        "attachment; filename*=utf-8''%C3%9Cberweisung%20M%C3%A4rz.pdf"
    )


@pytest.mark.parametrize(
    ("name", "content_type"),
    [
        ("screenshot.png", "image/png"),
        ("Überweisung März.pdf", "application/pdf"),
        ("notes.txt", "text/plain; charset=utf-8"),
    ],
)
def test_images_pdf_and_text_preview_inline_in_a_sandbox(name, content_type, login, bob, files):
    response = login(bob).get(preview_url(files[name]))

    assert response.status_code == 200
    assert response["Content-Type"] == content_type
    assert response["Content-Disposition"].startswith("inline")
    assert "sandbox" in response["Content-Security-Policy"]
    assert response["X-Content-Type-Options"] == "nosniff"


@pytest.mark.parametrize(
    ("encoding", "content"),
    [
        ("cp1252", "Fehler: Datei “Übersicht.xlsx” fehlt – 5 €\r\n".encode("cp1252")),
        ("utf-16", "PS C:\\> Get-Service Spooler: Läuft\r\n".encode("utf-16")),
        ("utf-8 with BOM", "\ufeffGrüße aus Köln\n".encode()),
    ],
)
def test_text_in_any_accepted_encoding_previews_as_its_text(
    encoding, content, login, alice, make_ticket
):
    ticket = make_ticket(alice, files=[upload("notes.txt", content)])
    attachment = ticket.attachments.get()

    response = login(alice).get(preview_url(attachment))

    assert response["Content-Type"] == "text/plain; charset=utf-8"
    assert response.content.decode("utf-8") == content.decode(
        {"utf-8 with BOM": "utf-8-sig"}.get(encoding, encoding)
    )
    assert response["Content-Disposition"] == 'inline; filename="notes.txt"'
    # The download is still the file as it was sent.
    assert body(login(alice).get(download_url(attachment))) == content


def test_archives_and_office_files_only_download(login, bob, files):
    assert login(bob).get(preview_url(files["logs.zip"])).status_code == 404


@pytest.mark.parametrize("kind", ["download", "preview"])
def test_another_organisations_user_gets_404_for_every_file(kind, login, carol, files):
    client = login(carol)
    for attachment in files.values():
        url = download_url(attachment) if kind == "download" else preview_url(attachment)
        response = client.get(url)
        assert response.status_code == 404
        assert not getattr(response, "streaming", False)


def test_a_customer_gets_404_for_an_internal_file_and_does_not_see_it_listed(login, bob, files):
    internal = files["export.csv"]
    client = login(bob)

    assert client.get(download_url(internal)).status_code == 404
    assert client.get(preview_url(internal)).status_code == 404
    page = client.get(internal.ticket.get_absolute_url()).content.decode()
    assert "export.csv" not in page
    assert "notes.txt" in page
    assert "screenshot.png" in page


def test_support_downloads_internal_files(login, agent, files):
    response = login(agent).get(download_url(files["export.csv"]))

    assert response.status_code == 200
    assert body(response) == REAL["export.csv"]


def test_files_need_a_login(client, files):
    response = client.get(download_url(files["logs.zip"]))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_the_information_panel_lists_every_attachment_of_the_ticket(login, bob, files):
    html = login(bob).get(files["logs.zip"].ticket.get_absolute_url()).content.decode()

    assert "Attachments (4)" in html
