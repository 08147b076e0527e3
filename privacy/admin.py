from django.contrib import admin

from privacy.models import AuditEntry


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
