"""Every response carries the security headers: a strict Content-Security-Policy
(no inline code anywhere), a sandbox for files, Permissions-Policy and Referrer-Policy."""

import pytest
from django.urls import reverse

from tests.attachments.files import REAL, upload
from tests.pages import pages_without_arguments
from tickets import services
from tickets.models import Attachment
from tickets.views.queue import QUEUE_VIEWS

PAGE_POLICY = {
    "default-src": "'self'",
    "script-src": "'self'",
    "style-src": "'self'",
    "img-src": "'self' data:",
    "font-src": "'self'",
    "connect-src": "'self'",
    "frame-src": "'self'",
    "frame-ancestors": "'none'",
    "form-action": "'self'",
    "base-uri": "'none'",
    "object-src": "'none'",
}
DOWNLOAD_POLICY = {"sandbox": "", "default-src": "'none'", "frame-ancestors": "'none'"}
# The one exception to "no unsafe-inline": a preview is never our markup (images,
# PDF, text/plain with nosniff) and runs no script; the inline styles are those of
# the viewer document the browser builds around the file.
PREVIEW_POLICY = {
    "sandbox": "",
    "default-src": "'none'",
    "img-src": "'self'",
    "style-src": "'unsafe-inline'",
    "frame-ancestors": "'self'",
}
PERMISSIONS_POLICY = "camera=(), geolocation=(), microphone=(), payment=(), usb=()"


def policy(response) -> dict[str, str]:
    """The Content-Security-Policy as directive: sources (django-csp's order varies)."""
    header = response.get("Content-Security-Policy", "")
    return {
        name: sources.strip()
        for name, _, sources in (part.strip().partition(" ") for part in header.split(";"))
        if name
    }


def headers(response) -> tuple:
    if response.streaming:
        b"".join(response.streaming_content)  # read to the end, which closes the file
    return (
        policy(response),
        response.get("Permissions-Policy"),
        response.get("Referrer-Policy"),
    )


PAGE_HEADERS = (PAGE_POLICY, PERMISSIONS_POLICY, "same-origin")


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def ticket(alice, make_ticket):
    return make_ticket(
        alice,
        files=[
            upload("screenshot.png"),
            upload("invoice.pdf", REAL["invoice.pdf"]),
            upload("notes.txt"),
            upload("logs.zip"),
        ],
    )


def test_the_page_policy_allows_no_inline_code_and_no_eval(client, db):
    header = client.get(reverse("login"))["Content-Security-Policy"]

    assert "'unsafe-" not in header
    assert policy(client.get(reverse("login"))) == PAGE_POLICY


@pytest.mark.parametrize("persona", [None, "alice", "agent", "support_admin"])
def test_every_page_a_persona_can_reach_carries_the_policies(persona, request, client, ticket):
    if persona:
        client.force_login(request.getfixturevalue(persona))
    services.ticket_reply(ticket=ticket, author=request.getfixturevalue("agent"), body="On it.")
    paths = [
        *pages_without_arguments(),
        ticket.get_absolute_url(),
        *(reverse("agent:queue", args=[view]) for view in QUEUE_VIEWS),
        reverse("api:ticket", args=[ticket.pk]),
        reverse("admin:tickets_ticket_change", args=[ticket.pk]),
        reverse("admin:accounts_user_change", args=[ticket.requester_id]),
        reverse("admin:accounts_organization_change", args=[ticket.organization_id]),
        reverse("api-docs") + "?script=",  # Swagger UI's start-up script (the split view)
    ]

    wrong = {path: found for path in paths if (found := headers(client.get(path))) != PAGE_HEADERS}

    assert wrong == {}


def test_the_api_docs_load_their_script_from_a_url_not_inline(client, db):
    page = client.get(reverse("api-docs"))

    assert page.status_code == 200
    assert b'<script src="/api/docs/?script="></script>' in page.content
    assert b"<script>" not in page.content
    assert b"<style" not in page.content
    assert client.get(reverse("api-docs") + "?script=").status_code == 200


@pytest.mark.parametrize("persona", ["alice", "agent"])
def test_downloads_from_the_page_and_the_api_are_sandboxed(persona, request, client, ticket):
    client.force_login(request.getfixturevalue(persona))
    downloads = [
        (name, url)
        for attachment in Attachment.objects.all()
        for name, url in [
            ("page", reverse("tickets:attachment_download", args=[attachment.pk])),
            ("api", reverse("api:attachment-download", args=[attachment.pk])),
        ]
    ]

    responses = {(name, url): client.get(url) for name, url in downloads}

    assert {key: response.status_code for key, response in responses.items()} == {
        key: 200 for key in responses
    }
    assert {key: headers(response) for key, response in responses.items()} == {
        key: (DOWNLOAD_POLICY, PERMISSIONS_POLICY, "same-origin") for key in responses
    }


def test_previews_are_sandboxed_and_framed_only_by_our_pages(login, alice, ticket):
    client = login(alice)
    previewable = Attachment.objects.exclude(name="logs.zip")

    responses = {
        a.name: client.get(reverse("tickets:attachment_preview", args=[a.pk])) for a in previewable
    }

    assert {name: r.status_code for name, r in responses.items()} == {
        "screenshot.png": 200,
        "invoice.pdf": 200,
        "notes.txt": 200,
    }
    assert {name: headers(r) for name, r in responses.items()} == {
        name: (PREVIEW_POLICY, PERMISSIONS_POLICY, "same-origin") for name in responses
    }
    assert {r["X-Frame-Options"] for r in responses.values()} == {"SAMEORIGIN"}


def test_an_outsider_asking_for_a_file_gets_a_plain_404_page(login, carol, ticket):
    attachment = Attachment.objects.get(name="notes.txt")

    response = login(carol).get(reverse("tickets:attachment_download", args=[attachment.pk]))

    assert response.status_code == 404
    assert headers(response) == PAGE_HEADERS
