"""End the follows kept by people deactivated or moved away before that ended
them (issue 18 review): ``accounts.members.user_save_access`` now does it when
it happens; this clears what was left before."""

from django.db import migrations
from django.db.models import F, Q

STAFF_ROLES = ("agent", "support_admin")


def end_stale_follows(apps, schema_editor):
    TicketFollower = apps.get_model("tickets", "TicketFollower")
    TicketFollower.objects.filter(
        Q(user__is_active=False)
        | Q(user__is_integration=True)
        | (~Q(user__role__in=STAFF_ROLES) & ~Q(user__organization_id=F("organization_id")))
    ).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("tickets", "0029_event_subject"),
    ]

    operations = [
        migrations.RunPython(end_stale_follows, migrations.RunPython.noop, elidable=True),
    ]
