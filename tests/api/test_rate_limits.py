"""Rate limits per user and per organisation, and the headers that show them (issue 21)."""

import pytest
from django.test import Client
from rest_framework.test import APIClient

from accounts.tokens import token_create
from tests.concurrency import run_together
from tickets.api.throttling import bucket_hit


@pytest.fixture
def rates(settings):
    def set_rates(user: str = "1000/minute", organization: str = "1000/minute") -> None:
        settings.HELPDESK_API_RATE = user
        settings.HELPDESK_API_ORGANIZATION_RATE = organization

    return set_rates


def figures(response) -> tuple[int, int, int]:
    return (
        int(response["X-RateLimit-Limit"]),
        int(response["X-RateLimit-Remaining"]),
        int(response["X-RateLimit-Reset"]),
    )


def test_every_answer_says_the_limit_and_what_is_left(api, alice, rates):
    rates(user="5/minute")
    client = api(alice)

    answers = [client.get("/api/v1/me/") for _ in range(5)]

    assert [response.status_code for response in answers] == [200] * 5
    assert [figures(response)[:2] for response in answers] == [
        (5, 4),
        (5, 3),
        (5, 2),
        (5, 1),
        (5, 0),
    ]
    resets = [figures(response)[2] for response in answers]
    assert all(0 < reset <= 60 for reset in resets)
    assert resets == sorted(resets, reverse=True)


def test_past_the_limit_429_with_retry_after_and_the_headers(api, alice, rates):
    rates(user="2/minute")
    client = api(alice)
    client.get("/api/v1/me/")
    client.get("/api/v1/me/")

    refused = client.get("/api/v1/me/")

    assert refused.status_code == 429
    assert refused.json()["code"] == "throttled"
    limit, remaining, reset = figures(refused)
    assert (limit, remaining) == (2, 0)
    assert 0 < int(refused["Retry-After"]) <= 60
    assert abs(int(refused["Retry-After"]) - reset) <= 1


def test_refused_requests_carry_the_headers_too(alice, rates, category):
    rates(user="5/minute")
    _, key = token_create(user=alice, name="dashboard", scope="read")
    client = APIClient(REMOTE_ADDR="198.51.100.4")
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")

    read_only = client.post("/api/v1/tickets/", {}, format="json")
    anonymous = Client(REMOTE_ADDR="198.51.100.4").get("/api/v1/me/")
    bad_key = Client(REMOTE_ADDR="198.51.100.4").get(
        "/api/v1/me/", HTTP_AUTHORIZATION="Token hd_nope"
    )

    assert read_only.status_code == 403
    assert figures(read_only)[:2] == (5, 4)
    # Before login the caller is its address: failed keys count there, so
    # guessing keys is limited like everything else.
    assert (anonymous.status_code, figures(anonymous)[:2]) == (401, (5, 4))
    assert (bad_key.status_code, figures(bad_key)[:2]) == (401, (5, 3))


def test_guessing_keys_from_one_address_meets_429(db, rates):
    rates(user="3/minute")
    client = Client(REMOTE_ADDR="203.0.113.50")

    codes = [
        client.get("/api/v1/me/", HTTP_AUTHORIZATION=f"Token hd_guess{n}").status_code
        for n in range(4)
    ]

    assert codes == [401, 401, 401, 429]


def test_an_organisations_users_share_its_bucket(api, alice, bob, carol, rates):
    rates(user="10/minute", organization="3/minute")
    alice_api, bob_api, carol_api = api(alice), api(bob), api(carol)

    alice_api.get("/api/v1/me/")
    alice_api.get("/api/v1/me/")
    third = bob_api.get("/api/v1/me/")
    refused = bob_api.get("/api/v1/me/")
    other_organisation = carol_api.get("/api/v1/me/")

    assert third.status_code == 200
    assert figures(third)[:2] == (3, 0)  # the organisation's bucket is the tighter
    assert refused.status_code == 429
    assert figures(refused)[:2] == (3, 0)
    assert other_organisation.status_code == 200
    assert figures(other_organisation)[:2] == (3, 2)


def test_a_user_past_their_own_limit_leaves_the_organisation_its_share(api, alice, bob, rates):
    rates(user="2/minute", organization="4/minute")
    alice_api = api(alice)
    codes = [alice_api.get("/api/v1/me/").status_code for _ in range(5)]

    bob_answers = [api(bob).get("/api/v1/me/") for _ in range(2)]

    assert codes == [200, 200, 429, 429, 429]
    assert [response.status_code for response in bob_answers] == [200, 200]
    assert figures(bob_answers[-1])[:2] == (2, 0)  # his own bucket: 2 of 2; Acme's: 4 of 4


def test_support_staff_have_no_organisation_bucket(api, agent, rates):
    rates(user="5/minute", organization="1/minute")
    client = api(agent)

    answers = [client.get("/api/v1/me/") for _ in range(3)]

    assert [response.status_code for response in answers] == [200, 200, 200]
    assert figures(answers[-1])[:2] == (5, 2)


def test_pages_outside_the_api_have_no_rate_headers(client, db):
    assert "X-RateLimit-Limit" not in client.get("/accounts/login/")


def hit_together(bucket: str, rate: str, times: int) -> list[bool]:
    hits = run_together(*[lambda: bucket_hit(bucket, rate).allowed for _ in range(times)])
    assert all(isinstance(hit, bool) for hit in hits), hits
    return hits


def test_twenty_at_once_let_exactly_the_limit_through_the_local_cache(db):
    assert hit_together("user:twenty", "5/minute", 20).count(True) == 5


def test_twenty_at_once_let_exactly_the_limit_through_redis(redis_cache, db):
    assert hit_together("user:twenty", "5/minute", 20).count(True) == 5
    assert hit_together("organization:other", "7/minute", 20).count(True) == 7


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_twenty_requests_at_once_get_no_more_than_the_limit(alice, rates, category):
    rates(user="5/minute")
    _, key = token_create(user=alice, name="load test")

    def call():
        response = Client().get("/api/v1/tickets/", HTTP_AUTHORIZATION=f"Token {key}")
        return response.status_code, int(response["X-RateLimit-Remaining"])

    answers = run_together(*[call for _ in range(20)])

    codes = sorted(code for code, _ in answers)
    assert codes == [200] * 5 + [429] * 15
    assert sorted(left for code, left in answers if code == 200) == [0, 1, 2, 3, 4]


def test_the_schema_documents_the_headers(client, db):
    description = client.get("/api/schema/", HTTP_ACCEPT="application/json").json()["info"][
        "description"
    ]

    for header in ("X-RateLimit-Limit", "X-RateLimit-Remaining", "X-RateLimit-Reset"):
        assert header in description
    assert "seconds until the window ends" in description
    assert "Retry-After" in description
