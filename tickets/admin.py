from django.contrib import admin

from tickets.models import Category, Message, Ticket, TicketEvent


@admin.register(Category)
class CategoryAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "is_active", "order"]
    list_editable = ["is_active", "order"]
    prepopulated_fields = {"slug": ["name"]}


class MessageInline(admin.TabularInline):
    model = Message
    extra = 0
    fields = ["author", "is_internal", "body", "created_at"]
    readonly_fields = fields
    can_delete = False


class EventInline(admin.TabularInline):
    model = TicketEvent
    extra = 0
    fields = ["created_at", "actor", "kind", "from_value", "to_value"]
    readonly_fields = fields
    can_delete = False


@admin.register(Ticket)
class TicketAdmin(admin.ModelAdmin):
    """Read-mostly: status and messages change through the portal and the queue,
    where the lifecycle rules apply."""

    list_display = ["id", "subject", "organization", "status", "priority", "updated_at"]
    list_filter = ["status", "priority", "category", "organization"]
    search_fields = ["=id", "subject", "requester__email", "organization__alias"]
    list_select_related = ["organization"]
    readonly_fields = [
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
    ]
    fields = [
        "subject",
        "description",
        "category",
        "priority",
        "internal_reference",
        *readonly_fields,
    ]
    inlines = [MessageInline, EventInline]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
