from collections.abc import Callable, Iterable

from django.contrib import admin, messages
from django.utils.translation import gettext_lazy, ngettext

from outbox.models import OutboundEmail
from outbox.services import outbound_retry


class OutboxAdmin(admin.ModelAdmin):
    """An outbox's rows, for support admins: every field read-only, none added
    by hand; failed ones are sent again only through the outbox's service."""

    def get_readonly_fields(self, request, obj=None):
        return tuple(field.name for field in self.model._meta.fields)

    def has_add_permission(self, request):
        return False

    def send_again(self, request, queryset, retry: Callable[[Iterable[int]], int]) -> None:
        count = retry(queryset.values_list("pk", flat=True))
        self.message_user(
            request,
            ngettext(
                "%(count)d email will be sent by the next sweep.",
                "%(count)d emails will be sent by the next sweep.",
                count,
            )
            % {"count": count},
            messages.SUCCESS,
        )


@admin.register(OutboundEmail)
class OutboundEmailAdmin(OutboxAdmin):
    """Support admins see every outgoing email's state; failed ones can be retried."""

    list_display = ("created_at", "purpose", "to", "state", "attempts", "sent_at")
    list_filter = ("state", "purpose")
    search_fields = ("to", "subject")
    actions = ("retry",)

    @admin.action(description=gettext_lazy("Send again (failed ones)"))
    def retry(self, request, queryset):
        self.send_again(request, queryset, lambda ids: outbound_retry(email_ids=ids))
