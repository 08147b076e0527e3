"""Merging tickets (issue 18): the pointer, the moved messages' origin, the event
kind; the two partial indexes built concurrently on PostgreSQL."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

from tickets.migrations._concurrent import AddIndexConcurrentlyOnPostgres


class Migration(migrations.Migration):
    atomic = False  # CONCURRENTLY cannot run in a transaction

    dependencies = [
        ('accounts', '0013_active_staff_index'),
        ('tickets', '0024_satisfaction'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name='message',
            name='merged_from',
            field=models.ForeignKey(blank=True, db_index=False, editable=False, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to='tickets.ticket'),
        ),
        migrations.AddField(
            model_name='ticket',
            name='merged_into',
            field=models.ForeignKey(blank=True, db_index=False, editable=False, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='merged_tickets', to='tickets.ticket'),
        ),
        migrations.AlterField(
            model_name='ticketevent',
            name='kind',
            field=models.CharField(choices=[('created', 'opened the ticket'), ('status', 'changed the status'), ('assigned', 'changed the assignee'), ('priority', 'changed the priority'), ('category', 'changed the category'), ('reference', 'changed the internal reference'), ('replied', 'replied'), ('note', 'added an internal note'), ('follow_up', 'opened a follow-up ticket'), ('verified', 'verified the caller by PIN'), ('sender', "checked the email's sender"), ('sla_warning', 'warned that a target is due soon'), ('sla_breached', 'recorded a missed target'), ('reminded', 'reminded the customer'), ('tags', 'changed the tags'), ('satisfaction', 'rated the support'), ('merged', 'merged tickets')], max_length=20),
        ),
        AddIndexConcurrentlyOnPostgres(
            model_name='message',
            index=models.Index(condition=models.Q(('merged_from__isnull', False)), fields=['merged_from'], name='message_merged_from'),
        ),
        AddIndexConcurrentlyOnPostgres(
            model_name='ticket',
            index=models.Index(condition=models.Q(('merged_into__isnull', False)), fields=['merged_into'], name='ticket_merged_into'),
        ),
    ]
