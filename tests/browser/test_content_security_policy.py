"""The strict Content-Security-Policy in a real browser: every page, the admin and the
API docs work under it, and the page fixture fails any test that meets a violation."""

import re

import pytest
from playwright.sync_api import expect

from inbound.services import email_ingest
from tests.browser.helpers import watch_for_csp_violations
from tests.helpers import PASSWORD
from tests.pages import pages_without_arguments

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_watch_reports_an_inline_style_the_policy_refuses(browser, live_server):
    context = browser.new_context(base_url=live_server.url)
    violations = watch_for_csp_violations(context)
    page = context.new_page()
    page.goto("/accounts/login/")

    page.evaluate("document.body.setAttribute('style', 'color: red')")
    page.evaluate("new Promise((resolve) => setTimeout(resolve, 100))")
    context.close()

    assert violations
    assert all("style-src" in violation for violation in violations)


@pytest.mark.parametrize(
    ("persona", "landing"),
    [("alice", "**/tickets/"), ("support_admin", "**/agent/queue/unassigned/")],
)
def test_every_page_without_arguments_loads_without_a_violation(
    persona, landing, request, page, log_in_to, make_ticket, alice
):
    user = request.getfixturevalue(persona)
    ticket = make_ticket(alice, subject="Printer on fire")
    log_in_to(user.email, PASSWORD, landing=landing)

    # /api/ answers JSON and YAML (its docs page has a test of its own below).
    # Not pages: the API, and the CSV downloads (a browser saves them, renders nothing).
    pages = [
        path
        for path in pages_without_arguments()
        if not path.startswith("/api/") and not path.endswith(".csv")
    ]
    for path in [*pages, ticket.get_absolute_url()]:
        if page.request.get(path).status == 405:
            continue  # POST only: an empty answer, no document to check
        page.goto(path)

    # The page fixture fails the test if any of them met a violation.


def test_the_admin_works_under_the_policy(page, log_in_to, support_admin, alice, make_ticket):
    ticket = make_ticket(alice, subject="Printer on fire")
    log_in_to(support_admin.email, PASSWORD, landing="**/agent/queue/unassigned/")

    page.goto("/admin/")
    expect(page.locator("#site-name")).to_have_text("Helpdesk administration")
    page.goto("/admin/tickets/category/")
    page.fill("#nav-filter", "categ")  # the sidebar's filter (nav_sidebar.js)
    expect(page.locator("#nav-sidebar a[aria-current=page]")).to_have_text("Categories")
    expect(
        page.locator("#nav-sidebar").get_by_role("link", name="Users", exact=True)
    ).to_be_hidden()

    # The change list's actions (actions.js): select all, count, run one.
    page.check("#action-toggle")
    expect(page.locator(".action-counter")).to_have_text("1 of 1 selected")
    page.select_option("select[name=action]", "delete_selected")
    page.get_by_role("button", name="Go").click()
    expect(page.locator(".breadcrumbs")).to_contain_text("Delete multiple objects")

    page.goto(f"/admin/tickets/ticket/{ticket.pk}/change/")
    expect(page.get_by_text("Printer on fire").first).to_be_visible()
    page.goto(f"/admin/accounts/user/{alice.pk}/change/")
    expect(page.locator("#id_email")).to_have_value(alice.email)

    # A received email's text is wrapped by our admin stylesheet, not an inline style.
    inbound = email_ingest(raw=b"From: x@example.org\r\nSubject: Hi\r\n\r\nA long line\r\n")
    page.goto(f"/admin/inbound/inboundemail/{inbound.pk}/change/")
    expect(page.locator("pre.mail-text")).to_have_css("white-space", "pre-wrap")


def test_the_api_docs_render_and_call_the_api_under_the_policy(page):
    page.goto("/api/docs/")

    expect(page.locator(".swagger-ui .info .title")).to_contain_text("Helpdesk API")
    operation = page.locator(".opblock").filter(has_text="/api/v1/categories/").first
    operation.locator(".opblock-summary").click()
    operation.get_by_role("button", name="Try it out").click()
    operation.get_by_role("button", name="Execute").click()
    expect(
        operation.locator(".live-responses-table tbody .response-col_status").first
    ).to_have_text(re.compile(r"^\s*401"))


def test_the_two_factor_setup_shows_its_qr_code_under_the_policy(page, log_in_to, agent):
    log_in_to(agent.email, PASSWORD, landing="**/agent/queue/unassigned/")

    page.goto("/accounts/two-factor/")

    qr = page.locator(".qr svg")
    expect(qr).to_be_visible()
    assert qr.bounding_box()["width"] > 100
