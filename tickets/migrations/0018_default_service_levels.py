"""The default service levels: a business-hours and a 24×7 calendar and one
policy per support tier (``tickets.sla.defaults``). Tickets already open keep
no clocks until their next event: replaying a million histories is not a
migration's job (``manage.py sla_refresh`` does it when wanted)."""

from django.conf import settings
from django.db import migrations

from tickets.sla.defaults import load_defaults


def forwards(apps, schema_editor):
    load_defaults(apps, settings.TIME_ZONE)


class Migration(migrations.Migration):
    dependencies = [
        ('tickets', '0017_sla_due_index'),
    ]

    operations = [
        migrations.RunPython(forwards, migrations.RunPython.noop),
    ]
