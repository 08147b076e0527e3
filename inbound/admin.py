from typing import Any, ClassVar

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from accounts.selectors import alias_normalized, member_by_email, organization_by_alias
from inbound import parsing
from inbound.models import AutoReply, InboundEmail, SupportAddress
from inbound.services import email_process, quarantine_discard, quarantine_to_ticket


@admin.register(SupportAddress)
class SupportAddressAdmin(admin.ModelAdmin):
    list_display = ("email", "priority", "category", "is_active", "notes")
    list_filter = ("priority", "is_active")
    search_fields = ("email",)


class ToTicketForm(forms.Form):
    organization = forms.CharField(label=gettext_lazy("Organisation alias"), max_length=40)
    requester = forms.EmailField(label=gettext_lazy("Requester's email"))

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        alias = alias_normalized(data.get("organization"))
        organization = organization_by_alias(alias)
        if alias and organization is None:
            self.add_error(
                "organization",
                _("No active organisation has the alias %(alias)s.") % {"alias": alias},
            )
            return data
        email = data.get("requester")
        requester = member_by_email(email, organization=organization)
        if email and organization and requester is None:
            self.add_error("requester", _("No active user of that organisation has this email."))
        data["organization_obj"], data["requester_obj"] = organization, requester
        return data


@admin.register(InboundEmail)
class InboundEmailAdmin(admin.ModelAdmin):
    """Every received message: where it went, why, and the quarantine's decisions."""

    class Media:
        css: ClassVar[dict[str, list[str]]] = {
            "all": ["css/admin.css"]
        }  # no inline style: the page keeps its CSP

    list_display = ("received_at", "sender", "subject", "state", "reason", "ticket_link")
    list_filter = ("state", "source")
    search_fields = ("sender", "subject", "message_id", "recipient")
    date_hierarchy = "received_at"
    list_select_related = ("ticket",)
    exclude = ("raw", "dedupe_key", "claimed_at", "posted_message", "ticket")
    readonly_fields = (
        "received_at",
        "source",
        "sender",
        "recipient",
        "subject",
        "message_id",
        "size",
        "state",
        "reason",
        "attempts",
        "handled_at",
        "ticket_link",
        "text",
        "error",
        "actions_for_quarantine",
    )
    actions = ("retry", "discard")

    def has_add_permission(self, request) -> bool:
        return False

    @admin.display(description=gettext_lazy("Ticket"))
    def ticket_link(self, inbound):
        if inbound.ticket_id is None:
            return "—"
        return format_html(
            '<a href="{}">#{}</a>',
            reverse("tickets:detail", args=[inbound.ticket_id]),
            inbound.ticket_id,
        )

    @admin.display(description=gettext_lazy("Text (any PIN masked)"))
    def text(self, inbound):
        try:
            body = parsing.pin_masked(parsing.parse(bytes(inbound.raw)).text)
        except Exception as error:  # noqa: BLE001 - a message that does not parse shows why
            return _("(cannot read: %(error)s)") % {"error": error}
        return format_html('<pre class="mail-text">{}</pre>', body[:20000])

    @admin.display(description=gettext_lazy("Quarantine"))
    def actions_for_quarantine(self, inbound):
        if inbound.state != InboundEmail.State.QUARANTINED:
            return "—"
        return format_html(
            '<a class="button" href="{}">{}</a>',
            reverse("admin:inbound_inboundemail_to_ticket", args=[inbound.pk]),
            _("Open a ticket from this message…"),
        )

    @admin.action(description=gettext_lazy("Retry handling the selected failed messages"))
    def retry(self, request, queryset):
        states = [
            email_process(inbound_id=pk)
            for pk in queryset.filter(state=InboundEmail.State.FAILED).values_list("pk", flat=True)
        ]
        failed = states.count(InboundEmail.State.FAILED)
        self.message_user(
            request,
            _("Retried %(count)d; %(failed)d failed again.")
            % {"count": len(states), "failed": failed}
            if states
            else _("Nothing failed there."),
            messages.WARNING if failed else messages.SUCCESS,
        )

    @admin.action(description=gettext_lazy("Discard the selected quarantined messages"))
    def discard(self, request, queryset):
        quarantined = queryset.filter(state=InboundEmail.State.QUARANTINED)
        count = 0
        for inbound in quarantined:
            quarantine_discard(inbound=inbound)
            count += 1
        self.message_user(
            request,
            ngettext("Discarded %(count)d message.", "Discarded %(count)d messages.", count)
            % {"count": count},
            messages.SUCCESS,
        )

    def get_urls(self):
        return [
            path(
                "<int:pk>/to-ticket/",
                self.admin_site.admin_view(self.to_ticket_view),
                name="inbound_inboundemail_to_ticket",
            ),
            *super().get_urls(),
        ]

    def to_ticket_view(self, request, pk: int):
        inbound = get_object_or_404(InboundEmail, pk=pk, state=InboundEmail.State.QUARANTINED)
        form = ToTicketForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            try:
                ticket = quarantine_to_ticket(
                    inbound=inbound,
                    organization=form.cleaned_data["organization_obj"],
                    requester=form.cleaned_data["requester_obj"],
                )
            except ValidationError as error:
                form.add_error(None, error)
            else:
                self.message_user(
                    request,
                    _("Opened ticket #%(number)s.") % {"number": ticket.pk},
                    messages.SUCCESS,
                )
                return redirect("admin:inbound_inboundemail_change", inbound.pk)
        context = {
            **self.admin_site.each_context(request),
            "title": _("Open a ticket from a quarantined message"),
            "inbound": inbound,
            "form": form,
            "opts": self.model._meta,
        }
        return render(request, "admin/inbound/to_ticket.html", context)


@admin.register(AutoReply)
class AutoReplyAdmin(admin.ModelAdmin):
    """What we answered, and to whom; its delivery is in Outgoing email › Outgoing emails."""

    list_display = ("created_at", "kind", "address", "subject")
    list_filter = ("kind",)
    search_fields = ("address", "subject")
    readonly_fields = tuple(f.name for f in AutoReply._meta.fields)

    def has_add_permission(self, request) -> bool:
        return False
