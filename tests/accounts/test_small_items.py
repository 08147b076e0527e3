"""The small items of issue 20, each as a person meets it."""

import re

import pytest
from django.urls import reverse

from accounts.models import User
from inbound.models import AutoReply
from tests.helpers import PASSWORD


def test_the_only_admin_is_not_offered_make_member(login, alice, bob):
    html = login(alice).get(reverse("organization")).content.decode()

    assert "Make member" not in html
    assert html.count("Make admin") == 1  # for bob


def test_with_two_admins_each_may_be_made_a_member(login, alice, bob):
    User.objects.filter(pk=bob.pk).update(role=User.Role.ADMIN)

    html = login(alice).get(reverse("organization")).content.decode()

    assert html.count("Make member") == 2


def test_a_new_token_has_a_copy_button_for_its_key(login, alice):
    html = (
        login(alice)
        .post(
            reverse("api_token_create"), {"name": "CRM", "scope": "read", "expires_in_days": "90"}
        )
        .content.decode()
    )

    assert '<span id="new-token-key"><code data-token-key>' in html
    assert re.search(r'<button type="button" data-copy="new-token-key"[^>]*>Copy</button>', html)


def test_the_profile_links_to_changing_the_password_and_it_changes(client, login, alice):
    client = login(alice)
    assert reverse("password_change") in client.get(reverse("profile")).content.decode()

    response = client.post(
        reverse("password_change"),
        {
            "old_password": PASSWORD,
            "new_password1": "a-much-longer-secret-2026",
            "new_password2": "a-much-longer-secret-2026",
        },
    )

    assert response.status_code == 302
    alice.refresh_from_db()
    assert alice.check_password("a-much-longer-secret-2026")


def test_a_wrong_old_password_is_summarised_and_changes_nothing(login, alice):
    response = login(alice).post(
        reverse("password_change"),
        {
            "old_password": "nope",
            "new_password1": "x-y-z-1234567",
            "new_password2": "x-y-z-1234567",
        },
    )

    assert response.status_code == 200
    assert 'href="#id_old_password"' in response.content.decode()
    alice.refresh_from_db()
    assert alice.check_password(PASSWORD)


@pytest.mark.parametrize("view", ["unassigned", "active"])
def test_open_a_ticket_for_a_customer_appears_once_on_the_queue(login, agent, view):
    html = login(agent).get(reverse("agent:queue", args=[view])).content.decode()

    assert html.count("Open a ticket for a customer") == 1


def test_the_admin_names_auto_replies_correctly():
    assert AutoReply._meta.verbose_name_plural == "auto replies"


def test_the_login_button_says_it_is_busy_and_the_form_sends_once(client):
    html = client.get(reverse("login")).content.decode()

    assert "data-submit-once" in html
    assert 'data-busy-text="Logging in…"' in html
