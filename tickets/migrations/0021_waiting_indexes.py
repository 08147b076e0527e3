"""The waiting sweep's indexes (issue 17), built concurrently on PostgreSQL."""

from django.db import migrations, models

from tickets.migrations._concurrent import AddIndexConcurrentlyOnPostgres


class Migration(migrations.Migration):
    atomic = False  # CONCURRENTLY cannot run in a transaction

    dependencies = [
        ('tickets', '0020_waiting_reminders'),
    ]

    operations = [
        AddIndexConcurrentlyOnPostgres(
            model_name='ticket',
            index=models.Index(
                condition=models.Q(('status', 'waiting_for_customer'), ('waiting_remind_at__isnull', False)),
                fields=['waiting_remind_at'],
                name='ticket_waiting_remind',
            ),
        ),
        AddIndexConcurrentlyOnPostgres(
            model_name='ticket',
            index=models.Index(
                condition=models.Q(('status', 'waiting_for_customer'), ('waiting_solve_at__isnull', False)),
                fields=['waiting_solve_at'],
                name='ticket_waiting_solve',
            ),
        ),
    ]
