from django.contrib import admin
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from privacy.models import AuditEntry, RetentionPolicy
from privacy.retention import due_tickets


@admin.register(AuditEntry)
class AuditEntryAdmin(admin.ModelAdmin):
    """The audit log, to read: nobody adds, changes or deletes an entry here."""

    list_display = (
        "created_at",
        "action",
        "actor",
        "actor_role",
        "organization",
        "subject_user_id",
    )
    list_filter = ("action",)
    list_select_related = ("actor", "organization")
    search_fields = ("=subject_user_id", "organization__alias")
    readonly_fields = tuple(field.name for field in AuditEntry._meta.fields)
    date_hierarchy = "created_at"

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(RetentionPolicy)
class RetentionPolicyAdmin(admin.ModelAdmin):
    """Retention per organisation or tier; "Due now" is the dry run: what the
    next daily run would remove."""

    list_display = ("__str__", "organization", "tier", "months", "action", "enabled", "due_now")
    list_filter = ("action", "enabled", "tier")
    list_select_related = ("organization",)
    autocomplete_fields = ("organization",)
    fields = ("organization", "tier", "months", "action", "enabled", "due_now")
    readonly_fields = ("due_now",)

    @admin.display(description=_("Due now (dry run)"))
    def due_now(self, policy: RetentionPolicy) -> int | str:
        if policy.pk is None:
            return "-"
        return due_tickets(policy, now=timezone.now()).count()
