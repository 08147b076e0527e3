"""A customer admin manages their organisation's people, and nobody else's."""

import re

import pytest
from django.core import mail
from django.urls import reverse

from accounts.models import User
from tests.helpers import can_log_in

PAGE = reverse("organization")


def member_url(user):
    return reverse("organization_member", args=[user.pk])


def test_the_admin_sees_the_organisations_users_alias_and_tier(login, alice, bob, carol):
    html = login(alice).get(PAGE).content.decode()

    assert "bob@acme.example" in html
    assert "alice@acme.example" in html
    assert "carol@globex.example" not in html
    assert "<code>ACME</code>" in html
    assert "Enterprise support tier" in html


def test_members_and_staff_do_not_get_the_page(login, bob, agent):
    assert login(bob).get(PAGE).status_code == 404
    assert login(agent).get(PAGE).status_code == 404


def test_an_invitation_creates_a_member_who_sets_a_password_and_logs_in(
    client, login, alice, deliver_outbox
):
    login(alice).post(PAGE, {"email": "dana@acme.example", "full_name": "Dana Diaz"})
    assert deliver_outbox() == 1

    dana = User.objects.get(email="dana@acme.example")
    assert (dana.organization, dana.role, dana.has_usable_password()) == (
        alice.organization,
        "member",
        False,
    )
    link = re.search(r"https?://[^/]+(/accounts/invitation/\S+)", mail.outbox[0].body).group(1)
    client.logout()
    form = client.get(link, follow=True)
    client.post(
        form.redirect_chain[-1][0],
        {"new_password1": "dana-likes-tickets-9", "new_password2": "dana-likes-tickets-9"},
    )

    assert can_log_in(client, "dana@acme.example", "dana-likes-tickets-9")
    client.logout()
    assert "has expired or was already used" in client.get(link, follow=True).content.decode()


def test_an_existing_email_cannot_be_invited_again(login, alice, carol):
    response = login(alice).post(PAGE, {"email": "carol@globex.example", "full_name": "Carol"})

    assert response.status_code == 400
    assert "Someone already has an account with that email." in response.content.decode()
    assert User.objects.get(email="carol@globex.example").organization.alias == "GLOBEX"


def test_make_and_unmake_an_admin(login, alice, bob):
    client = login(alice)

    client.post(member_url(bob), {"action": "make_admin"})
    assert User.objects.get(pk=bob.pk).role == "admin"
    client.post(member_url(bob), {"action": "unmake_admin"})
    assert User.objects.get(pk=bob.pk).role == "member"


def test_the_last_admin_stays_an_admin(login, alice):
    response = login(alice).post(member_url(alice), {"action": "unmake_admin"}, follow=True)

    assert "An organisation keeps at least one active admin." in response.content.decode()
    assert User.objects.get(pk=alice.pk).role == "admin"


def test_a_deactivated_user_can_no_longer_log_in_and_their_tickets_stay(
    client, login, alice, bob, make_ticket
):
    ticket = make_ticket(bob)
    login(alice).post(member_url(bob), {"action": "deactivate"})

    client.logout()
    assert not can_log_in(client, bob.email)
    assert ticket.__class__.objects.filter(pk=ticket.pk, requester=bob).exists()
    login(alice).post(member_url(bob), {"action": "reactivate"})
    assert can_log_in(client, bob.email)


def test_a_deactivated_users_session_stops_working(client, alice, bob):
    bob_client = client.__class__()
    bob_client.force_login(bob)
    admin = client.__class__()
    admin.force_login(alice)

    admin.post(member_url(bob), {"action": "deactivate"})

    assert bob_client.get(reverse("tickets:list")).status_code == 302


@pytest.mark.parametrize("action", ["make_admin", "unmake_admin", "deactivate", "reactivate"])
def test_an_acme_admin_cannot_touch_a_globex_user(action, login, alice, carol):
    before = (carol.role, carol.is_active)

    response = login(alice).post(member_url(carol), {"action": action})

    carol.refresh_from_db()
    assert response.status_code == 404
    assert (carol.role, carol.is_active) == before


def test_no_form_field_invites_into_another_organisation(login, alice, globex):
    login(alice).post(
        PAGE, {"email": "eve@example.com", "full_name": "Eve", "organization": globex.pk}
    )

    assert User.objects.get(email="eve@example.com").organization.alias == "ACME"


def test_a_member_cannot_manage_users(login, bob, alice):
    response = login(bob).post(member_url(alice), {"action": "deactivate"})

    assert response.status_code == 404
    assert User.objects.get(pk=alice.pk).is_active
