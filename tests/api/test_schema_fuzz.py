"""Property-based tests of the whole API against its own OpenAPI schema (schemathesis).

Every operation in /api/schema/ is called with generated input over real HTTP
(the live server, the real database), as a customer and as an agent. No
answer may be a 500, and every answer's status code, content type and body
must be what the schema promises.
"""

import json

import pytest
import schemathesis
from drf_spectacular.generators import SchemaGenerator
from drf_spectacular.renderers import OpenApiJsonRenderer
from hypothesis import HealthCheck
from hypothesis import settings as hypothesis_settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from accounts.tokens import token_create
from tests.attachments.files import upload
from tickets import services
from tickets.models import Category

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]


@pytest.fixture
def api_world(transactional_db, live_server, alice, carol, agent, make_ticket):
    """Tickets in several states, files, and a token per persona."""
    Category.objects.get_or_create(slug="billing", defaults={"name": "Billing", "order": 2})
    for number in range(3):
        ticket = make_ticket(alice, f"Acme {number}")
        services.ticket_reply(
            ticket=ticket, author=agent, body="Answer", files=[upload("notes.txt")]
        )
    closed = make_ticket(alice, "Closed one")
    services.ticket_close(ticket=closed, actor=alice)
    make_ticket(carol, "Globex's")
    services.macro_create(
        actor=agent,
        title="Ask for logs",
        body="Hi {{ requester.first_name }}",
        status_action="wait",
    )
    services.saved_view_create(actor=agent, name="Urgent", base="active", query="priority=4")
    return {
        "customer": token_create(user=alice, name="fuzz")[1],
        "agent": token_create(user=agent, name="fuzz")[1],
        "url": live_server.url,
    }


def load_schema():
    """The schema /api/schema/ serves, generated the same way (no request needed)."""
    generated = SchemaGenerator().get_schema(request=None, public=True)
    return schemathesis.openapi.from_dict(json.loads(OpenApiJsonRenderer().render(generated)))


schema = load_schema()


FUZZ = hypothesis_settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=list(HealthCheck),
    derandomize=True,
)


def call_as(case, world, persona: str) -> None:
    case.call_and_validate(
        base_url=world["url"],
        headers={"Authorization": f"Token {world[persona]}"},
        checks=CHECKS,
    )


@pytest.mark.api_fuzz
@schema.parametrize()
@FUZZ
def test_every_operation_keeps_its_schema_for_a_customer(case, api_world, settings):
    settings.HELPDESK_API_RATE = "100000/minute"
    settings.HELPDESK_API_ORGANIZATION_RATE = "100000/minute"
    call_as(case, api_world, "customer")


@pytest.mark.api_fuzz
@schema.parametrize()
@FUZZ
def test_every_operation_keeps_its_schema_for_an_agent(case, api_world, settings):
    settings.HELPDESK_API_RATE = "100000/minute"
    settings.HELPDESK_API_ORGANIZATION_RATE = "100000/minute"
    call_as(case, api_world, "agent")
