"""Support's tags on the ticket page, and the suggestions as one types (issue 18).

Both are support-only: anyone else gets the 404 of a missing page.
"""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpResponse, JsonResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from accounts.requests import AuthenticatedHttpRequest
from tickets import services
from tickets.access import get_ticket_for
from tickets.views.common import form_errors_as_messages, support_only


class TagsForm(forms.Form):
    add = forms.CharField(
        label=gettext_lazy("Add tags"),
        required=False,
        max_length=1000,
        help_text=gettext_lazy("Separate tags with spaces or commas."),
    )
    remove = forms.CharField(required=False, max_length=1000)

    def clean(self) -> dict:
        data = super().clean() or {}
        if not (data.get("add") or "").strip() and not (data.get("remove") or "").strip():
            raise ValidationError(_("Type a tag to add."), code="required")
        return data


@login_required
@support_only
@require_POST
def ticket_tags(request: AuthenticatedHttpRequest, number: int) -> HttpResponse:
    ticket = get_ticket_for(request.user, number)
    form = TagsForm(request.POST)
    if not form.is_valid():
        form_errors_as_messages(request, form)
        return redirect(f"{ticket.get_absolute_url()}#tags")
    try:
        services.ticket_tag(
            ticket=ticket,
            actor=request.user,
            add=form.cleaned_data["add"],
            remove=form.cleaned_data["remove"],
        )
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(request, _("Tags saved."))
    return redirect(f"{ticket.get_absolute_url()}#tags")


@login_required
@support_only
@require_GET
def tag_suggestions(request: AuthenticatedHttpRequest) -> JsonResponse:
    """``?q=pri`` → ``{"tags": ["printer", "priority-customer"]}``: existing tags
    starting with the last word typed, at most twenty."""
    typed = request.GET.get("q", "")[:200]
    return JsonResponse({"tags": services.tags_matching(typed)})
