"""Every page of the portal and the agent workspace (issue 20), from the URL
confs: on a phone (360 and 390 px wide) and a desktop (1366 px), axe-core finds
no critical or serious violation and the page never scrolls sideways
(``document.documentElement.scrollWidth <= innerWidth``). The desk holds long
subjects, addresses and unbroken words, so an overflow has something to
overflow with. One browser session walks all pages of a persona and reports
every page that fails, not only the first."""

from collections.abc import Callable

import pytest
from django.contrib.auth.tokens import default_token_generator
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django_otp.plugins.otp_totp.models import TOTPDevice
from playwright.sync_api import Page, expect

from accounts.models import User
from tests.browser.conftest import LONG_WORD
from tests.browser.helpers import page_width, serious_violations
from tests.helpers import PASSWORD, bring_to
from tickets import services
from tickets.models import Status
from webhooks.services import delivery_send, hook_create, hook_send_test

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

VIEWPORTS = {
    "360": {"width": 360, "height": 740},
    "390": {"width": 390, "height": 844},
    "1366": {"width": 1366, "height": 900},
}
Visit = Callable[[Page, dict], None]


def _go(path: Callable[[dict], str]) -> Visit:
    def visit(page: Page, desk: dict) -> None:
        response = page.goto(path(desk))
        assert response is not None
        assert response.status == 200, f"{page.url} answered {response.status}"

    return visit


def _refused_report_period(page: Page, desk: dict) -> None:
    """The dashboard with its filters' errors (it answers 400)."""
    response = page.goto(f"{reverse('reports:dashboard')}?period=custom&since=2026-02-02&until=x")
    assert response is not None
    assert response.status == 400, f"{page.url} answered {response.status}"


def _bulk_close_confirm(page: Page, desk: dict) -> None:
    page.goto(reverse("agent:queue", args=["active"]))
    for ticket in (desk["customer_ticket"], desk["agent_ticket"]):
        page.get_by_role("checkbox", name=f"Select #{ticket.pk}", exact=True).check()
    page.get_by_label("Bulk action").select_option("close")
    page.get_by_role("button", name="Apply").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Close")


def _bulk_macro(page: Page, desk: dict) -> None:
    page.goto(reverse("agent:queue", args=["active"]))
    for ticket in (desk["customer_ticket"], desk["agent_ticket"]):
        page.get_by_role("checkbox", name=f"Select #{ticket.pk}", exact=True).check()
    page.get_by_label("Bulk action").select_option("macro")
    page.get_by_role("button", name="Apply").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Apply a macro")


def _password_reset_done(page: Page, desk: dict) -> None:
    page.goto(reverse("password_reset"))
    page.get_by_label("Email").fill("nobody@example.com")
    page.locator("main form button[type=submit]").click()
    page.wait_for_url("**/password_reset/done/")


def _set_password(url_name: str, who: str) -> Visit:
    """A link that sets a password (a reset, an invitation): it lands on its form."""

    def visit(page: Page, desk: dict) -> None:
        user = desk[who]
        uid = urlsafe_base64_encode(force_bytes(user.pk))
        page.goto(reverse(url_name, args=[uid, default_token_generator.make_token(user)]))
        page.wait_for_url("**/set-password/")

    return visit


CUSTOMER: dict[str, Visit] = {
    "tickets": _go(lambda desk: reverse("tickets:list")),
    "archive": _go(lambda desk: reverse("tickets:archive")),
    "ticket": _go(lambda desk: desk["customer_ticket"].get_absolute_url()),
    "closed-ticket": _go(lambda desk: desk["closed_ticket"].get_absolute_url()),
    "merged-ticket": _go(lambda desk: desk["merged_ticket"].get_absolute_url()),
    "close-confirm": _go(
        lambda desk: reverse("tickets:close", args=[desk["customer_ticket"].number])
    ),
    "create": _go(lambda desk: reverse("tickets:create")),
    "profile": _go(lambda desk: reverse("profile")),
    "password-change": _go(lambda desk: reverse("password_change")),
    "two-factor-setup": _go(lambda desk: reverse("two_factor_setup")),
    "organisation": _go(lambda desk: reverse("organization")),
    "get-support": _go(lambda desk: reverse("get_support")),
    "notifications": _go(lambda desk: reverse("notifications:list")),
    "notification-preferences": _go(lambda desk: reverse("notifications:preferences")),
    "exports": _go(lambda desk: reverse("exports")),
    "erase-member": _go(lambda desk: reverse("user_erase", args=[desk["bob"].pk])),
    "webhooks": _go(lambda desk: reverse("webhooks:portal_list")),
    "webhook-new": _go(lambda desk: reverse("webhooks:portal_new")),
    "webhook": _go(lambda desk: reverse("webhooks:portal_detail", args=[desk["hook"].pk])),
    "webhook-delete": _go(lambda desk: reverse("webhooks:portal_delete", args=[desk["hook"].pk])),
    "reports": _go(lambda desk: reverse("reports:organization")),
}
AGENT: dict[str, Visit] = {
    **{
        f"queue-{view}": _go(lambda desk, view=view: reverse("agent:queue", args=[view]))
        for view in ("unassigned", "mine", "breaching", "active", "waiting", "solved", "closed")
    },
    "ticket": _go(lambda desk: desk["agent_ticket"].get_absolute_url()),
    "closed-ticket": _go(lambda desk: desk["closed_ticket"].get_absolute_url()),
    "merged-ticket": _go(lambda desk: desk["merged_ticket"].get_absolute_url()),
    "merge-choose": _go(lambda desk: reverse("tickets:merge", args=[desk["agent_ticket"].pk])),
    "merge-confirm": _go(
        lambda desk: (
            reverse("tickets:merge", args=[desk["agent_ticket"].pk])
            + f"?into={desk['customer_ticket'].pk}"
        )
    ),
    "open-for-customer": _go(lambda desk: reverse("agent:open")),
    "bulk-close-confirm": _bulk_close_confirm,
    "bulk-macro": _bulk_macro,
    "macros": _go(lambda desk: reverse("agent:macros")),
    "macro-new": _go(lambda desk: reverse("agent:macro_create")),
    "macro-edit": _go(lambda desk: reverse("agent:macro_edit", args=[desk["macro"].pk])),
    "profile": _go(lambda desk: reverse("profile")),
    "notifications": _go(lambda desk: reverse("notifications:list")),
    "reports": _go(lambda desk: reverse("reports:dashboard")),
}
SUPPORT_ADMIN: dict[str, Visit] = {
    "api-tokens": _go(lambda desk: reverse("api_tokens_all")),
    "export-organisation": _go(
        lambda desk: (
            f"{reverse('exports')}?scope=organization&organization={desk['bob'].organization_id}"
        )
    ),
    "webhooks": _go(lambda desk: reverse("webhooks:list")),
    "webhook-new": _go(lambda desk: reverse("webhooks:new")),
    "webhook": _go(lambda desk: reverse("webhooks:detail", args=[desk["support_hook"].pk])),
    "webhook-delete": _go(lambda desk: reverse("webhooks:delete", args=[desk["support_hook"].pk])),
    "profile": _go(lambda desk: reverse("profile")),
    "reports": _go(lambda desk: reverse("reports:dashboard")),
    "reports-bad-period": _refused_report_period,
}
ANONYMOUS: dict[str, Visit] = {
    "login": _go(lambda desk: reverse("login")),
    "password-reset": _go(lambda desk: reverse("password_reset")),
    "password-reset-done": _password_reset_done,
    "password-reset-confirm": _set_password("password_reset_confirm", "bob"),
    "password-reset-complete": _go(lambda desk: reverse("password_reset_complete")),
    "invitation": _set_password("invitation", "invited"),
}


def _check(page: Page, name: str, visit: Visit, desk: dict) -> list[str]:
    try:
        visit(page, desk)
    except AssertionError as error:
        return [f"{name}: {error}"]
    problems = []
    width = page_width(page)
    if width["scroll"] > width["inner"]:
        problems.append(f"{name}: {width['scroll']}px wide in {width['inner']}px")
    if "{#" in page.inner_text("body") or "{%" in page.inner_text("body"):
        problems.append(f"{name}: template code shows")
    problems += [f"{name}: {violation}" for violation in serious_violations(page)]
    return problems


@pytest.fixture
def every_page_desk(desk, alice, bob, acme, make_ticket, agent, support_admin, settings):
    closed = make_ticket(alice, subject="A closed ticket to reopen")
    bring_to(closed, Status.CLOSED, agent=agent, customer=alice)
    invited = User.objects.create_user(
        "dana@acme.example", None, full_name="Dana Diaz", role=User.Role.MEMBER, organization=acme
    )
    macro = services.macro_create(
        actor=agent,
        title=f"Ask for the logs of {LONG_WORD}",
        body="Hello {{ requester.first_name }}, please send the logs.",
        status_action="wait",
        tags="needs-logs",
    )
    settings.WEBHOOKS_ALLOW_PRIVATE_TARGETS = True  # nothing listens there: a failed delivery
    hook, _ = hook_create(
        actor=alice,
        url=f"https://127.0.0.1:8443/hooks/{LONG_WORD}",
        event_types=["message.added", "ticket.solved"],
        description=f"Alerts for {LONG_WORD}",
    )
    support_hook, _ = hook_create(
        actor=support_admin, url=f"https://127.0.0.1:8443/{LONG_WORD}", event_types=["sla.breached"]
    )
    for each in (hook, support_hook):
        delivery_send(delivery_id=hook_send_test(hook=each).pk)
    # Issue 18: a duplicate merged into the customer's ticket (the link shows on both).
    merged = make_ticket(bob, subject=f"Duplicate: {LONG_WORD}")
    services.ticket_merge(ticket=merged, into=desk["customer_ticket"].pk, actor=agent)
    return {
        **desk,
        "closed_ticket": closed,
        "merged_ticket": merged,
        "bob": bob,
        "invited": invited,
        "macro": macro,
        "hook": hook,
        "support_hook": support_hook,
    }


@pytest.mark.parametrize("viewport", list(VIEWPORTS))
@pytest.mark.parametrize("persona", ["customer", "agent", "support_admin", "anonymous"])
def test_every_page_fits_the_screen_and_axe_finds_nothing_serious(
    persona, viewport, every_page_desk, page, log_in_to, alice, agent, support_admin
):
    page.set_viewport_size(VIEWPORTS[viewport])
    if persona == "customer":
        log_in_to(alice.email, PASSWORD)
        pages = CUSTOMER
    elif persona == "agent":
        log_in_to(agent.email, PASSWORD, landing="**/agent/queue/unassigned/")
        pages = AGENT
    elif persona == "support_admin":
        log_in_to(support_admin.email, PASSWORD, landing="**/agent/queue/unassigned/")
        pages = SUPPORT_ADMIN
    else:
        pages = ANONYMOUS

    problems = [
        problem
        for name, visit in pages.items()
        for problem in _check(page, name, visit, every_page_desk)
    ]

    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("viewport", list(VIEWPORTS))
def test_the_two_factor_code_page_fits_and_axe_finds_nothing_serious(
    viewport, page, log_in_to, bob
):
    TOTPDevice.objects.create(user=bob, name="Phone", confirmed=True)
    page.set_viewport_size(VIEWPORTS[viewport])

    log_in_to(bob.email, PASSWORD, landing="**/two-factor/verify/**")

    assert not _check(page, "two-factor-verify", lambda page, desk: None, {})
