"""A customer admin invites a user, who sets a password from the email and logs in."""

import re

import pytest
from django.core import mail
from playwright.sync_api import expect

from tests.helpers import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_an_admin_invites_a_colleague_who_sets_a_password_and_logs_in(
    page, log_in, alice, live_server, deliver_outbox
):
    log_in(alice.email, PASSWORD)
    page.get_by_role("link", name="Organisation").click()
    page.fill("#id_full_name", "Dana Diaz")
    page.fill("#id_email", "dana@acme.example")
    page.get_by_role("button", name="Send invitation").click()
    expect(page.get_by_text("dana@acme.example is invited")).to_be_visible()
    expect(page.get_by_role("cell", name="Invited")).to_be_visible()

    assert deliver_outbox() == 1
    link = re.search(r"https?://[^/\s]+(/accounts/invitation/\S+)", mail.outbox[-1].body).group(1)
    page.context.clear_cookies()
    page.goto(link)
    page.fill("#id_new_password1", "dana-likes-tickets-9")
    page.fill("#id_new_password2", "dana-likes-tickets-9")
    page.get_by_role("button", name="Set password").click()
    expect(page.get_by_text("Your password is set.")).to_be_visible()

    page.fill("#id_username", "dana@acme.example")
    page.fill("#id_password", "dana-likes-tickets-9")
    page.click("button[type=submit]")
    page.wait_for_url("**/tickets/")
    expect(page.get_by_text("Dana Diaz")).to_be_visible()
