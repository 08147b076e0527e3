"""/metrics: Prometheus sees requests, queues, the outbox, auto-close runs and
ingestion outcomes; nobody else sees anything, and no tenant's data shows."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
from datetime import timedelta
from pathlib import Path
from urllib.request import Request, urlopen

import pytest
from celery import current_app
from django.utils import timezone
from prometheus_client.parser import text_string_to_metric_families

from inbound.models import InboundEmail, SupportAddress
from inbound.services import email_ingest
from notifications.services import notifications_for_event
from outbox.models import Purpose
from outbox.services import email_enqueue
from tests.inbound import corpus
from tests.workers import wait_for, worker_env
from tickets import services
from tickets.models import Priority, Ticket, TicketEvent
from tickets.tasks import autoclose_task
from tickets.workflow import Action

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[2]
TOKEN = "metrics-token-for-tests-0123456789abcdef"
OUTSIDER = "203.0.113.7"


@pytest.fixture
def token(settings):
    settings.HELPDESK_METRICS_TOKEN = TOKEN
    return TOKEN


def scrape(client, **extra) -> dict[tuple, float]:
    """Every sample of one scrape, keyed by (name, sorted labels)."""
    response = client.get("/metrics", HTTP_AUTHORIZATION=f"Bearer {TOKEN}", **extra)
    assert response.status_code == 200
    return {
        (sample.name, tuple(sorted(sample.labels.items()))): sample.value
        for family in text_string_to_metric_families(response.content.decode())
        for sample in family.samples
    }


def outbox(samples, outbox_name: str) -> dict[str, float]:
    return {
        dict(labels)["state"]: value
        for (name, labels), value in samples.items()
        if name == "helpdesk_outbox_emails" and dict(labels)["outbox"] == outbox_name
    }


def value(samples, name: str, **labels) -> float:
    return samples[(name, tuple(sorted(labels.items())))]


# Who may scrape


def test_an_outsider_without_the_token_is_refused(client, token):
    for headers in (
        {},
        {"HTTP_AUTHORIZATION": "Bearer wrong-token"},
        {"HTTP_AUTHORIZATION": TOKEN},
    ):
        response = client.get("/metrics", REMOTE_ADDR=OUTSIDER, **headers)

        assert response.status_code == 403, headers
        assert b"helpdesk_" not in response.content
        assert b"django_http" not in response.content


def test_without_a_token_configured_an_outsider_is_refused_whatever_it_sends(client, settings):
    settings.HELPDESK_METRICS_TOKEN = ""

    response = client.get("/metrics", REMOTE_ADDR=OUTSIDER, HTTP_AUTHORIZATION="Bearer ")

    assert response.status_code == 403


def test_the_token_opens_the_metrics_from_anywhere(client, token):
    response = client.get("/metrics", REMOTE_ADDR=OUTSIDER, HTTP_AUTHORIZATION=f"Bearer {TOKEN}")

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/plain; version=")
    assert b"helpdesk_outbox_emails" in response.content


def test_loopback_may_scrape_without_a_token(client):
    for address in ("127.0.0.1", "::1", "::ffff:127.0.0.1"):
        response = client.get("/metrics", REMOTE_ADDR=address)

        assert response.status_code == 200, address


def test_a_configured_network_may_scrape_and_its_neighbours_may_not(client, settings):
    settings.HELPDESK_METRICS_ALLOWED_NETWORKS = ["10.1.0.0/16"]

    assert client.get("/metrics", REMOTE_ADDR="10.1.2.3").status_code == 200
    assert client.get("/metrics", REMOTE_ADDR="10.2.0.1").status_code == 403
    assert client.get("/metrics", REMOTE_ADDR="127.0.0.1").status_code == 403


def test_a_request_through_an_uncounted_proxy_on_loopback_is_refused(client):
    # A proxy on the same machine makes every client look like 127.0.0.1;
    # without HELPDESK_PROXY_COUNT its headers say so, and the address is not believed.
    for header in ("HTTP_X_FORWARDED_FOR", "HTTP_X_FORWARDED_PROTO", "HTTP_X_REAL_IP"):
        response = client.get("/metrics", REMOTE_ADDR="127.0.0.1", **{header: OUTSIDER})

        assert response.status_code == 403, header


def test_behind_counted_proxies_the_client_address_decides(client, settings):
    settings.HELPDESK_PROXY_COUNT = 1
    settings.HELPDESK_METRICS_ALLOWED_NETWORKS = ["10.1.0.0/16"]

    inside = client.get("/metrics", REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR="10.1.0.9")
    forged = client.get(
        "/metrics", REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR=f"10.1.0.9, {OUTSIDER}"
    )

    assert (inside.status_code, forged.status_code) == (200, 403)


def test_the_metrics_answer_over_plain_http_with_the_security_headers(client, settings, token):
    settings.SECURE_SSL_REDIRECT = True

    response = client.get("/metrics", HTTP_AUTHORIZATION=f"Bearer {TOKEN}")

    assert response.status_code == 200
    policy = [part.strip() for part in response["Content-Security-Policy"].split(";")]
    assert {"default-src 'self'", "script-src 'self'", "frame-ancestors 'none'"} <= set(policy)
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Cache-Control"].startswith("max-age=0")


# What it shows


def test_the_outbox_counts_move_when_an_email_is_enqueued_and_sent(client, token, deliver_outbox):
    before = outbox(scrape(client), "outbound")
    email_enqueue(
        purpose=Purpose.PASSWORD_RESET, to="someone@example.com", subject="Reset", body="Hi"
    )
    queued = outbox(scrape(client), "outbound")
    assert deliver_outbox() == 1
    sent = outbox(scrape(client), "outbound")

    zero = {"pending": 0, "sending": 0, "sent": 0, "failed": 0, "skipped": 0}
    assert before == zero
    assert queued == {**zero, "pending": 1}
    assert sent == {**zero, "sent": 1}


def test_notification_emails_are_counted_by_state(client, token, alice, agent, agent2, make_ticket):
    ticket = make_ticket(alice)  # support hears of every new ticket
    event = TicketEvent.objects.filter(ticket=ticket).earliest("pk")

    notifications_for_event(event_id=event.pk)

    counts = outbox(scrape(client), "notification")
    assert counts == {"pending": 2, "sending": 0, "sent": 0, "failed": 0, "off": 0, "skipped": 0}


def test_queue_depth_appears_for_every_queue(
    client, token, empty_queues, django_capture_on_commit_callbacks
):
    empty = scrape(client)
    with django_capture_on_commit_callbacks(execute=True):  # the send is queued after commit
        email_enqueue(purpose=Purpose.PASSWORD_RESET, to="a@example.com", subject="A", body="A")
        email_enqueue(purpose=Purpose.PASSWORD_RESET, to="b@example.com", subject="B", body="B")
    queued = scrape(client)

    depth = "helpdesk_celery_queue_messages"
    assert value(empty, "helpdesk_broker_up") == 1
    assert [value(empty, depth, queue=q) for q in ("default", "email", "maintenance")] == [0, 0, 0]
    assert [value(queued, depth, queue=q) for q in ("default", "email", "maintenance")] == [0, 2, 0]


def test_a_broker_that_is_down_shows_as_down_and_the_rest_still_answers(client, token):
    from celery import Celery

    real = current_app._get_current_object()
    down = Celery("broker-down", set_as_current=False)
    down.conf.broker_url = down.conf.broker_read_url = "redis://127.0.0.1:1/0"
    down.conf.broker_connection_timeout = 1
    down.set_current()
    try:
        samples = scrape(client)
    finally:
        real.set_current()
        down.close()

    assert value(samples, "helpdesk_broker_up") == 0
    assert not [key for key in samples if key[0] == "helpdesk_celery_queue_messages"]
    assert value(samples, "helpdesk_outbox_emails", outbox="outbound", state="pending") == 0


def test_auto_close_runs_are_counted_from_what_the_task_recorded(
    client, token, alice, agent, make_ticket
):
    ticket = make_ticket(alice)
    services.ticket_change_status(ticket=ticket, actor=agent, action=Action.SOLVE)
    Ticket.objects.filter(pk=ticket.pk).update(solved_at=timezone.now() - timedelta(hours=80))
    before = scrape(client)

    autoclose_task.apply()  # Celery's own run of the task, with its signals, as a worker's
    autoclose_task.apply()  # nothing left to close
    after = scrape(client)

    runs = "helpdesk_task_runs_total"
    assert value(before, runs, task="tickets.autoclose", outcome="succeeded") == 0
    assert value(after, runs, task="tickets.autoclose", outcome="succeeded") == 2
    assert value(after, runs, task="tickets.autoclose", outcome="failed") == 0
    assert value(after, "helpdesk_task_processed_total", task="tickets.autoclose") == 1
    last = value(after, "helpdesk_task_last_success_timestamp_seconds", task="tickets.autoclose")
    assert abs(last - timezone.now().timestamp()) < 60


def test_ingestion_outcomes_are_counted_by_state(client, token, bob, category):
    SupportAddress.objects.create(email=corpus.SUPPORT, priority=Priority.NORMAL)
    email_ingest(raw=corpus.plain())  # bob's mail opens a ticket
    email_ingest(raw=corpus.auto_reply())  # an out-of-office is ignored
    email_ingest(raw=corpus.plain(sender="stranger@elsewhere.example", message_id="<s@x>"))

    samples = scrape(client)

    counts = {
        dict(labels)["state"]: count
        for (name, labels), count in samples.items()
        if name == "helpdesk_inbound_emails"
    }
    stored = dict.fromkeys(InboundEmail.State.values, 0)
    for state in InboundEmail.objects.values_list("state", flat=True):
        stored[state] += 1
    assert counts == stored
    assert (counts["ticket"], counts["ignored"], sum(counts.values())) == (1, 1, 3)


def test_requests_are_counted_and_timed_per_view(client, token):
    def served(samples) -> tuple[float, float]:
        count = samples.get(
            (
                "django_http_requests_total_by_view_transport_method_total",
                (("method", "GET"), ("transport", "http"), ("view", "healthz-live")),
            ),
            0,
        )
        timed = samples.get(
            (
                "django_http_requests_latency_seconds_by_view_method_count",
                (("method", "GET"), ("view", "healthz-live")),
            ),
            0,
        )
        return count, timed

    before = served(scrape(client))  # the per-process files outlive a test
    client.get("/healthz/live")
    client.get("/healthz/live")
    after = served(scrape(client))

    assert (after[0] - before[0], after[1] - before[1]) == (2, 2)


def test_a_made_up_method_does_not_make_a_new_series(client, token):
    client.generic("BREW", "/healthz/live")

    samples = scrape(client)

    methods = {dict(labels).get("method") for (_, labels) in samples}
    assert "BREW" not in methods
    assert "<invalid method>" in methods


def test_a_scrape_takes_the_same_few_queries_however_much_there_is(
    client, token, alice, agent, make_ticket, django_assert_num_queries
):
    with django_assert_num_queries(5):  # outbox, notifications, webhooks, inbound, task runs
        client.get("/metrics", HTTP_AUTHORIZATION=f"Bearer {TOKEN}")

    for n in range(5):
        ticket = make_ticket(alice, subject=f"Ticket {n}")
        notifications_for_event(
            event_id=TicketEvent.objects.filter(ticket=ticket).earliest("pk").pk
        )
        email_enqueue(purpose=Purpose.PASSWORD_RESET, to=f"{n}@example.com", subject="R", body="R")
    autoclose_task.apply()

    with django_assert_num_queries(5):
        client.get("/metrics", HTTP_AUTHORIZATION=f"Bearer {TOKEN}")


def test_no_organisation_or_person_shows_in_the_metrics(
    client, token, alice, carol, agent, make_ticket
):
    for customer in (alice, carol):
        ticket = make_ticket(customer, subject="Secret project Falcon")
        notifications_for_event(
            event_id=TicketEvent.objects.filter(ticket=ticket).earliest("pk").pk
        )
    email_enqueue(purpose=Purpose.INVITATION, to=alice.email, subject="Welcome", body="Hi")

    text = client.get("/metrics", HTTP_AUTHORIZATION=f"Bearer {TOKEN}").content.decode()

    for secret in ("Acme", "ACME", "Globex", "acme.example", "globex.example", "Falcon", "@"):
        assert secret not in text, secret


# Under gunicorn, as in production


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.mark.django_db(transaction=True)
def test_gunicorn_workers_add_up_in_one_scrape_and_log_json_lines(tmp_path):
    """Three gunicorn workers (gunicorn.conf.py as in the image), production settings:
    whichever worker answers the scrape, it counts every worker's requests."""
    folder = tmp_path / "prometheus"
    folder.mkdir()
    (folder / "counter_1.db").write_bytes(b"left by an earlier run")
    port = free_port()
    env = worker_env(smtp_port=1)  # the test database
    env.update(
        DJANGO_SETTINGS_MODULE="helpdesk.settings",
        DEBUG="0",
        SECRET_KEY="x" * 60,
        ALLOWED_HOSTS="127.0.0.1",
        SECURE_SSL_REDIRECT="0",
        PROMETHEUS_MULTIPROC_DIR=str(folder),
        HELPDESK_METRICS_TOKEN=TOKEN,
    )
    env.pop("HELPDESK_LOG_FORMAT", None)
    command = [sys.executable, "-m", "gunicorn", "helpdesk.wsgi", "--workers", "3"]
    command += ["--bind", f"127.0.0.1:{port}", "--access-logfile", "-"]
    server = subprocess.Popen(
        command,
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    base = f"http://127.0.0.1:{port}"

    def get(path: str, **headers) -> bytes:
        with urlopen(Request(base + path, headers=headers), timeout=10) as response:
            return response.read()

    def answers() -> bool:
        try:
            return get("/healthz/live", **{"X-Request-ID": "probe"}) == b"ok"
        except OSError:
            return False

    try:
        wait_for(answers, timeout=60, what="gunicorn")
        for n in range(12):
            get("/healthz/live", **{"X-Request-ID": f"req-{n}"})
        scraped = get("/metrics", Authorization=f"Bearer {TOKEN}").decode()
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        output = server.communicate(timeout=20)[0].decode()

    served = {
        sample.labels["method"]: sample.value
        for family in text_string_to_metric_families(scraped)
        for sample in family.samples
        if sample.name == "django_http_requests_total_by_view_transport_method_total"
        and sample.labels["view"] == "healthz-live"
    }
    probes = output.count('"request_id": "probe"')
    assert served == {"GET": 12 + probes}
    assert not (folder / "counter_1.db").exists()
    access = [json.loads(line) for line in output.splitlines() if '"gunicorn.access"' in line]
    assert {"message": "GET /healthz/live 200", "request_id": "req-7", "status": 200}.items() <= (
        next(line for line in access if line.get("request_id") == "req-7").items()
    )
