"""What ``/metrics`` tells Prometheus, and who may ask.

Two sources, merged into one scrape:

* **Requests and latencies per view** come from django-prometheus's middleware.
  They are counted in each web process; gunicorn runs several, so
  prometheus-client's multiprocess mode keeps every process's values in files
  under ``PROMETHEUS_MULTIPROC_DIR`` (``var/prometheus`` by default, emptied
  when gunicorn starts: ``gunicorn.conf.py``) and a scrape adds them up,
  whichever process answers it.
* **The desk's own numbers** are read at scrape time by :class:`DeskCollector`,
  from the rows and the broker every process shares, never from memory: one
  aggregate query per table, and one look at the broker. Events of the workers
  (auto-close runs, ingestion outcomes) are therefore right however many
  workers there are and wherever they run: they are rows.

Nothing here is per organisation or per person: labels are queue names, states
and task names only.
"""

from __future__ import annotations

import hmac
import ipaddress
import logging
import os
from collections.abc import Iterable, Iterator

from celery import current_app
from django.conf import settings
from django.db.models import Count, QuerySet
from django.http import HttpRequest
from kombu.exceptions import ChannelError
from prometheus_client import REGISTRY, CollectorRegistry, generate_latest
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily, Metric
from prometheus_client.multiprocess import MultiProcessCollector
from prometheus_client.registry import Collector

from accounts.backends import client_address
from inbound.models import InboundEmail
from notifications.models import EmailState, Notification
from ops.celery_hooks import periodic_task_names
from ops.models import TaskRuns
from outbox.models import OutboundEmail
from outbox.models import State as OutboundState
from webhooks.models import State as WebhookState
from webhooks.models import WebhookDelivery

logger = logging.getLogger(__name__)

# Headers a reverse proxy adds. With them and no HELPDESK_PROXY_COUNT, the peer
# address is the proxy's (often loopback), not the client's: never trust it.
PROXY_HEADERS = (
    "HTTP_X_FORWARDED_FOR",
    "HTTP_X_FORWARDED_PROTO",
    "HTTP_X_FORWARDED_HOST",
    "HTTP_X_REAL_IP",
    "HTTP_FORWARDED",
)


def scrape_allowed(request: HttpRequest) -> bool:
    """A scrape is allowed with ``Authorization: Bearer <HELPDESK_METRICS_TOKEN>``,
    or from an address in ``HELPDESK_METRICS_ALLOWED_NETWORKS`` (loopback by
    default). The client address is read as the login lockout reads it
    (``HELPDESK_PROXY_COUNT``); a request that came through a proxy the settings
    do not count is never allowed by address."""
    token = settings.HELPDESK_METRICS_TOKEN
    if token:
        scheme, _, given = request.headers.get("Authorization", "").partition(" ")
        if scheme.lower() == "bearer" and hmac.compare_digest(
            given.strip().encode(), token.encode()
        ):
            return True
    networks = settings.HELPDESK_METRICS_ALLOWED_NETWORKS
    if not networks:
        return False
    if settings.HELPDESK_PROXY_COUNT == 0 and any(h in request.META for h in PROXY_HEADERS):
        return False
    try:
        address = ipaddress.ip_address(client_address(request) or "")
    except ValueError:
        return False
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped:
        address = address.ipv4_mapped  # a dual-stack socket's ::ffff:127.0.0.1
    return any(address in ipaddress.ip_network(network, strict=False) for network in networks)


def queue_names() -> list[str]:
    """Every queue a task is routed to (``CELERY_TASK_ROUTES``) and the default one."""
    names = {settings.CELERY_TASK_DEFAULT_QUEUE}
    names.update(route["queue"] for route in settings.CELERY_TASK_ROUTES.values())
    return sorted(names)


def queue_depths() -> dict[str, int]:
    """Messages waiting in each queue, as the transport counts them: on Redis the
    LLEN of the queue's keys (one per priority, one pipeline); on the embedded
    filesystem broker the message files for the queue in ``var/broker/queue``.
    Raises when the broker does not answer within a few seconds."""
    depths: dict[str, int] = {}
    with current_app.connection_for_read() as connection:
        connection.ensure_connection(max_retries=1, interval_start=0, interval_step=0, timeout=2)
        channel = connection.default_channel
        for name in queue_names():
            try:
                depths[name] = channel.queue_declare(queue=name, passive=True).message_count
            except ChannelError:  # Redis keeps no key for an empty queue
                depths[name] = 0
    return depths


def counts_by(queryset: QuerySet, field: str, states: Iterable[str]) -> dict[str, int]:
    """Rows per value of ``field`` (every state listed, 0 when none): one GROUP BY."""
    counts = dict.fromkeys(states, 0)
    rows = queryset.order_by().values_list(field).annotate(rows=Count("pk"))
    for state, rows_in_state in rows:
        counts[state] = rows_in_state
    return counts


class DeskCollector(Collector):
    """The desk's numbers, read when Prometheus asks (four queries and the broker)."""

    def collect(self) -> Iterator[Metric]:
        yield from self._queues()
        yield self._outbox()
        yield self._webhooks()
        yield self._inbound()
        yield from self._task_runs()

    def _queues(self) -> Iterator[Metric]:
        up = GaugeMetricFamily(
            "helpdesk_broker_up", "1 if the broker answered this scrape's queue lengths."
        )
        depth = GaugeMetricFamily(
            "helpdesk_celery_queue_messages",
            "Messages waiting in each Celery queue (not yet taken by a worker).",
            labels=["queue"],
        )
        try:
            depths = queue_depths()
        except Exception as error:  # noqa: BLE001 - any broker failure: say so, report the rest
            logger.warning("Metrics could not read the queue lengths: %s", error)
            up.add_metric([], 0)
        else:
            up.add_metric([], 1)
            for queue, messages in depths.items():
                depth.add_metric([queue], messages)
        yield up
        yield depth

    def _outbox(self) -> Metric:
        emails = GaugeMetricFamily(
            "helpdesk_outbox_emails",
            "Emails in the outbox by state: outbox=notification for ticket notifications"
            " (notifications.Notification), outbox=outbound for every other email"
            " (outbox.OutboundEmail).",
            labels=["outbox", "state"],
        )
        for outbox, queryset, field, states in (
            ("notification", Notification.objects.all(), "email_state", EmailState.values),
            ("outbound", OutboundEmail.objects.all(), "state", OutboundState.values),
        ):
            for state, rows in counts_by(queryset, field, states).items():
                emails.add_metric([outbox, state], rows)
        return emails

    def _webhooks(self) -> Metric:
        deliveries = GaugeMetricFamily(
            "helpdesk_webhook_deliveries",
            "Webhook deliveries kept in the log (WEBHOOKS_LOG_DAYS), by state.",
            labels=["state"],
        )
        counts = counts_by(WebhookDelivery.objects.all(), "state", WebhookState.values)
        for state, rows in counts.items():
            deliveries.add_metric([state], rows)
        return deliveries

    def _inbound(self) -> Metric:
        emails = GaugeMetricFamily(
            "helpdesk_inbound_emails",
            "Received emails by what became of them (ticket, reply, quarantined, ignored,"
            " discarded, failed; received and processing while in hand).",
            labels=["state"],
        )
        counts = counts_by(InboundEmail.objects.all(), "state", InboundEmail.State.values)
        for state, rows in counts.items():
            emails.add_metric([state], rows)
        return emails

    def _task_runs(self) -> Iterator[Metric]:
        runs = CounterMetricFamily(
            "helpdesk_task_runs",
            "Runs of each periodic task (tickets.autoclose is the automatic close), by outcome.",
            labels=["task", "outcome"],
        )
        processed = CounterMetricFamily(
            "helpdesk_task_processed",
            "Sum of the counts each periodic task returned (tickets.autoclose: tickets closed).",
            labels=["task"],
        )
        last_success = GaugeMetricFamily(
            "helpdesk_task_last_success_timestamp_seconds",
            "When each periodic task last succeeded (Unix time; absent before its first).",
            labels=["task"],
        )
        rows = {row.name: row for row in TaskRuns.objects.all()}
        for name in sorted(periodic_task_names() | rows.keys()):
            row = rows.get(name)
            runs.add_metric([name, "succeeded"], row.succeeded if row else 0)
            runs.add_metric([name, "failed"], row.failed if row else 0)
            processed.add_metric([name], row.processed if row else 0)
            if row and row.last_success_at:
                last_success.add_metric([name], row.last_success_at.timestamp())
        yield runs
        yield processed
        yield last_success


def multiprocess_dir() -> str | None:
    return os.environ.get("PROMETHEUS_MULTIPROC_DIR") or None


def scrape() -> bytes:
    """The text exposition of everything above."""
    desk = CollectorRegistry(auto_describe=False)
    desk.register(DeskCollector())
    if multiprocess_dir():
        requests = CollectorRegistry(auto_describe=False)
        MultiProcessCollector(requests)
    else:  # one process (a test, a shell): its own registry holds everything
        requests = REGISTRY
    return generate_latest(requests) + generate_latest(desk)
