"""Seed 002's information panel: "opened by an arrow ... closed with x", and
remembered for each user (on their row, so it follows them to every device)."""

import re

import pytest
from django.urls import reverse

from accounts.models import User

PANEL = reverse("ticket_panel_preference")


@pytest.fixture
def ticket(alice, make_ticket):
    return make_ticket(alice, subject="Panel test")


def panel_state(html: str) -> dict:
    toggle = re.search(r"<button [^>]*data-panel-toggle[^>]*>", html).group(0)
    aside = re.search(r'<aside class="side" id="ticket-panel"[^>]*>', html).group(0)
    return {
        "expanded": re.search(r'aria-expanded="(\w+)"', toggle).group(1),
        "controls": re.search(r'aria-controls="([\w-]+)"', toggle).group(1),
        "hidden": " hidden" in aside,
        "layout_folded": 'class="ticket-layout panel-closed"' in html,
    }


def test_the_panel_is_open_at_first_behind_a_real_button(login, alice, ticket):
    html = login(alice).get(ticket.get_absolute_url()).content.decode()

    assert panel_state(html) == {
        "expanded": "true",
        "controls": "ticket-panel",
        "hidden": False,
        "layout_folded": False,
    }
    assert 'aria-label="Close the information panel" data-panel-close>×</button>' in html


def test_folding_the_panel_without_javascript_is_remembered(login, alice, ticket):
    client = login(alice)

    response = client.post(PANEL, {"open": "0", "next": ticket.get_absolute_url()})

    assert response.status_code == 302
    assert response["Location"] == ticket.get_absolute_url()
    alice.refresh_from_db()
    assert alice.ticket_panel_open is False
    html = client.get(ticket.get_absolute_url()).content.decode()
    assert panel_state(html) == {
        "expanded": "false",
        "controls": "ticket-panel",
        "hidden": True,
        "layout_folded": True,
    }
    assert '<input type="hidden" name="open" value="1">' in html  # the arrow unfolds it


def test_the_pages_script_saves_the_choice_in_the_background(login, alice):
    response = login(alice).post(PANEL, {"open": "0"}, HTTP_ACCEPT="application/json")

    assert response.status_code == 204
    alice.refresh_from_db()
    assert alice.ticket_panel_open is False

    login(alice).post(PANEL, {"open": "1"}, HTTP_ACCEPT="application/json")
    alice.refresh_from_db()
    assert alice.ticket_panel_open is True


def test_the_choice_is_each_users_own(login, alice, bob, ticket):
    login(alice).post(PANEL, {"open": "0"})

    html = login(bob).get(ticket.get_absolute_url()).content.decode()

    assert panel_state(html)["expanded"] == "true"
    assert User.objects.get(pk=bob.pk).ticket_panel_open is True


def test_the_way_back_never_leaves_the_site(login, alice):
    response = login(alice).post(PANEL, {"open": "0", "next": "https://evil.example/"})

    assert response.status_code == 302
    assert response["Location"] == reverse("tickets:list")


def test_the_preference_needs_a_login_and_a_post(client, alice, login):
    anonymous = client.post(PANEL, {"open": "0"})
    assert anonymous.status_code == 302
    assert anonymous["Location"].startswith(reverse("login"))

    assert login(alice).get(PANEL).status_code == 405
    alice.refresh_from_db()
    assert alice.ticket_panel_open is True
