"""Followers of tickets (issue 18), and the event kind that records them."""

import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('accounts', '0015_user_is_integration'),
        ('tickets', '0025_ticket_merge'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AlterField(
            model_name='ticketevent',
            name='kind',
            field=models.CharField(choices=[('created', 'opened the ticket'), ('status', 'changed the status'), ('assigned', 'changed the assignee'), ('priority', 'changed the priority'), ('category', 'changed the category'), ('reference', 'changed the internal reference'), ('replied', 'replied'), ('note', 'added an internal note'), ('follow_up', 'opened a follow-up ticket'), ('verified', 'verified the caller by PIN'), ('sender', "checked the email's sender"), ('sla_warning', 'warned that a target is due soon'), ('sla_breached', 'recorded a missed target'), ('reminded', 'reminded the customer'), ('tags', 'changed the tags'), ('satisfaction', 'rated the support'), ('merged', 'merged tickets'), ('followers', 'changed the followers')], max_length=20),
        ),
        migrations.CreateModel(
            name='TicketFollower',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('created_at', models.DateTimeField(default=django.utils.timezone.now)),
                ('added_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
                ('organization', models.ForeignKey(db_index=False, on_delete=django.db.models.deletion.CASCADE, related_name='+', to='accounts.organization')),
                ('ticket', models.ForeignKey(db_index=False, on_delete=django.db.models.deletion.CASCADE, related_name='followers', to='tickets.ticket')),
                ('user', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to=settings.AUTH_USER_MODEL)),
            ],
            options={
                'constraints': [models.UniqueConstraint(fields=('ticket', 'user'), name='ticket_follower_once')],
            },
        ),
    ]
