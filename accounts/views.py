from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import Q
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse, reverse_lazy
from django.utils import translation
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from accounts import integrations, members, tokens, two_factor
from accounts.backends import login_lock
from accounts.contacts import support_ways
from accounts.forms import ApiTokenForm, InviteForm, OtpCodeForm, PinForm, PreferencesForm
from accounts.models import ApiToken, SupportContact, User
from accounts.pins import pin_set
from accounts.preferences import user_set_locale, user_set_ticket_panel


class LoginView(auth_views.LoginView):
    template_name = "registration/login.html"
    redirect_authenticated_user = True

    def post(self, request, *args, **kwargs):
        # django-axes asks "locked out?", the password is checked, then axes
        # records the failure: three steps, which twenty logins at once would
        # all pass before any failure was written. Holding the account's row
        # lock over them makes each login see every earlier one.
        with transaction.atomic():
            login_lock(request.POST.get("username", ""))
            return super().post(request, *args, **kwargs)

    def get_default_redirect_url(self):
        return home_url(self.request.user)


class AdminLoginView(LoginView):
    """The admin's login page is ours, so the lockout's row lock holds there too.

    Someone logged in who may not use the admin gets the form, not a redirect
    back to the admin (which would send them here again).
    """

    def dispatch(self, request, *args, **kwargs):
        self.redirect_authenticated_user = request.user.is_authenticated and request.user.is_staff
        return super().dispatch(request, *args, **kwargs)


def home_url(user) -> str:
    """Support staff start in the queue, customers in their Tickets."""
    if user.is_authenticated and user.is_support_staff:
        return reverse("agent:queue", kwargs={"view": "unassigned"})
    return reverse("tickets:list")


@login_required
def home(request):
    return redirect(home_url(request.user))


@never_cache
@login_required
def profile(request):
    """The user's own settings: for customers, their support PIN."""
    form = (
        PinForm(request.POST or None, user=request.user, request=request)
        if request.user.is_customer
        else None
    )
    if request.method == "POST" and form is not None and form.is_valid():
        pin_set(user=request.user, pin=form.cleaned_data["pin"])
        messages.success(
            request, _("Your support PIN is saved. Quote it when you contact support.")
        )
        return redirect("profile")
    status = 400 if request.method == "POST" else 200
    return _render_profile(request, form=form, status=status)


def _render_profile(
    request, *, form=None, token_form=None, new_key=None, preferences_form=None, status=200
):
    if form is None and request.user.is_customer:
        form = PinForm(user=request.user)
    context = {
        "form": form,
        "preferences_form": preferences_form or PreferencesForm(user=request.user),
        "has_two_factor": two_factor.confirmed_device(request.user) is not None,
        "tokens": ApiToken.objects.visible_to(request.user),
        "token_form": token_form or ApiTokenForm(),
        "new_key": new_key,
    }
    response = render(request, "accounts/profile.html", context, status=status)
    if new_key:
        response["Cache-Control"] = "no-store"
    return response


@login_required
@require_POST
def preferences_save(request):
    """The user's language and time zone, from the profile page."""
    preferences_form = PreferencesForm(request.POST, user=request.user)
    if not preferences_form.is_valid():
        return _render_profile(request, preferences_form=preferences_form, status=400)
    data = preferences_form.cleaned_data
    user_set_locale(user=request.user, language=data["language"], time_zone=data["time_zone"])
    # The message is read on the next page: in the language just chosen.
    with translation.override(request.user.language or translation.get_language()):
        messages.success(request, _("Your preferences are saved."))
    return redirect("profile")


@login_required
@require_POST
def api_token_create(request):
    """A new personal API token; its key is shown on this one answer, never again."""
    token_form = ApiTokenForm(request.POST)
    if token_form.is_valid():
        try:
            _token, key = tokens.token_create(user=request.user, **token_form.cleaned_data)
        except ValidationError as error:
            for field, errors in error.message_dict.items():
                token_form.add_error(field if field in token_form.fields else None, errors)
        else:
            return _render_profile(request, new_key=key, token_form=ApiTokenForm())
    return _render_profile(request, token_form=token_form, status=400)


@login_required
@require_POST
def api_token_revoke(request, pk: int):
    if not tokens.token_revoke(user=request.user, token_id=pk):
        raise Http404("No such token.")
    messages.success(request, _("The token is revoked; scripts using it now get 401."))
    return redirect("profile")


TOKENS_PER_PAGE = 50


@never_cache
@login_required
def api_tokens_all(request):
    """Support admins: every user's API tokens, newest first, to revoke any of them.

    Anybody else gets 404, as for a page that does not exist.
    """
    if not request.user.is_staff:
        raise Http404("This page is for support admins.")
    listed = ApiToken.objects.manageable_by(request.user).select_related("user__organization")
    query = request.GET.get("q", "").strip()
    if query:
        listed = listed.filter(
            Q(user__email__icontains=query)
            | Q(name__icontains=query)
            | Q(prefix__startswith=query)
            | Q(user__organization__alias__iexact=query)
        )
    page = Paginator(listed, TOKENS_PER_PAGE).get_page(request.GET.get("page"))
    return render(
        request, "accounts/api_tokens.html", {"page": page, "query": query, "section": "tokens"}
    )


@login_required
@require_POST
def api_tokens_all_revoke(request, pk: int):
    """A support admin revokes anybody's token (404 for anybody else, nothing changes)."""
    if not request.user.is_staff or not tokens.token_revoke(user=request.user, token_id=pk):
        raise Http404("No such token.")
    messages.success(request, _("The token is revoked; scripts using it now get 401."))
    return redirect("api_tokens_all")


@login_required
def get_support(request):
    """Seed 000: the ways to reach support for the organisation's tier and plan, the
    email template, and what each priority means."""
    organization = request.user.organization
    if organization is None:
        raise Http404("This page is for customers.")
    return render(
        request,
        "accounts/get_support.html",
        {
            "organization": organization,
            "ways": support_ways(organization),
            "Kind": SupportContact.Kind,
        },
    )


@login_required
def organization(request):
    """A customer admin's page: the organisation's users, invitations, roles,
    and its integrations' API tokens."""
    if request.user.role != User.Role.ADMIN:
        raise Http404("This page is for your organisation's admins.")
    form = InviteForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            invited = members.member_invite(admin=request.user, **form.cleaned_data)
        except ValidationError as error:
            for field, errors in error.message_dict.items():
                form.add_error(field if field in form.fields else None, errors)
        else:
            messages.success(
                request,
                _("%(email)s is invited and will get an email.") % {"email": invited.email},
            )
            return redirect("organization")
    return _render_organization(request, form=form, status=400 if form.errors else 200)


def _render_organization(request, *, form=None, token_form=None, new_key=None, status=200):
    # The integration user is listed with its tokens, not among the people.
    people = User.objects.visible_to(request.user).exclude(is_integration=True)
    team = list(people.order_by("full_name"))
    return render(
        request,
        "accounts/organization.html",
        {
            "organization": request.user.organization,
            "people": team,
            # The only active admin is not offered "Make member": it would be refused.
            "active_admins": sum(
                1 for person in team if person.role == User.Role.ADMIN and person.is_active
            ),
            "form": form or InviteForm(),
            "integration_tokens": list(integrations.integration_tokens(request.user)),
            "token_form": token_form or ApiTokenForm(),
            "new_key": new_key,
        },
        status=status,
    )


@login_required
@require_POST
def organization_token_create(request):
    """A new token for the organisation's integrations; its key is shown once."""
    if request.user.role != User.Role.ADMIN:
        raise Http404("This page is for your organisation's admins.")
    token_form = ApiTokenForm(request.POST)
    if token_form.is_valid():
        try:
            _token, key = integrations.integration_token_create(
                admin=request.user, **token_form.cleaned_data
            )
        except ValidationError as error:
            for field, errors in error.message_dict.items():
                token_form.add_error(field if field in token_form.fields else None, errors)
        else:
            return _render_organization(request, new_key=key)
    return _render_organization(request, token_form=token_form, status=400)


@login_required
@require_POST
def organization_token_revoke(request, pk: int):
    if not integrations.integration_token_revoke(admin=request.user, token_id=pk):
        raise Http404("No such token.")
    messages.success(request, _("The token is revoked; scripts using it now get 401."))
    return redirect("organization")


@login_required
@require_POST
def organization_member(request, pk: int):
    """Make or unmake an admin, deactivate or reactivate: one of the organisation's users."""
    user = User.objects.visible_to(request.user).filter(pk=pk).first()
    if user is None or request.user.role != User.Role.ADMIN:
        raise Http404("No such user.")
    action = request.POST.get("action")
    try:
        if action in ("make_admin", "unmake_admin"):
            members.member_set_admin(
                admin=request.user, user=user, make_admin=action == "make_admin"
            )
        elif action in ("deactivate", "reactivate"):
            members.member_set_active(admin=request.user, user=user, active=action == "reactivate")
        else:
            raise ValidationError(_("Choose what to do with this user."))
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("%(name)s: saved.") % {"name": user.full_name})
    return redirect("organization")


class InvitationView(auth_views.PasswordResetConfirmView):
    """The invitation link: the invited person chooses a password, then logs in."""

    template_name = "accounts/invitation.html"
    success_url = reverse_lazy("login")

    def form_valid(self, form):
        messages.success(self.request, _("Your password is set. Welcome! Log in to continue."))
        return super().form_valid(form)


@login_required
@require_POST
def ticket_panel(request):
    """Fold or unfold the ticket page's information panel (seed 002), for good.

    The page's script calls it in the background (``Accept: application/json``:
    204); without the script the same button posts the form and comes back.
    """
    user_set_ticket_panel(user=request.user, open=request.POST.get("open") == "1")
    if "application/json" in request.headers.get("Accept", ""):
        return HttpResponse(status=204)
    return redirect(_next_url(request))


def _next_url(request) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return home_url(request.user)


@login_required
@never_cache
def two_factor_verify(request):
    """After the password: the code from the user's authenticator app."""
    if two_factor.confirmed_device(request.user) is None or request.user.is_verified():
        return redirect(_next_url(request))
    form = OtpCodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if two_factor.session_verify(request=request, token=form.cleaned_data["code"]):
            return redirect(_next_url(request))
        wait = two_factor.throttled_seconds(request.user)
        form.add_error(
            "code",
            _(
                "That code is not right or has expired. "
                "Wait %(seconds)s seconds before trying again."
            )
            % {"seconds": wait}
            if wait
            else _("That code is not right or has expired."),
        )
    return render(
        request,
        "registration/two_factor_verify.html",
        {"form": form, "next": _next_url(request), "bare": True},
        status=400 if form.errors else 200,
    )


@login_required
@never_cache
def two_factor_setup(request):
    """Turn on (or off) two-factor authentication with an authenticator app."""
    device = two_factor.confirmed_device(request.user)
    form = OtpCodeForm(request.POST or None)
    if device is not None:
        if request.method == "POST" and form.is_valid():
            if two_factor.device_remove(request=request, token=form.cleaned_data["code"]):
                messages.success(request, _("Two-factor authentication is off."))
                return redirect("two_factor_setup")
            form.add_error("code", _("That code is not right or has expired."))
        context = {
            "device": device,
            "form": form,
            "required": two_factor.required_for(request.user),
        }
    else:
        pending = two_factor.pending_device(request.user)
        if request.method == "POST" and form.is_valid():
            if two_factor.device_confirm(
                request=request, device=pending, token=form.cleaned_data["code"]
            ):
                messages.success(
                    request, _("Two-factor authentication is on. Each login will ask for a code.")
                )
                return redirect(_next_url(request))
            form.add_error(
                "code",
                _("That code is not right or has expired. Check the time on your phone."),
            )
        context = {
            "form": form,
            "qr_svg": two_factor.device_qr_svg(pending),
            "secret": two_factor.device_secret(pending),
            "required": two_factor.required_for(request.user),
            "next": _next_url(request),
        }
    # A session that may not go anywhere else yet gets the page without the menu.
    context["bare"] = request.session.get(two_factor.SESSION_KEY) == two_factor.SET_UP
    return render(
        request,
        "registration/two_factor_setup.html",
        context,
        status=400 if form.errors else 200,
    )
