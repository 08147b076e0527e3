# A customer's service plan beside its tier, and contacts by topic and plan (issue 13.8).

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('accounts', '0007_user_ticket_panel_open'),
    ]

    operations = [
        migrations.AddField(
            model_name='organization',
            name='service_plan',
            field=models.CharField(choices=[('cloud', 'Cloud services'), ('managed', 'Managed Services')], default='cloud', help_text='Managed Services customers also see the Managed Services contacts on Get support.', max_length=20),
        ),
        migrations.AddField(
            model_name='supportcontact',
            name='service_plan',
            field=models.CharField(blank=True, choices=[('cloud', 'Cloud services'), ('managed', 'Managed Services')], help_text='Empty: every plan. Otherwise only organisations on this plan see it.', max_length=20),
        ),
        migrations.AddField(
            model_name='supportcontact',
            name='topic',
            field=models.CharField(choices=[('support', 'Support'), ('sales', 'Sales'), ('billing', 'Billing')], default='support', help_text="Sales and billing contacts are also shortcuts on the customers' ticket list.", max_length=10),
        ),
    ]
