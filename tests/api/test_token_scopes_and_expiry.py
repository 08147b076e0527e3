"""Tokens with a scope (read or write), an expiry, and their last use (issue 21)."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.urls import get_resolver, reverse
from django.utils import timezone
from rest_framework.test import APIClient
from rest_framework.views import APIView

from accounts.models import ApiToken
from accounts.tokens import TokenAuthentication, TokenScope, key_hash, token_create
from tickets.models import Ticket

NEW_TICKET = {"category": "technical", "subject": "Disk full", "description": "db-2 at 95%"}


def token_client(key: str, **extra) -> APIClient:
    client = APIClient(**extra)
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    return client


def test_a_read_only_token_reads(alice, make_ticket):
    ticket = make_ticket(alice)
    _, key = token_create(user=alice, name="dashboard", scope="read")

    client = token_client(key)

    assert client.get("/api/v1/me/").status_code == 200
    assert client.get(f"/api/v1/tickets/{ticket.number}/").status_code == 200
    assert client.head("/api/v1/tickets/").status_code == 200
    assert client.options("/api/v1/tickets/").status_code == 200


@pytest.mark.parametrize("method", ["post", "put", "patch", "delete"])
def test_a_read_only_token_cannot_write_and_nothing_changes(method, alice, make_ticket, category):
    ticket = make_ticket(alice)
    _, key = token_create(user=alice, name="dashboard", scope="read")

    response = getattr(token_client(key), method)(
        f"/api/v1/tickets/{ticket.number}/", {"internal_reference": "X-1"}, format="json"
    )
    opened = token_client(key).post("/api/v1/tickets/", NEW_TICKET, format="json")
    closed = token_client(key).post(f"/api/v1/tickets/{ticket.number}/close/")

    for refused in (response, opened, closed):
        assert refused.status_code == 403
        assert refused.json() == {
            "detail": "This token is read-only: it may read (GET, HEAD, OPTIONS) but not "
            "change anything. Create a token with the read and write scope on your "
            "profile page.",
            "code": "token_read_only",
        }
    ticket.refresh_from_db()
    assert ticket.internal_reference == ""
    assert ticket.status == "open"
    assert Ticket.objects.count() == 1


def test_a_write_token_writes(alice, category):
    _, key = token_create(user=alice, name="crm", scope="write")

    response = token_client(key).post("/api/v1/tickets/", NEW_TICKET, format="json")

    assert response.status_code == 201
    assert Ticket.objects.get().requester == alice


def test_a_session_is_not_limited_by_token_scopes(login, alice, category):
    token_create(user=alice, name="dashboard", scope="read")
    client = login(alice)

    response = client.post("/api/v1/tickets/", NEW_TICKET, content_type="application/json")

    assert response.status_code == 201


def test_tokens_made_before_scopes_keep_writing(alice, category):
    # A row written without a scope, as every token was before the column
    # existed, gets the column's database default: write.
    key = "hd_" + "k" * 43
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO accounts_apitoken (user_id, name, prefix, key_hash, created_at)"
            " VALUES (%s, %s, %s, %s, %s)",
            [alice.pk, "old script", key[:9], key_hash(key), timezone.now()],
        )

    assert ApiToken.objects.get().scope == "write"
    assert token_client(key).post("/api/v1/tickets/", NEW_TICKET, format="json").status_code == 201


def test_every_api_view_that_takes_tokens_checks_their_scope():
    # The scope is enforced by a default permission: a view that set its own
    # permission_classes would lose it, so every view is checked here.
    views = []

    def walk(patterns):
        for pattern in patterns:
            if hasattr(pattern, "url_patterns"):
                walk(pattern.url_patterns)
            elif isinstance(getattr(pattern.callback, "cls", None), type):
                views.append(pattern.callback.cls)

    walk(get_resolver().url_patterns)
    api_views = [
        view
        for view in views
        if issubclass(view, APIView) and TokenAuthentication in view.authentication_classes
    ]
    assert len(api_views) > 5
    assert [view for view in api_views if TokenScope not in view.permission_classes] == []


def test_an_expired_token_gets_401_saying_so_and_never_works_again(alice, settings):
    token, key = token_create(user=alice, name="contractor", expires_in_days=7)
    assert token.expires_at - token.created_at == timedelta(days=7)
    assert token_client(key).get("/api/v1/me/").status_code == 200

    ApiToken.objects.filter(pk=token.pk).update(expires_at=timezone.now() - timedelta(seconds=1))

    for _ in range(2):
        response = token_client(key).get("/api/v1/me/")
        assert response.status_code == 401
        assert response["WWW-Authenticate"] == "Token"
        assert response.json()["code"] == "token_expired"
        assert response.json()["detail"].startswith("This token expired on ")


def test_a_token_without_expiry_never_expires(alice):
    token, _ = token_create(user=alice, name="ci", expires_in_days=None)

    assert token.expires_at is None
    assert not token.is_expired


@pytest.mark.parametrize("days", [0, 1, 14, 3650])
def test_only_the_offered_lifetimes_are_accepted(days, alice):
    with pytest.raises(ValidationError) as refused:
        token_create(user=alice, name="ci", expires_in_days=days)

    assert refused.value.message_dict == {
        "expires_in_days": ["A token expires after 7, 30, 90 or 365 days, or never."]
    }
    assert not ApiToken.objects.exists()


def test_the_profile_form_makes_a_read_only_token_that_expires(login, alice):
    page = login(alice).post(
        reverse("api_token_create"),
        {"name": "dashboard", "scope": "read", "expires_in_days": "30"},
    )

    assert page.status_code == 200
    token = ApiToken.objects.get()
    assert token.scope == "read"
    assert token.expires_at - token.created_at == timedelta(days=30)


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        (
            {"scope": "admin", "expires_in_days": "30"},
            "scope",
            "Choose read only, or read and write.",
        ),
        (
            {"scope": "read", "expires_in_days": "14"},
            "expires_in_days",
            "A token expires after 7, 30, 90 or 365 days, or never.",
        ),
        ({"scope": "read"}, "expires_in_days", "Choose when the token expires."),
    ],
)
def test_the_profile_form_names_the_field_at_fault(data, field, message, login, alice):
    page = login(alice).post(reverse("api_token_create"), {"name": "dashboard", **data})

    assert page.status_code == 400
    assert page.context["token_form"].errors == {field: [message]}
    assert not ApiToken.objects.exists()


def test_the_last_use_is_recorded_with_the_clients_address(alice, settings):
    settings.HELPDESK_PROXY_COUNT = 1
    token, key = token_create(user=alice, name="monitoring", scope="read")
    assert token.last_used_at is None

    before = timezone.now()
    token_client(key, REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="6.6.6.6, 198.51.100.7").get(
        "/api/v1/me/"
    )

    token.refresh_from_db()
    assert token.last_used_ip == "198.51.100.7"
    assert before <= token.last_used_at <= timezone.now()


def test_the_last_use_is_written_at_most_once_a_minute(alice):
    token, key = token_create(user=alice, name="monitoring")
    token_client(key, REMOTE_ADDR="192.0.2.1").get("/api/v1/me/")
    token.refresh_from_db()
    first = token.last_used_at

    token_client(key, REMOTE_ADDR="192.0.2.2").get("/api/v1/me/")
    token.refresh_from_db()
    assert (token.last_used_at, token.last_used_ip) == (first, "192.0.2.1")

    ApiToken.objects.filter(pk=token.pk).update(last_used_at=first - timedelta(minutes=2))
    token_client(key, REMOTE_ADDR="192.0.2.2").get("/api/v1/me/")
    token.refresh_from_db()
    assert token.last_used_ip == "192.0.2.2"
    assert token.last_used_at > first


def test_the_profile_lists_scope_expiry_and_last_use(login, alice):
    _token, key = token_create(user=alice, name="dashboard", scope="read", expires_in_days=90)
    token_client(key, REMOTE_ADDR="203.0.113.9").get("/api/v1/me/")
    expired, _ = token_create(user=alice, name="old", expires_in_days=7)
    ApiToken.objects.filter(pk=expired.pk).update(expires_at=timezone.now() - timedelta(days=1))

    page = login(alice).get(reverse("profile")).content.decode()

    assert "Read only" in page
    assert "Read and write" in page
    assert "from 203.0.113.9" in page
    assert "<strong>expired</strong>" in page
    assert "Everyone&#x27;s API tokens" not in page


def test_the_schema_names_the_token_scopes(client, db):
    schema = client.get("/api/schema/", HTTP_ACCEPT="application/json").json()

    description = schema["components"]["securitySchemes"]["tokenAuth"]["description"]
    assert "**read**" in description
    assert "**write**" in description
    assert "token_read_only" in description
    paths = schema["paths"]
    assert paths["/api/v1/tickets/"]["get"]["x-token-scope"] == "read"
    assert paths["/api/v1/tickets/"]["post"]["x-token-scope"] == "write"
    assert paths["/api/v1/tickets/{number}/close/"]["post"]["x-token-scope"] == "write"
