"""The dashboards in a real browser: every chart drawn on its canvas by the
vendored Chart.js under the strict CSP, no console error, the tables behind."""

from __future__ import annotations

from datetime import timedelta

import pytest
from playwright.sync_api import expect

from reports.rollups import rollups_process_events
from tests.helpers import PASSWORD
from tests.tickets.sla_helpers import due_when_answered
from tickets import services

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def activity(alice, carol, agent, make_ticket):
    ticket = make_ticket(alice, subject="Printer on fire")
    services.ticket_take(ticket=ticket, agent=agent)
    services.ticket_reply(ticket=ticket, author=agent, body="On it.", submit_as="solved")
    due_when_answered(ticket)
    make_ticket(carol, subject="Globex outage")
    rollups_process_events(lag=timedelta(0))


def _painted(page, selector: str) -> bool:
    """Whether the canvas has any pixel that is not transparent."""
    return page.eval_on_selector(
        selector,
        """canvas => {
            const data = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height).data;
            for (let i = 3; i < data.length; i += 4) { if (data[i] !== 0) return true; }
            return false;
        }""",
    )


def _watch_console(page) -> list[str]:
    """Script errors, and every failed request but the page's own answer (a form
    with errors answers 400) and the browser's own favicon guess."""
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.on(
        "console",
        lambda message: (
            errors.append(message.text)
            if message.type == "error" and not message.text.startswith("Failed to load resource")
            else None
        ),
    )
    page.on(
        "response",
        lambda response: (
            errors.append(f"{response.status} {response.url}")
            if response.status >= 400
            and response.request.resource_type != "document"
            and not response.url.endswith("/favicon.ico")
            else None
        ),
    )
    return errors


@pytest.mark.parametrize(
    ("persona", "landing", "path", "charts"),
    [
        # The ticket answered on time met its first-response target: the service-level chart is drawn too.
        ("support_admin", "**/agent/queue/unassigned/", "/agent/reports/", 9),
        ("alice", "**/tickets/", "/organisation/reports/", 6),
    ],
)
def test_every_chart_is_drawn_without_a_console_error(
    persona, landing, path, charts, request, page, log_in_to, activity
):
    user = request.getfixturevalue(persona)
    errors = _watch_console(page)
    log_in_to(user.email, PASSWORD, landing=landing)

    page.goto(path)

    canvases = page.locator("canvas[data-chart]")
    expect(canvases).to_have_count(charts)
    for index in range(charts):
        expect(canvases.nth(index)).to_have_attribute("data-drawn", "true")
    page.wait_for_timeout(500)  # the animation's last frame
    for chart_id in page.eval_on_selector_all(
        "canvas[data-chart]", "cs => cs.map(c => c.dataset.chart)"
    ):
        assert _painted(page, f'canvas[data-chart="{chart_id}"]'), f"{chart_id} is blank"
    assert errors == []
    expect(
        page.locator('table[data-table="sla"] tr[data-kind="first_response"] td').first
    ).to_have_text("1")
    # The figures behind the first chart, as a table, for the keyboard and screen readers.
    page.locator("summary").first.focus()
    page.keyboard.press("Enter")
    expect(page.locator("details").first.locator("table")).to_be_visible()


def test_a_bad_period_is_named_and_the_page_keeps_working(page, log_in_to, support_admin):
    errors = _watch_console(page)
    log_in_to(support_admin.email, PASSWORD, landing="**/agent/queue/unassigned/")
    page.goto("/agent/reports/")

    page.select_option("#id_period", "custom")
    page.fill("#id_since", "2026-02-02")
    page.fill("#id_until", "2026-02-01")
    page.click("form.report-filters button[type=submit]")

    expect(page.locator(".error-summary")).to_contain_text(
        "To: The last day cannot come before the first."
    )
    assert errors == []
