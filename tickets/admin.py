from collections.abc import Sequence
from typing import ClassVar

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from accounts.models import Organization
from tickets.models import (
    BusinessCalendar,
    Category,
    Holiday,
    Message,
    SlaPolicy,
    SlaPolicyTarget,
    Ticket,
    TicketEvent,
    WorkingHours,
)
from tickets.sla.holidays import holidays_import


@admin.register(Category)
class CategoryAdmin(admin.ModelAdmin):
    list_display = ("name", "slug", "is_active", "order")
    list_editable = ("is_active", "order")
    prepopulated_fields: ClassVar[dict[str, Sequence[str]]] = {"slug": ["name"]}


class MessageInline(admin.TabularInline):
    model = Message
    fk_name = "ticket"
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
        "merged_into",
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


# --- Service levels (issue 17) ------------------------------------------------------------


class WorkingHoursInline(admin.TabularInline):
    model = WorkingHours
    extra = 0


class HolidayInline(admin.TabularInline):
    model = Holiday
    extra = 0


class HolidayImportForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("iCalendar file"),
        help_text=gettext_lazy("An .ics file; every event's days become holidays."),
    )


@admin.register(BusinessCalendar)
class BusinessCalendarAdmin(admin.ModelAdmin):
    list_display = ("name", "time_zone", "always_open")
    inlines = (WorkingHoursInline, HolidayInline)
    change_form_template = "admin/tickets/businesscalendar/change_form.html"

    def get_urls(self):
        own = [
            path(
                "<int:calendar_id>/import-holidays/",
                self.admin_site.admin_view(self.import_holidays),
                name="tickets_businesscalendar_import",
            )
        ]
        return own + super().get_urls()

    def import_holidays(self, request, calendar_id: int):
        calendar = get_object_or_404(BusinessCalendar, pk=calendar_id)
        if not self.has_change_permission(request, calendar):
            raise PermissionDenied
        form = HolidayImportForm(request.POST or None, request.FILES or None)
        if request.method == "POST" and form.is_valid():
            try:
                added = holidays_import(calendar=calendar, data=form.cleaned_data["file"].read())
            except ValidationError as error:
                for message in error.message_dict.get("file", error.messages):
                    form.add_error("file", message)
            else:
                messages.success(
                    request,
                    ngettext(
                        "Imported %(count)d new holiday into %(calendar)s.",
                        "Imported %(count)d new holidays into %(calendar)s.",
                        added,
                    )
                    % {"count": added, "calendar": calendar},
                )
                return redirect("admin:tickets_businesscalendar_change", calendar.pk)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "original": calendar,
            "form": form,
            "title": _("Import holidays into %(calendar)s") % {"calendar": calendar},
        }
        return render(request, "admin/tickets/businesscalendar/import_holidays.html", context)


class SlaPolicyTargetInline(admin.TabularInline):
    model = SlaPolicyTarget
    extra = 0


@admin.register(SlaPolicy)
class SlaPolicyAdmin(admin.ModelAdmin):
    list_display = ("name", "tier", "organization", "calendar")
    list_select_related = ("organization", "calendar")
    autocomplete_fields = ("organization",)
    inlines = (SlaPolicyTargetInline,)

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        if db_field.name == "tier":
            kwargs["widget"] = forms.Select(
                choices=[
                    ("", gettext_lazy("— a contract (name the organisation) —")),
                    *Organization.Tier.choices,
                ]
            )
        return super().formfield_for_dbfield(db_field, request, **kwargs)
