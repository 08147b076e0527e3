"""Merging a ticket into another, from the agent's ticket page (issue 18).

One page, support only (anyone else gets the 404 of a missing page): GET
without a choice asks for the target ticket's number (the organisation's
other mergeable tickets are suggested as one types); GET with ``into``
checks the choice and asks for confirmation naming both tickets; POST merges
(``services.ticket_merge``) and goes to the target. Works without JavaScript.
"""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from accounts.requests import AuthenticatedHttpRequest
from tickets import services
from tickets.access import get_ticket_for
from tickets.models import WORKED_STATUSES, Status, Ticket
from tickets.services.merging import COMMENT_MAX_LENGTH
from tickets.views.common import add_service_errors, support_only
from tickets.workflow import TransitionError

SUGGESTIONS = 50


class MergeForm(forms.Form):
    into = forms.IntegerField(
        label=gettext_lazy("Merge into ticket number"),
        min_value=1,
        max_value=2**63 - 1,
        # Text with a numeric keyboard: a number field would not offer the suggestions.
        widget=forms.TextInput(
            attrs={"inputmode": "numeric", "list": "merge-suggestions", "autocomplete": "off"}
        ),
        error_messages={"required": gettext_lazy("Enter the number of the ticket to merge into.")},
    )
    comment = forms.CharField(
        label=gettext_lazy("Comment (internal note on the target)"),
        required=False,
        max_length=COMMENT_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


@login_required
@support_only
@require_http_methods(["GET", "POST"])
def ticket_merge(request: AuthenticatedHttpRequest, number: int) -> HttpResponse:
    ticket = get_ticket_for(request.user, number)
    if ticket.merged_into_id is not None:
        messages.error(
            request,
            _("This ticket was already merged into #%(number)s.")
            % {"number": ticket.merged_into_id},
        )
        return redirect(ticket)
    if request.method == "POST":
        form = MergeForm(request.POST)
        if form.is_valid():
            try:
                target = services.ticket_merge(
                    ticket=ticket,
                    into=form.cleaned_data["into"],
                    actor=request.user,
                    comment=form.cleaned_data["comment"],
                )
            except TransitionError as error:
                messages.error(request, str(error))
                return redirect(ticket)
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(
                    request,
                    _("Ticket #%(source)s was merged into this ticket and closed.")
                    % {"source": ticket.pk},
                )
                return redirect(target)
        return _page(request, ticket, form, status=400)
    if "into" not in request.GET:
        return _page(request, ticket, MergeForm())
    form = MergeForm(request.GET)
    if form.is_valid():
        number_into = form.cleaned_data["into"]
        chosen = (
            Ticket.objects.visible_to(request.user)
            .select_related("requester")
            .filter(pk=number_into)
            .first()
        )
        refusal = services.merge_refusal(ticket, chosen, number_into)
        if refusal is None:
            return _page(request, ticket, form, target=chosen)
        add_service_errors(form, refusal)
    return _page(request, ticket, form, status=400)


def _page(
    request: AuthenticatedHttpRequest,
    ticket: Ticket,
    form: MergeForm,
    *,
    target: Ticket | None = None,
    status: int = 200,
) -> HttpResponse:
    """The choice (``target`` None) or the confirmation naming both tickets."""
    suggestions = []
    if target is None:
        suggestions = list(
            Ticket.objects.visible_to(request.user)
            .filter(
                organization_id=ticket.organization_id,
                merged_into__isnull=True,
                status__in=[*WORKED_STATUSES, Status.SOLVED],
            )
            .exclude(pk=ticket.pk)
            .only("id", "subject")
            .order_by("-updated_at", "-id")[:SUGGESTIONS]
        )
    context = {"ticket": ticket, "form": form, "target": target, "suggestions": suggestions}
    return render(request, "agent/merge.html", context, status=status)
