"""Saved views (issue 18): saving the queue's filters under a name, and the small
page that renames, reorders and deletes them.

Support only: anyone else gets the 404 of a missing page, and so does an
agent asking for another agent's personal view. Opening a view is the
queue's own URL with its filters (``saved_view_url``).
"""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.requests import AuthenticatedHttpRequest
from tickets import services
from tickets.models import SAVED_VIEW_NAME_MAX_LENGTH, SavedView
from tickets.queues import QUEUE_VIEWS
from tickets.services.macros import is_support_admin
from tickets.views.common import add_service_errors, support_only


class SavedViewForm(forms.Form):
    name = forms.CharField(
        label=gettext_lazy("Name"),
        max_length=SAVED_VIEW_NAME_MAX_LENGTH,
        error_messages={"required": gettext_lazy("Name is required.")},
    )
    position = forms.IntegerField(
        label=gettext_lazy("Position"),
        required=False,
        min_value=0,
        max_value=1000,
        initial=0,
        help_text=gettext_lazy("Lower numbers come first in the queue's list of views."),
        error_messages={"invalid": gettext_lazy("Position is a whole number from 0 to 1000.")},
    )
    shared = forms.BooleanField(
        label=gettext_lazy("Shared with every agent"),
        required=False,
        help_text=gettext_lazy("Only support admins can share a view."),
    )
    base = forms.ChoiceField(
        label=gettext_lazy("Queue view"),
        choices=[(key, key) for key in QUEUE_VIEWS],
        widget=forms.HiddenInput,
    )
    query = forms.CharField(
        label=gettext_lazy("Filters"), required=False, max_length=2000, widget=forms.HiddenInput
    )

    def __init__(self, *args, user, editing: SavedView | None = None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if editing is not None:
            del self.fields["base"], self.fields["query"]
        if editing is not None or not is_support_admin(user):
            del self.fields["shared"]


def _view_or_404(user, pk: int) -> SavedView:
    try:
        return services.saved_view_for(user, pk)
    except SavedView.DoesNotExist:
        raise Http404("No such view.") from None


def _form_page(request, form: SavedViewForm, view: SavedView | None, status: int = 200):
    return render(
        request, "agent/saved_view_form.html", {"form": form, "saved": view}, status=status
    )


@login_required
@support_only
@require_GET
def saved_view_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    user = request.user
    views = services.saved_views_of(user)

    def rows(views: list[SavedView]) -> list[dict[str, object]]:
        return [
            {
                "view": view,
                "url": services.saved_view_url(view),
                "base": QUEUE_VIEWS[view.base][0] if view.base in QUEUE_VIEWS else view.base,
                "manageable": services.saved_view_can_manage(user, view),
            }
            for view in views
        ]

    return render(
        request,
        "agent/saved_views.html",
        {
            "mine": rows([view for view in views if not view.is_shared]),
            "shared": rows([view for view in views if view.is_shared]),
            "can_share": is_support_admin(user),
        },
    )


@login_required
@support_only
@require_POST
def saved_view_create(request: AuthenticatedHttpRequest) -> HttpResponse:
    """From the queue's "Save this view": the name, and the queue's view and filters."""
    form = SavedViewForm(request.POST, user=request.user)
    if form.is_valid():
        data = form.cleaned_data
        try:
            view = services.saved_view_create(
                actor=request.user,
                name=data["name"],
                base=data["base"],
                query=data["query"],
                shared=data.get("shared", False),
                position=data["position"] or 0,
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("View “%(name)s” saved.") % {"name": view.name})
            return redirect(services.saved_view_url(view))
    return _form_page(request, form, None, status=400)


@login_required
@support_only
@require_http_methods(["GET", "POST"])
def saved_view_edit(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    view = _view_or_404(request.user, pk)
    if not services.saved_view_can_manage(request.user, view):
        raise PermissionDenied("Only support admins change shared views.")
    if request.method != "POST":
        initial = {"name": view.name, "position": view.position}
        return _form_page(
            request, SavedViewForm(user=request.user, editing=view, initial=initial), view
        )
    form = SavedViewForm(request.POST, user=request.user, editing=view)
    if form.is_valid():
        try:
            services.saved_view_update(
                view=view,
                actor=request.user,
                name=form.cleaned_data["name"],
                position=form.cleaned_data["position"] or 0,
            )
        except SavedView.DoesNotExist:
            raise Http404("No such view.") from None  # deleted while being edited
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("View saved."))
            return redirect("agent:saved_views")
    return _form_page(request, form, view, status=400)


@login_required
@support_only
@require_POST
def saved_view_delete(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    view = _view_or_404(request.user, pk)
    services.saved_view_delete(view=view, actor=request.user)
    messages.success(request, _("View deleted."))
    return redirect("agent:saved_views")
