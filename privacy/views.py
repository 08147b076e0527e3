"""Erasing a user, from the portal (customer admins) or for support admins."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from accounts.models import Organization, User
from privacy.erasure import may_erase, user_erase
from privacy.export import export_from_link, export_link, export_request, may_export
from privacy.forms import EraseForm
from privacy.models import AuditEntry, DataExport


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


def _organization_asked(request) -> Organization | None:
    """The organisation an organisation export is for: a customer admin's own;
    for support admins, the one named. None asks for a personal export."""
    if request.POST.get("scope", request.GET.get("scope")) != "organization":
        return None
    if request.user.is_support_staff:
        number = request.POST.get("organization") or request.GET.get("organization") or ""
        organization = Organization.objects.filter(pk=number).first() if number.isdigit() else None
    else:
        organization = request.user.organization
    if organization is None or not may_export(request.user, organization):
        raise Http404("No such organisation.")
    return organization


@login_required
def exports(request):
    """The user's exports, and asking for one (POST)."""
    organization = _organization_asked(request)
    if request.method == "POST":
        export_request(actor=request.user, organization=organization)
        messages.success(
            request,
            _("Your export is being prepared. We will email you a link when it is ready."),
        )
        return redirect("exports")
    mine = DataExport.objects.filter(requested_by=request.user).select_related("organization")[:50]
    return render(
        request,
        "privacy/exports.html",
        {
            "exports": [(export, export_link(export)) for export in mine],
            "organization": organization,
            "can_export_organization": request.user.role == User.Role.ADMIN,
        },
    )


@login_required
def export_download(request, token: str):
    """The zip, for the user who asked for it, while the link lasts."""
    try:
        export = export_from_link(token, user=request.user)
    except ValidationError as error:
        return render(
            request, "privacy/export_gone.html", {"reason": " ".join(error.messages)}, status=404
        )
    AuditEntry.objects.create(
        action=AuditEntry.Action.EXPORT_DOWNLOADED,
        actor=request.user,
        actor_role=request.user.role,
        organization=export.organization,
        subject_user_id=None if export.organization else request.user.pk,
        details={"export": export.pk},
    )
    name = f"helpdesk-export-{export.created_at:%Y-%m-%d}-{export.pk}.zip"
    return FileResponse(
        default_storage.open(export.file.name, "rb"),
        as_attachment=True,
        filename=name,
        content_type="application/zip",
    )
