"""Helpers the portal and the agent views share."""

from __future__ import annotations

from functools import wraps

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme

from accounts.requests import AuthenticatedHttpRequest


def add_service_errors(form, error: ValidationError) -> None:
    """Put a service's ValidationError on the form, by field where it names one."""
    if hasattr(error, "error_dict"):
        for field, field_errors in error.error_dict.items():
            form.add_error(field if field in form.fields else None, field_errors)
    else:
        form.add_error(None, error)


def form_errors_as_messages(request, form) -> None:
    """For actions that redirect back: each of the form's errors as a message on the next page."""
    for field_errors in form.errors.values():
        for error in field_errors:
            messages.error(request, error)


def support_only(view):
    """Support staff only; anyone else gets the same 404 as for a missing page."""

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        if not request.user.is_authenticated or not request.user.is_support_staff:
            raise Http404("No such page.")
        return view(request, *args, **kwargs)

    return wrapped


def safe_next(request: AuthenticatedHttpRequest, candidate: str | None) -> str:
    """``candidate`` if it is an address on this site, else the agent queue."""
    if candidate and url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return reverse("agent:queue", kwargs={"view": "unassigned"})
