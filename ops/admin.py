from django.contrib import admin

from ops.models import Heartbeat, TaskRuns


@admin.register(Heartbeat)
class HeartbeatAdmin(admin.ModelAdmin):
    list_display = ("name", "beat_at")
    readonly_fields = ("name", "beat_at")


@admin.register(TaskRuns)
class TaskRunsAdmin(admin.ModelAdmin):
    list_display = ("name", "succeeded", "failed", "processed", "last_run_at", "last_success_at")
    readonly_fields = list_display

    def has_add_permission(self, request):
        return False
