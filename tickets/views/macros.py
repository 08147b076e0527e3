"""Support's macros (issue 18): the list, their forms, and the reply box's preview.

Support only: anyone else gets the 404 of a missing page, and so does an
agent asking for another agent's personal macro. An agent sees the edit
and delete buttons only on what they may manage (``macro_can_manage``).
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.requests import AuthenticatedHttpRequest
from accounts.selectors import support_staff
from tickets import services
from tickets.access import get_ticket_for
from tickets.models import MACRO_BODY_MAX_LENGTH, MACRO_TITLE_MAX_LENGTH, Category, Macro, Priority
from tickets.placeholders import PLACEHOLDERS
from tickets.services.macros import STATUS_TARGETS, is_support_admin
from tickets.views.common import add_service_errors, support_only

ASSIGN_TO_ME = "me"


class MacroForm(forms.Form):
    title = forms.CharField(
        label=gettext_lazy("Title"),
        max_length=MACRO_TITLE_MAX_LENGTH,
        error_messages={"required": gettext_lazy("Title is required.")},
    )
    body = forms.CharField(
        label=gettext_lazy("Text"),
        required=False,
        max_length=MACRO_BODY_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=gettext_lazy(
            "Markdown. Placeholders are filled in for each ticket; see the list below."
        ),
    )
    shared = forms.BooleanField(
        label=gettext_lazy("Shared with every agent"),
        required=False,
        help_text=gettext_lazy("Only support admins can share a macro."),
    )
    status_action = forms.ChoiceField(
        label=gettext_lazy("Set the status to"),
        required=False,
        choices=[("", gettext_lazy("Keep the status")), *Macro.StatusAction.choices],
    )
    priority = forms.TypedChoiceField(
        label=gettext_lazy("Set the priority to"),
        required=False,
        choices=[("", gettext_lazy("Keep the priority")), *Priority.choices],
        coerce=int,
        empty_value=None,
    )
    category = forms.ModelChoiceField(
        label=gettext_lazy("Set the ticket type to"),
        required=False,
        queryset=Category.objects.filter(is_active=True),
        empty_label=gettext_lazy("Keep the ticket type"),
    )
    tags = forms.CharField(
        label=gettext_lazy("Add tags"),
        required=False,
        max_length=1000,
        help_text=gettext_lazy("Separate tags with spaces or commas."),
    )
    assignee = forms.ChoiceField(label=gettext_lazy("Assign to"), required=False)

    def __init__(self, *args, user, editing: Macro | None = None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        assignee = self.fields["assignee"]
        assert isinstance(assignee, forms.ChoiceField)
        assignee.choices = [
            ("", _("Keep the assignee")),
            (ASSIGN_TO_ME, _("The agent applying the macro")),
            *((str(pk), name) for pk, name in support_staff().values_list("pk", "full_name")),
        ]
        if editing is not None or not is_support_admin(user):
            del self.fields["shared"]

    def clean_assignee(self) -> str:
        return self.cleaned_data.get("assignee") or ""

    def service_fields(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        chosen = data.pop("assignee")
        data["assign_to_me"] = chosen == ASSIGN_TO_ME
        data["assignee"] = (
            support_staff().filter(pk=int(chosen)).first()
            if chosen and chosen != ASSIGN_TO_ME
            else None
        )
        return data

    @staticmethod
    def initial_of(macro: Macro) -> dict[str, Any]:
        assignee = ASSIGN_TO_ME if macro.assign_to_me else (macro.assignee_id or "")
        return {
            "title": macro.title,
            "body": macro.body,
            "status_action": macro.status_action,
            "priority": macro.priority or "",
            "category": macro.category_id,
            "tags": macro.tags,
            "assignee": str(assignee),
        }


def _macro_or_404(user, pk: int) -> Macro:
    try:
        return services.macro_for(user, pk)
    except Macro.DoesNotExist:
        raise Http404("No such macro.") from None


@login_required
@support_only
@require_GET
def macro_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    user = request.user
    macros = Macro.objects.visible_to(user).select_related("category", "assignee")
    rows = [
        {
            "macro": macro,
            "manageable": services.macro_can_manage(user, macro),
            "actions": services.macro_actions(macro),
        }
        for macro in macros.order_by("title", "pk")
    ]
    return render(
        request,
        "agent/macros.html",
        {
            "shared": [row for row in rows if row["macro"].is_shared],
            "mine": [row for row in rows if not row["macro"].is_shared],
            "can_share": is_support_admin(user),
        },
    )


def _form_page(request, form: MacroForm, macro: Macro | None, status: int = 200) -> HttpResponse:
    return render(
        request,
        "agent/macro_form.html",
        {"form": form, "macro": macro, "placeholders": list(PLACEHOLDERS)},
        status=status,
    )


@login_required
@support_only
@require_http_methods(["GET", "POST"])
def macro_create(request: AuthenticatedHttpRequest) -> HttpResponse:
    if request.method != "POST":
        return _form_page(request, MacroForm(user=request.user), None)
    form = MacroForm(request.POST, user=request.user)
    if form.is_valid():
        try:
            services.macro_create(actor=request.user, **form.service_fields())
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Macro saved."))
            return redirect("agent:macros")
    return _form_page(request, form, None, status=400)


@login_required
@support_only
@require_http_methods(["GET", "POST"])
def macro_edit(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    macro = _macro_or_404(request.user, pk)
    if not services.macro_can_manage(request.user, macro):
        raise PermissionDenied("Only support admins change shared macros.")
    if request.method != "POST":
        form = MacroForm(user=request.user, editing=macro, initial=MacroForm.initial_of(macro))
        return _form_page(request, form, macro)
    form = MacroForm(request.POST, user=request.user, editing=macro)
    if form.is_valid():
        try:
            services.macro_update(macro=macro, actor=request.user, **form.service_fields())
        except Macro.DoesNotExist:
            raise Http404("No such macro.") from None  # deleted while being edited
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Macro saved."))
            return redirect("agent:macros")
    return _form_page(request, form, macro, status=400)


@login_required
@support_only
@require_POST
def macro_delete(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    macro = _macro_or_404(request.user, pk)
    services.macro_delete(macro=macro, actor=request.user)
    messages.success(request, _("Macro deleted."))
    return redirect("agent:macros")


def macro_preview_data(macro: Macro, ticket, agent) -> dict[str, Any]:
    """What the reply box shows for ``macro`` on ``ticket``: its text filled in,
    the "Submit as" it sets, and what else it will do."""
    status_action = macro.status_action
    return {
        "id": macro.pk,
        "title": macro.title,
        "body": services.macro_render(macro, ticket, agent),
        "submit_as": str(STATUS_TARGETS[Macro.StatusAction(status_action)])
        if status_action
        else "",
        "actions": [
            {"label": label, "value": value} for label, value in services.macro_actions(macro)
        ],
    }


@login_required
@support_only
@require_GET
def macro_preview(request: AuthenticatedHttpRequest, pk: int) -> JsonResponse:
    """``?ticket=<n>`` → ``{id, title, body, submit_as, actions: [{label, value}]}``."""
    macro = _macro_or_404(request.user, pk)
    number = request.GET.get("ticket", "")
    if not number.isdigit():
        raise Http404("No such ticket.")
    ticket = get_ticket_for(request.user, int(number))
    return JsonResponse(macro_preview_data(macro, ticket, request.user))
