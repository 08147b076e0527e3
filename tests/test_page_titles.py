"""Every page's <title> is plain text: tabs, history and screen readers read it
(issue 13.11: the file viewer's markup once ended up in the ticket pages' title)."""

import html
import re

import pytest
from django.urls import reverse

from tests.attachments.files import upload
from tests.pages import pages_without_arguments
from tickets import services
from tickets.views.queue import QUEUE_VIEWS

TITLE = re.compile(r"<title>(.*?)</title>", re.S)
SUBJECT = 'Disk <b>full</b> & "quotes"'


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def tickets(alice, agent, make_ticket):
    with_files = make_ticket(alice, subject=SUBJECT, files=[upload("screenshot.png")])
    services.ticket_reply(ticket=with_files, author=agent, body="Looking.")
    closed = make_ticket(alice, subject="Closed one")
    services.ticket_close(ticket=closed, actor=alice)
    return with_files, closed


def titles(client, paths) -> dict[str, list[str]]:
    found = {}
    for path in paths:
        response = client.get(path)
        if response.status_code != 200 or "text/html" not in response.get("Content-Type", ""):
            continue  # redirects, POST-only answers, JSON
        found[path] = TITLE.findall(response.content.decode())
    return found


@pytest.mark.parametrize("persona", [None, "alice", "agent", "support_admin"])
def test_every_page_has_one_plain_text_title(persona, request, client, tickets):
    if persona:
        client.force_login(request.getfixturevalue(persona))
    with_files, closed = tickets
    paths = [
        *pages_without_arguments(),
        with_files.get_absolute_url(),
        closed.get_absolute_url(),
        reverse("tickets:close", args=[with_files.pk]),
        *(reverse("agent:queue", args=[view]) for view in QUEUE_VIEWS),
        reverse("admin:tickets_ticket_change", args=[with_files.pk]),
    ]

    found = titles(client, paths)

    assert found  # the pages were there to check
    wrong = {
        path: texts
        for path, texts in found.items()
        if len(texts) != 1 or "<" in texts[0] or "\n" in texts[0] or not texts[0].strip()
    }
    assert wrong == {}


@pytest.mark.parametrize("persona", ["alice", "agent"])
def test_a_ticket_pages_title_is_its_number_and_subject(persona, request, client, tickets):
    client.force_login(request.getfixturevalue(persona))
    with_files, _ = tickets

    [title] = TITLE.findall(client.get(with_files.get_absolute_url()).content.decode())

    assert html.unescape(title) == f"#{with_files.pk} {SUBJECT} · Helpdesk"
