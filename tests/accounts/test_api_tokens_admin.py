"""Support admins list and revoke anybody's API tokens; nobody else can (issue 21)."""

import pytest
from django.test import Client
from django.urls import reverse

from accounts.models import ApiToken
from accounts.tokens import token_create


def test_a_support_admin_sees_every_token(login, support_admin, alice, carol):
    token_create(user=alice, name="acme crm", scope="read", expires_in_days=30)
    token_create(user=carol, name="globex monitoring")

    response = login(support_admin).get(reverse("api_tokens_all"))

    assert response.status_code == 200
    page = response.content.decode()
    for text in ("alice@acme.example", "acme crm", "ACME", "Read only", "Globex", "never"):
        assert text in page
    assert [token.name for token in response.context["page"].object_list] == [
        "globex monitoring",
        "acme crm",
    ]


def test_a_support_admin_finds_tokens_by_organisation(login, support_admin, alice, carol):
    token_create(user=alice, name="acme crm")
    token_create(user=carol, name="globex monitoring")

    response = login(support_admin).get(reverse("api_tokens_all"), {"q": "globex"})

    assert [token.name for token in response.context["page"].object_list] == ["globex monitoring"]


def test_a_support_admin_revokes_anybodys_token(login, support_admin, carol):
    token, key = token_create(user=carol, name="globex monitoring")

    response = login(support_admin).post(reverse("api_tokens_all_revoke", args=[token.pk]))

    assert response.status_code == 302
    assert not ApiToken.objects.filter(pk=token.pk).exists()
    refused = Client().get("/api/v1/me/", HTTP_AUTHORIZATION=f"Token {key}")
    assert refused.status_code == 401


def test_revoking_needs_the_csrf_token(support_admin, carol):
    token, _ = token_create(user=carol, name="globex monitoring")
    client = Client(enforce_csrf_checks=True)
    client.force_login(support_admin)

    response = client.post(reverse("api_tokens_all_revoke", args=[token.pk]))

    assert response.status_code == 403
    assert ApiToken.objects.filter(pk=token.pk).exists()


@pytest.mark.parametrize("who", ["alice", "bob", "agent", "carol"])
def test_nobody_else_sees_or_revokes_the_tokens(who, request, login, alice, bob, carol):
    # alice: the token's owner and Acme's admin; carol: Globex's admin.
    token, _ = token_create(user=bob, name="acme crm")
    client = login(request.getfixturevalue(who))

    listed = client.get(reverse("api_tokens_all"))
    revoked = client.post(reverse("api_tokens_all_revoke", args=[token.pk]))

    assert (listed.status_code, revoked.status_code) == (404, 404)
    assert ApiToken.objects.filter(pk=token.pk).exists()


def test_another_organisations_admin_cannot_revoke_from_the_profile_either(login, carol, alice):
    token, _ = token_create(user=alice, name="acme crm")

    response = login(carol).post(reverse("api_token_revoke", args=[token.pk]))

    assert response.status_code == 404
    assert ApiToken.objects.filter(pk=token.pk).exists()


def test_the_profile_links_support_admins_to_every_token(login, support_admin):
    page = login(support_admin).get(reverse("profile")).content.decode()

    assert reverse("api_tokens_all") in page


def test_the_django_admin_lists_scope_expiry_and_last_use(login, support_admin, alice):
    token_create(user=alice, name="acme crm", scope="read", expires_in_days=7)

    page = login(support_admin).get(reverse("admin:accounts_apitoken_changelist"))

    assert page.status_code == 200
    text = page.content.decode()
    for column in (
        "column-scope",
        "column-expires_at",
        "column-last_used_ip",
        "column-organization",
    ):
        assert column in text
