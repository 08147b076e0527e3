"""The queue's Due sort and "Breaching soon" view (issue 17), built concurrently
on PostgreSQL, as 0012's and 0013's."""

from django.db import migrations, models

from tickets.migrations._concurrent import AddIndexConcurrentlyOnPostgres


class Migration(migrations.Migration):
    atomic = False  # CONCURRENTLY cannot run in a transaction

    dependencies = [
        ('tickets', '0016_service_levels'),
    ]

    operations = [
        AddIndexConcurrentlyOnPostgres(
            model_name='ticket',
            index=models.Index(
                condition=models.Q(
                    ('sla_due__isnull', False),
                    ('status__in', ['open', 'in_progress', 'waiting_for_customer']),
                ),
                fields=['sla_due', 'id'],
                name='ticket_sla_due',
            ),
        ),
    ]
