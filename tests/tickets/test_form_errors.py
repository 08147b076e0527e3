"""A form's errors and help are tied to their field (issue 20): the field says it
is invalid, and its aria-describedby names elements that exist and hold the
help and the error, so a screen reader reads them with the field."""

from html.parser import HTMLParser

from django.urls import reverse


class _Elements(HTMLParser):
    """Every element with an id: its attributes and the text inside it."""

    def __init__(self):
        super().__init__()
        self.by_id: dict[str, dict] = {}
        self._open: list[tuple[str, dict | None]] = []

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        element = {"tag": tag, **attributes, "text": ""} if "id" in attributes else None
        if element:
            self.by_id[attributes["id"]] = element
        if tag not in ("input", "br", "img", "meta", "link"):
            self._open.append((tag, element))

    def handle_endtag(self, tag):
        while self._open and self._open.pop()[0] != tag:
            pass

    def handle_data(self, data):
        for _, element in self._open:
            if element is not None:
                element["text"] += data


def elements(response) -> dict[str, dict]:
    parser = _Elements()
    parser.feed(response.content.decode())
    return parser.by_id


def described_by(page: dict[str, dict], field_id: str) -> list[str]:
    """The texts the field's aria-describedby points to, in order."""
    ids = page[field_id].get("aria-describedby", "").split()
    return [page[target]["text"].strip() for target in ids]


def test_an_invalid_field_says_so_and_is_described_by_its_help_and_its_error(login, alice):
    response = login(alice).post(
        reverse("tickets:create"), {"category": "", "subject": "Printer", "description": ""}
    )

    page = elements(response)
    assert response.status_code == 400
    assert page["id_description"]["aria-invalid"] == "true"
    assert described_by(page, "id_description") == [
        "Markdown is supported. Include what you did, what you expected and what happened.",
        "Description is required.",
    ]
    assert page["id_description_error"]["role"] == "alert"


def test_a_valid_field_is_not_marked_invalid_and_keeps_its_help(login, alice):
    response = login(alice).post(
        reverse("tickets:create"), {"subject": "Printer", "description": ""}
    )

    page = elements(response)
    assert "aria-invalid" not in page["id_subject"]
    assert "id_subject_error" not in page
    assert described_by(page, "id_internal_reference") == [
        "Optional: your own ticket or order number, shown to your colleagues and support."
    ]


def test_an_empty_reply_is_marked_invalid_and_names_its_error(login, alice, make_ticket):
    ticket = make_ticket(alice)

    response = login(alice).post(reverse("tickets:reply", args=[ticket.pk]), {"body": " "})

    page = elements(response)
    assert response.status_code == 400
    assert page["id_body"]["aria-invalid"] == "true"
    assert described_by(page, "id_body") == ["Message is required."]


def test_a_form_with_errors_opens_with_a_summary_linking_each_error_to_its_field(login, alice):
    response = login(alice).post(reverse("tickets:create"), {"subject": "", "description": ""})

    html = response.content.decode()
    summary = html[
        html.index("data-error-summary") : html.index("</div>", html.index("data-error-summary"))
    ]
    assert 'role="alert" tabindex="-1"' in html[html.index('<div class="error-summary"') :][:80]
    assert "There are 4 problems" in summary  # type, subject, description, priority
    assert 'href="#id_subject"' in summary
    assert 'href="#id_description"' in summary
    elements = _Elements()
    elements.feed(html)
    assert elements.by_id["id_subject"]["aria-invalid"] == "true"
    assert elements.by_id["id_description"]["aria-invalid"] == "true"


def test_a_reopen_without_a_message_links_the_summary_to_its_own_box(
    login, alice, agent, make_ticket
):
    from tickets import services

    ticket = make_ticket(alice, subject="Closed one")
    services.ticket_close(ticket=ticket, actor=alice)

    response = login(alice).post(reverse("tickets:reopen", args=[ticket.pk]), {"body": " "})

    html = response.content.decode()
    assert response.status_code == 400
    assert 'href="#id_reopen_body"' in html
    elements = _Elements()
    elements.feed(html)
    assert elements.by_id["id_reopen_body"]["aria-invalid"] == "true"


def test_a_form_without_errors_has_no_summary(login, alice):
    assert "data-error-summary" not in login(alice).get(reverse("tickets:create")).content.decode()
