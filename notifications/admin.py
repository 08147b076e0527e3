from django.contrib import admin, messages

from notifications.models import Notification
from notifications.services import notification_email_retry


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    """Support admins see every notification's email state; failed ones can be retried."""

    list_display = ("created_at", "recipient", "ticket", "kind", "email_state", "email_attempts")
    list_filter = ("email_state", "kind")
    search_fields = ("recipient__email", "=ticket__id")
    list_select_related = ("recipient", "ticket")
    readonly_fields = tuple(field.name for field in Notification._meta.fields)
    actions = ("retry_email",)

    def has_add_permission(self, request):
        return False

    @admin.action(description="Send the email again (failed ones)")
    def retry_email(self, request, queryset):
        count = notification_email_retry(notification_ids=queryset.values_list("pk", flat=True))
        self.message_user(
            request, f"{count} email(s) will be sent by the next sweep.", messages.SUCCESS
        )
