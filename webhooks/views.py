"""The webhook pages: support admins' (every hook, filtered by organisation)
and customer admins' in the portal (their organisation's own hooks).

Anyone else, and anyone asking for a hook outside their door, gets 404.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from accounts.models import Organization
from tickets.keyset import BadCursor, Cursor, keyset_page
from webhooks import services
from webhooks.forms import WebhookForm
from webhooks.models import Webhook, WebhookDelivery

HOOKS_PER_PAGE = 50
DELIVERIES_PER_PAGE = 25
# Newest first; the id breaks ties of one instant (the index webhook_delivery_log).
LOG_ORDERING = ("-created_at", "-id")


def _door(request, portal: bool):
    """The hooks this page may show, or 404 for the wrong person."""
    user = request.user
    if portal and not user.is_org_admin:
        raise Http404("This page is for your organisation's admins.")
    if not portal and not user.is_staff:
        raise Http404("This page is for support admins.")
    return Webhook.objects.manageable_by(user)


def _hook(request, pk: int, portal: bool) -> Webhook:
    hook = _door(request, portal).select_related("organization", "owner").filter(pk=pk).first()
    if hook is None:
        raise Http404("No such webhook.")
    return hook


def _names(portal: bool) -> dict[str, str]:
    prefix = "webhooks:portal_" if portal else "webhooks:"
    return {key: prefix + key for key in ("list", "new", "detail", "action", "delete")}


@never_cache
@login_required
def hook_list(request, portal: bool = False):
    hooks = _door(request, portal).select_related("organization")
    organizations = None
    chosen = request.GET.get("organization", "").strip()
    if not portal:
        organizations = Organization.objects.order_by("name")
        if chosen == "all":
            hooks = hooks.filter(organization__isnull=True)
        elif chosen.isdigit():
            hooks = hooks.filter(organization_id=int(chosen))
    page = Paginator(hooks, HOOKS_PER_PAGE).get_page(request.GET.get("page"))
    return render(
        request,
        "webhooks/list.html",
        {
            "page": page,
            "portal": portal,
            "names": _names(portal),
            "organizations": organizations,
            "chosen": chosen,
        },
    )


def _apply_errors(form: WebhookForm, error: ValidationError) -> None:
    for field, errors in error.message_dict.items():
        form.add_error(field if field in form.fields else None, errors)


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def hook_new(request, portal: bool = False):
    _door(request, portal)
    form = WebhookForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            hook, secret = services.hook_create(
                actor=request.user,
                url=form.cleaned_data["url"],
                event_types=form.cleaned_data["event_types"],
                description=form.cleaned_data["description"],
                organization=form.cleaned_data.get("organization"),
            )
        except ValidationError as error:
            _apply_errors(form, error)
        else:
            return _detail(request, hook, portal, new_secret=secret)
    status = 400 if request.method == "POST" else 200
    return render(
        request,
        "webhooks/form.html",
        {"form": form, "portal": portal, "names": _names(portal)},
        status=status,
    )


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def hook_detail(request, pk: int, portal: bool = False):
    """A hook: its settings (editable), actions, and its delivery log, newest first."""
    hook = _hook(request, pk, portal)
    form = None
    if request.method == "POST":
        form = WebhookForm(request.POST, user=request.user, hook=hook)
        if form.is_valid():
            try:
                services.hook_update(
                    actor=request.user,
                    hook=hook,
                    url=form.cleaned_data["url"],
                    event_types=form.cleaned_data["event_types"],
                    description=form.cleaned_data["description"],
                    organization=form.cleaned_data.get("organization"),
                )
            except ValidationError as error:
                _apply_errors(form, error)
            else:
                messages.success(request, _("The webhook is saved."))
                return redirect(_names(portal)["detail"], pk=hook.pk)
        hook.refresh_from_db()
        return _detail(request, hook, portal, form=form, status=400)
    return _detail(request, hook, portal)


def _detail(request, hook: Webhook, portal: bool, *, new_secret="", form=None, status=200):
    if form is None:
        form = WebhookForm(
            initial={
                "url": hook.url,
                "description": hook.description,
                "event_types": hook.event_types,
                "organization": hook.organization_id,
            },
            user=request.user,
            hook=hook,
        )
    deliveries, older, newer = _log_page(hook, request.GET.get("cursor", ""))
    return render(
        request,
        "webhooks/detail.html",
        {
            "hook": hook,
            "form": form,
            "deliveries": deliveries,
            "older": older,
            "newer": newer,
            "portal": portal,
            "names": _names(portal),
            "new_secret": new_secret,
            "log_days": settings.WEBHOOKS_LOG_DAYS,
            "overlap_hours": settings.WEBHOOKS_SECRET_OVERLAP_HOURS,
        },
        status=status,
    )


def _log_page(hook: Webhook, text: str) -> tuple[list, str, str]:
    """One page of the delivery log, newest first, by cursor (``tickets.keyset``):
    a page costs what the first does, and new deliveries arriving meanwhile do
    not shift older ones onto the next page twice. Returns its rows and the
    cursors of the older and the newer page ("" where there is none). A cursor
    that is not this list's shows the first page."""
    ordering = LOG_ORDERING
    queryset = (
        WebhookDelivery.objects.filter(webhook=hook).prefetch_related("log").order_by(*ordering)
    )
    cursor = None
    if text:
        try:
            cursor = Cursor.decode(text, ordering)
        except BadCursor:
            cursor = None
    rows, older, newer = keyset_page(queryset, cursor, DELIVERIES_PER_PAGE)
    return (
        rows,
        older.encode(ordering) if older else "",
        newer.encode(ordering) if newer else "",
    )


@never_cache
@login_required
@require_POST
def hook_action(request, pk: int, action: str, portal: bool = False):
    """enable, disable, rotate (the new secret shown once), test. Deleting has
    its own page (``hook_delete``), which asks first."""
    hook = _hook(request, pk, portal)
    names = _names(portal)
    if action == "rotate":
        secret = services.hook_rotate_secret(hook=hook)
        return _detail(request, hook, portal, new_secret=secret)
    if action == "enable":
        services.hook_set_active(hook=hook, active=True)
        messages.success(request, _("The webhook is enabled."))
    elif action == "disable":
        services.hook_set_active(hook=hook, active=False)
        messages.success(request, _("The webhook is disabled: no new deliveries."))
    elif action == "test":
        try:
            services.hook_send_test(hook=hook)
        except services.SendTestThrottled as refused:
            messages.error(
                request,
                _("Too many test deliveries for this webhook; try again in %(seconds)d s.")
                % {"seconds": refused.seconds},
            )
        else:
            messages.success(
                request, _("A test delivery is queued; its result appears in the log below.")
            )
    else:
        raise Http404("No such action.")
    return redirect(names["detail"], pk=hook.pk)


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def hook_delete(request, pk: int, portal: bool = False):
    """GET asks (what goes with it, and a way back); POST deletes."""
    hook = _hook(request, pk, portal)
    names = _names(portal)
    if request.method == "POST":
        services.hook_delete(hook=hook)
        messages.success(request, _("The webhook is deleted."))
        return redirect(names["list"])
    return render(
        request,
        "webhooks/delete.html",
        {"hook": hook, "portal": portal, "names": names},
    )
