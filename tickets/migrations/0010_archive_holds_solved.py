# The Archive holds solved and closed tickets, the Tickets tab the ones still
# being worked (issue 13.4): the organisation list indexes follow the new split.

from django.db import migrations, models

WORKED = ["open", "in_progress", "waiting_for_customer"]
ARCHIVED = ["solved", "closed"]


class Migration(migrations.Migration):
    dependencies = [
        ("tickets", "0009_assignee_unsolved_index"),
    ]

    operations = [
        migrations.RemoveIndex(model_name="ticket", name="ticket_org_active_updated"),
        migrations.RemoveIndex(model_name="ticket", name="ticket_org_active_created"),
        migrations.RemoveIndex(model_name="ticket", name="ticket_org_closed_updated"),
        migrations.RemoveIndex(model_name="ticket", name="ticket_org_closed_created"),
        migrations.AddIndex(
            model_name="ticket",
            index=models.Index(
                condition=models.Q(("status__in", WORKED)),
                fields=["organization", "-updated_at", "-id"],
                name="ticket_org_worked_updated",
            ),
        ),
        migrations.AddIndex(
            model_name="ticket",
            index=models.Index(
                condition=models.Q(("status__in", WORKED)),
                fields=["organization", "-created_at", "-id"],
                name="ticket_org_worked_created",
            ),
        ),
        migrations.AddIndex(
            model_name="ticket",
            index=models.Index(
                condition=models.Q(("status__in", ARCHIVED)),
                fields=["organization", "-updated_at", "-id"],
                name="ticket_org_archive_updated",
            ),
        ),
        migrations.AddIndex(
            model_name="ticket",
            index=models.Index(
                condition=models.Q(("status__in", ARCHIVED)),
                fields=["organization", "-created_at", "-id"],
                name="ticket_org_archive_created",
            ),
        ),
    ]
