# The ticket page's information panel can be folded; the choice is the user's (issue 13.6).

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0006_pinchange"),
    ]

    operations = [
        migrations.AddField(
            model_name="user",
            name="ticket_panel_open",
            field=models.BooleanField(
                default=True,
                help_text="Whether ticket pages show the information panel unfolded.",
                verbose_name="ticket information panel open",
            ),
        ),
    ]
