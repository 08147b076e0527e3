"""Personas and helpers shared by every test.

Acme (reopen policy) has alice (admin) and bob (member); Globex (follow-up
policy) has carol (admin). Sam is an agent, Robin a second agent, Ada a
support admin.
"""

from __future__ import annotations

import os
import shutil

import pytest
from django.apps import apps as django_apps
from django.conf import settings
from django.core.cache import cache, caches

from accounts.models import Organization, User
from tests.helpers import PASSWORD, S3_BUCKET, chromium_path
from tickets import services
from tickets.models import Category, Ticket
from tickets.sla.defaults import load_defaults


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Throttle counts and who has a ticket open live in caches; no test inherits another's."""
    cache.clear()
    caches["presence"].clear()
    return


@pytest.fixture
def acme(db) -> Organization:
    _service_levels()
    return Organization.objects.create(
        name="Acme", alias="ACME", support_tier="enterprise", reply_policy="reopen"
    )


@pytest.fixture
def globex(db) -> Organization:
    _service_levels()
    return Organization.objects.create(
        name="Globex", alias="GLOBEX", support_tier="standard", reply_policy="follow_up"
    )


def _service_levels() -> None:
    """The default calendars and policies migration 0018 loads: a transactional
    test empties every table after itself, so put them back where missing."""
    load_defaults(django_apps, settings.TIME_ZONE)


def _user(email, name, role, organization=None) -> User:
    return User.objects.create_user(
        email, PASSWORD, full_name=name, role=role, organization=organization
    )


@pytest.fixture
def alice(acme) -> User:
    return _user("alice@acme.example", "Alice Anders", User.Role.ADMIN, acme)


@pytest.fixture
def bob(acme) -> User:
    return _user("bob@acme.example", "Bob Brandt", User.Role.MEMBER, acme)


@pytest.fixture
def carol(globex) -> User:
    return _user("carol@globex.example", "Carol Chen", User.Role.ADMIN, globex)


@pytest.fixture
def agent(db) -> User:
    return _user("agent@support.example", "Sam Support", User.Role.AGENT)


@pytest.fixture
def agent2(db) -> User:
    return _user("agent2@support.example", "Robin Responder", User.Role.AGENT)


@pytest.fixture
def support_admin(db) -> User:
    return _user("admin@support.example", "Ada Admin", User.Role.SUPPORT_ADMIN)


@pytest.fixture
def category(db) -> Category:
    return Category.objects.create(name="Technical issue", slug="technical", order=1)


@pytest.fixture
def billing(db) -> Category:
    return Category.objects.create(name="Billing", slug="billing", order=2)


@pytest.fixture
def make_ticket(category):
    """Open a ticket through the service, as a customer (or support for one)."""

    def make(actor: User, subject: str = "Server is down", **fields) -> Ticket:
        fields.setdefault("category", category)
        fields.setdefault("description", "It stopped answering at 09:00.")
        return services.ticket_open(actor=actor, subject=subject, **fields)

    return make


@pytest.fixture
def login(client):
    """Log ``user`` in on the test client and return the client."""

    def as_user(user: User):
        client.force_login(user)
        return client

    return as_user


def pytest_collection_modifyitems(config, items):
    """Browser tests need Debian's Chromium. Outside CI they skip, saying why;
    in CI a missing browser is a failure, not a skip."""
    if chromium_path():
        return
    if os.environ.get("CI"):
        return  # the browser fixture fails loudly
    skip = pytest.mark.skip(
        reason="no Chromium found (apt-get install chromium, or set CHROMIUM_PATH)"
    )
    for item in items:
        if "browser" in item.keywords:
            item.add_marker(skip)


def pytest_runtest_setup(item):
    if "postgres" in item.keywords:
        from django.db import connection

        if connection.vendor != "postgresql":
            pytest.skip("needs PostgreSQL (set DATABASE_URL)")


@pytest.fixture
def deliver_outbox():
    """Send what the outbox holds now, as the worker would; returns how many went out."""
    from outbox.models import OutboundEmail, State
    from outbox.services import outbound_send

    def deliver() -> int:
        pending = (
            OutboundEmail.objects.filter(state=State.PENDING)
            .order_by("pk")
            .values_list("pk", flat=True)
        )
        return sum(outbound_send(email_id=pk) == "sent" for pk in list(pending))

    return deliver


@pytest.fixture
def api():
    """An API client speaking with ``user``'s personal token, as a script would."""
    from rest_framework.test import APIClient

    from accounts.tokens import token_create

    def as_user(user) -> APIClient:
        _, key = token_create(user=user, name="tests")
        client = APIClient()
        client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
        return client

    return as_user


@pytest.hookimpl(trylast=True)
def pytest_sessionfinish(session):
    """Remove the run's var/ folder (database, broker, mail, media) from /tmp."""
    from django.conf import settings

    if (
        getattr(settings, "TEST_VAR_DIR_IS_OURS", False)
        and os.environ.get("PYTEST_XDIST_WORKER") is None
    ):
        shutil.rmtree(settings.VAR_DIR, ignore_errors=True)


# S3: moto's real S3 server on loopback, and a bucket the default storage uses.


@pytest.fixture(scope="module")
def s3_endpoint():
    import socket

    from moto.server import ThreadedMotoServer

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    yield f"http://127.0.0.1:{port}"
    server.stop()


@pytest.fixture
def bucket(s3_endpoint, settings):
    """``S3_BUCKET`` on the loopback server, as the default storage; emptied after."""
    import boto3
    from django.core.files.storage import storages

    client = boto3.client(
        "s3",
        endpoint_url=s3_endpoint,
        region_name="us-east-1",
        aws_access_key_id="test",
        aws_secret_access_key="test",
    )
    client.create_bucket(Bucket=S3_BUCKET)
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "storages.backends.s3.S3Storage",
            "OPTIONS": {
                "bucket_name": S3_BUCKET,
                "endpoint_url": s3_endpoint,
                "region_name": "us-east-1",
                "access_key": "test",
                "secret_key": "test",
                "default_acl": None,
                "file_overwrite": False,
            },
        },
    }
    storages._storages = {}
    yield client
    storages._storages = {}
    for item in client.list_objects_v2(Bucket=S3_BUCKET).get("Contents", []):
        client.delete_object(Bucket=S3_BUCKET, Key=item["Key"])
    client.delete_bucket(Bucket=S3_BUCKET)
