"""Indexes for the API's ticket list over every status (issue 15).

Built with CREATE INDEX CONCURRENTLY on PostgreSQL, so a desk with a million
tickets keeps taking writes while they build; elsewhere as usual.
"""

from django.db import migrations, models

from tickets.migrations._concurrent import AddIndexConcurrentlyOnPostgres


class Migration(migrations.Migration):
    atomic = False  # CONCURRENTLY cannot run in a transaction

    dependencies = [
        ("accounts", "0008_organization_service_plan_and_contact_topics"),
        ("tickets", "0011_search_vectors"),
    ]

    operations = [
        AddIndexConcurrentlyOnPostgres(
            model_name="ticket",
            index=models.Index(fields=["-updated_at", "-id"], name="ticket_updated"),
        ),
        AddIndexConcurrentlyOnPostgres(
            model_name="ticket",
            index=models.Index(
                fields=["organization", "-updated_at", "-id"], name="ticket_org_updated"
            ),
        ),
    ]
