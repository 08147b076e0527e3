from django.contrib import admin
from django.utils.translation import gettext_lazy

from notifications.models import Notification
from notifications.services import notification_email_retry
from outbox.admin import OutboxAdmin


@admin.register(Notification)
class NotificationAdmin(OutboxAdmin):
    """Support admins see every notification's email state; failed ones can be retried."""

    list_display = ("created_at", "recipient", "ticket", "kind", "email_state", "email_attempts")
    list_filter = ("email_state", "kind")
    search_fields = ("recipient__email", "=ticket__id")
    list_select_related = ("recipient", "ticket")
    actions = ("retry_email",)

    @admin.action(description=gettext_lazy("Send the email again (failed ones)"))
    def retry_email(self, request, queryset):
        self.send_again(
            request, queryset, lambda ids: notification_email_retry(notification_ids=ids)
        )
