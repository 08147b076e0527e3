from collections.abc import Sequence
from typing import ClassVar

from django.contrib import admin

from tickets.models import Category, Message, Ticket, TicketEvent


@admin.register(Category)
class CategoryAdmin(admin.ModelAdmin):
    list_display = ("name", "slug", "is_active", "order")
    list_editable = ("is_active", "order")
    prepopulated_fields: ClassVar[dict[str, Sequence[str]]] = {"slug": ["name"]}


class MessageInline(admin.TabularInline):
    model = Message
    extra = 0
    fields = readonly_fields = ("author", "is_internal", "body", "created_at")
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


class EventInline(admin.TabularInline):
    model = TicketEvent
    extra = 0
    fields = readonly_fields = ("created_at", "actor", "kind", "from_value", "to_value")
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Ticket)
class TicketAdmin(admin.ModelAdmin):
    """Read-only: every change to a ticket goes through ``tickets.services``.

    The portal, the queue and the API change tickets where the lifecycle
    rules apply and each change writes its event, refreshes the search
    document and moves ``updated_at``; a form here would do none of that.
    """

    list_display = ("id", "subject", "organization", "status", "priority", "updated_at")
    list_filter = ("status", "priority", "category", "organization")
    search_fields = ("=id", "subject", "requester__email", "organization__alias")
    list_select_related = ("organization",)
    fields = readonly_fields = (
        "subject",
        "description",
        "category",
        "priority",
        "internal_reference",
        "organization",
        "status",
        "requester",
        "assignee",
        "follow_up_of",
        "channel",
        "created_at",
        "updated_at",
        "solved_at",
        "closed_at",
    )
    inlines = (MessageInline, EventInline)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
