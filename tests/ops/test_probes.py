"""Health probes skip what they do not use (sessions, auth, CSRF, two-factor,
lockouts, URL resolution) yet carry every header and are counted per view."""

from __future__ import annotations

import pytest

from ops.services import heartbeat_record

pytestmark = pytest.mark.django_db

PROBES = ["/healthz", "/healthz/live", "/healthz/ready"]


@pytest.mark.parametrize("path", PROBES)
def test_a_probe_with_a_login_cookie_reads_no_session_and_sets_no_cookie(client, alice, path):
    heartbeat_record()
    client.force_login(alice)

    response = client.get(path)

    assert response.status_code == 200
    assert response.cookies == {}
    assert "Cookie" not in response.get("Vary", "")
    request = response.wsgi_request
    assert not hasattr(request, "session")  # the session middleware never ran
    assert not hasattr(request, "user")  # nor authentication, two-factor or axes


@pytest.mark.parametrize("path", PROBES)
def test_a_probe_carries_the_headers_every_response_carries(client, path):
    heartbeat_record()

    response = client.get(path, HTTP_X_REQUEST_ID="probe-1")

    assert response["X-Request-ID"] == "probe-1"
    assert "frame-ancestors 'none'" in response["Content-Security-Policy"]
    assert response["Permissions-Policy"].startswith("camera=()")
    assert response["Referrer-Policy"] == "same-origin"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "no-cache" in response["Cache-Control"]


def test_the_database_probe_asks_the_database_once_and_liveness_not_at_all(
    client, django_assert_num_queries
):
    with django_assert_num_queries(1):
        assert client.get("/healthz").content == b"ok"
    with django_assert_num_queries(0):
        assert client.get("/healthz/live").content == b"ok"


def test_a_probe_answers_whatever_host_name_it_is_sent_to(client):
    # An orchestrator probes the container by its address, not the site's name.
    assert client.get("/healthz/live", HTTP_HOST="10.1.2.3:8000").status_code == 200
    assert client.get("/accounts/login/", HTTP_HOST="10.1.2.3:8000").status_code == 400


def test_a_path_beside_the_probes_goes_the_usual_way(client):
    response = client.get("/healthz/live/")

    assert response.status_code == 404
    assert hasattr(response.wsgi_request, "session")
