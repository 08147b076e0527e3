from django.contrib import admin, messages

from outbox.models import OutboundEmail
from outbox.services import outbound_retry


@admin.register(OutboundEmail)
class OutboundEmailAdmin(admin.ModelAdmin):
    """Support admins see every outgoing email's state; failed ones can be retried."""

    list_display = ("created_at", "purpose", "to", "state", "attempts", "sent_at")
    list_filter = ("state", "purpose")
    search_fields = ("to", "subject")
    readonly_fields = tuple(field.name for field in OutboundEmail._meta.fields)
    actions = ("retry",)

    def has_add_permission(self, request):
        return False

    @admin.action(description="Send again (failed ones)")
    def retry(self, request, queryset):
        count = outbound_retry(email_ids=queryset.values_list("pk", flat=True))
        self.message_user(
            request, f"{count} email(s) will be sent by the next sweep.", messages.SUCCESS
        )
