"""In-app notifications and email preferences (each user sees only their own)."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from notifications import services
from notifications.forms import EmailPreferencesForm
from notifications.models import EmailOptOut, Notification


@login_required
@require_GET
def notification_list(request):
    rows = (
        Notification.objects.visible_to(request.user)
        .select_related("ticket", "ticket__requester", "event__actor")
        .order_by("-created_at", "-id")
    )
    page = Paginator(rows, settings.HELPDESK_PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "notifications/list.html", {"page": page})


@login_required
@require_GET
def notification_open(request, pk: int):
    """Mark one notification read and go to what it is about."""
    notification = (
        Notification.objects.visible_to(request.user).select_related("event").filter(pk=pk).first()
    )
    if notification is None:
        raise Http404("No such notification.")
    services.notification_mark_read(user=request.user, notification_id=notification.pk)
    if notification.event.message_id:
        return redirect(
            reverse("tickets:message", args=[notification.ticket_id, notification.event.message_id])
        )
    return redirect(reverse("tickets:detail", args=[notification.ticket_id]))


@login_required
@require_POST
def notification_read_all(request):
    count = services.notification_mark_read(user=request.user)
    messages.success(
        request,
        ngettext(
            "Marked %(count)d notification as read.",
            "Marked %(count)d notifications as read.",
            count,
        )
        % {"count": count},
    )
    return redirect("notifications:list")


@login_required
@require_http_methods(["GET", "POST"])
def preferences(request):
    kinds = services.kinds_for(request.user)
    off = set(EmailOptOut.objects.filter(user=request.user).values_list("kind", flat=True))
    enabled = {kind for kind in kinds if kind not in off}
    form = EmailPreferencesForm(request.POST or None, kinds=kinds, enabled=enabled)
    if request.method == "POST" and form.is_valid():
        services.email_preferences_set(user=request.user, enabled=form.enabled())
        messages.success(request, _("Email preferences saved. In-app notifications stay on."))
        return redirect("notifications:preferences")
    return render(request, "notifications/preferences.html", {"form": form})
