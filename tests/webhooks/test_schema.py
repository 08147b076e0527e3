"""The delivery body is documented in the OpenAPI schema's components (issue 21)."""

from django.urls import reverse

from webhooks.models import EventType


def test_the_schema_documents_the_delivery_body_and_how_to_verify_it(client, db):
    schema = client.get(reverse("api-schema"), {"format": "json"}).json()
    body = schema["components"]["schemas"]["WebhookDelivery"]
    assert body["properties"]["version"]["enum"] == ["1"]
    assert set(EventType.values) <= set(body["properties"]["type"]["enum"])
    assert "X-Helpdesk-Signature" in body["description"]
    assert "300 seconds" in body["description"]
