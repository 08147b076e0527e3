"""Erasing a user, from the portal (customer admins) or for support admins."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from accounts.models import User
from privacy.erasure import may_erase, user_erase
from privacy.forms import EraseForm


@login_required
def erase(request, pk: int):
    """Confirm, then erase one user's personal data. 404 for anyone who may not."""
    user = User.objects.visible_to(request.user).filter(pk=pk).first()
    if user is None or not may_erase(request.user, user) or user.is_erased:
        raise Http404("No such user.")
    form = EraseForm(request.POST or None, email=user.email)
    if request.method == "POST" and form.is_valid():
        try:
            user_erase(
                actor=request.user, user=user, remove_files=form.cleaned_data["remove_files"]
            )
        except ValidationError as error:
            form.add_error(None, error.messages)
        else:
            messages.success(request, _("The user's personal data was erased."))
            if request.user.is_support_staff:
                return redirect("admin:accounts_user_changelist")
            return redirect("organization")
    return render(
        request,
        "privacy/erase.html",
        {"person": user, "form": form},
        status=400 if form.errors else 200,
    )
