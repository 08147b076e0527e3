from django.contrib import admin

from ops.models import Heartbeat


@admin.register(Heartbeat)
class HeartbeatAdmin(admin.ModelAdmin):
    list_display = ("name", "beat_at")
    readonly_fields = ("name", "beat_at")
