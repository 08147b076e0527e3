"""The active support staff by name, for the queue's and ticket page's menus.

A plain CREATE INDEX: the users table is a desk's people (tens of thousands at
most, built in milliseconds), not its tickets.
"""

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('accounts', '0012_api_token_scope_expiry_last_ip'),
    ]

    operations = [
        migrations.AddIndex(
            model_name='user',
            index=models.Index(
                condition=models.Q(('is_active', True), ('role__in', ['agent', 'support_admin'])),
                fields=['full_name', 'email'],
                name='user_active_staff',
            ),
        ),
    ]
