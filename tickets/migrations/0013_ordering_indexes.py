"""Indexes for the API list's other orderings over every status (issue 15).

Newest or oldest created, and most urgent first, for support (every
organisation) and for a customer (theirs). Keyset pages walk them from the
cursor on; without them each page sorted every matching ticket. Built
concurrently on PostgreSQL, as 0012's.
"""

from django.db import migrations, models

from tickets.migrations._concurrent import AddIndexConcurrentlyOnPostgres


class Migration(migrations.Migration):
    atomic = False  # CONCURRENTLY cannot run in a transaction

    dependencies = [
        ('accounts', '0008_organization_service_plan_and_contact_topics'),
        ('tickets', '0012_list_indexes'),
    ]

    operations = [
        AddIndexConcurrentlyOnPostgres(
            model_name='ticket',
            index=models.Index(fields=['-created_at', '-id'], name='ticket_created'),
        ),
        AddIndexConcurrentlyOnPostgres(
            model_name='ticket',
            index=models.Index(fields=['organization', '-created_at', '-id'], name='ticket_org_created'),
        ),
        AddIndexConcurrentlyOnPostgres(
            model_name='ticket',
            index=models.Index(fields=['-priority', '-updated_at', '-id'], name='ticket_priority'),
        ),
        AddIndexConcurrentlyOnPostgres(
            model_name='ticket',
            index=models.Index(fields=['organization', '-priority', '-updated_at', '-id'], name='ticket_org_priority'),
        ),
    ]
