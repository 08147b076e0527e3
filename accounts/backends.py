from axes.handlers.database import AxesDatabaseHandler
from axes.handlers.proxy import AxesProxyHandler
from axes.models import AccessAttempt
from django.conf import settings
from django.contrib.auth import authenticate, get_user_model
from django.contrib.auth.backends import ModelBackend
from django.db import transaction
from django.db.models import Sum
from django.utils import timezone


class EmailBackend(ModelBackend):
    """Email and password login; nobody of a deactivated organisation gets in.

    ``user_can_authenticate`` is consulted both at login and, through
    ``get_user``, on every request, so deactivating an organisation ends its
    users' sessions at once.
    """

    def authenticate(self, request, username=None, password=None, **kwargs):
        if username:
            username = username.strip().lower()
        return super().authenticate(request, username=username, password=password, **kwargs)

    def user_can_authenticate(self, user) -> bool:
        """Sign-in and sessions: never the integration user (it has tokens only)."""
        return not user.is_integration and self.account_open(user)

    def account_open(self, user) -> bool:
        """The user and their organisation are active (API tokens ask only this)."""
        if not super().user_can_authenticate(user):
            return False
        organization = user.organization
        return organization is None or organization.is_active

    def get_user(self, user_id):
        user_model = get_user_model()
        try:
            user = user_model._default_manager.select_related("organization").get(pk=user_id)
        except user_model.DoesNotExist:
            return None
        return user if self.user_can_authenticate(user) else None


def login_lock(username: str) -> None:
    """Lock the account a login names, until the caller's transaction ends.

    Call inside ``transaction.atomic()``. An unknown name locks nothing (there
    is no password to guess); on SQLite the immediate write transaction
    serialises instead.
    """
    name = str(username or "").strip().lower()
    if name:
        list(get_user_model().objects.select_for_update().filter(email=name).values_list("pk"))


def password_reconfirm(*, request, user, password: str) -> bool:
    """Whether ``password`` is ``user``'s, asked again by a page (setting a PIN).

    It goes through the same door as a login: the account's row lock, then
    django-axes, so a wrong password here counts toward the same lockout and a
    locked account is refused even the right one. Without it, a stolen
    session could guess the password on this form without limit.
    """
    with transaction.atomic():
        login_lock(user.email)
        if not AxesProxyHandler.is_allowed(request, {"username": user.email}):
            request.axes_locked_out = True  # django-axes' middleware answers 429
            return False
        confirmed = authenticate(request, username=user.email, password=password)
    return confirmed is not None and confirmed.pk == user.pk


class LoginLockout(AxesDatabaseHandler):
    """django-axes' lockout, plus a ceiling per account from every address.

    Failures are counted per account *and* address, so a stranger guessing
    from one place cannot lock a customer out. That alone lets an attacker
    who rotates addresses guess without end; so once an account collects
    ``HELPDESK_LOGIN_ACCOUNT_MAX_FAILURES`` failures within the cool-off from
    all addresses together, it is paused everywhere until the cool-off ends
    (or a support admin lifts it in the admin, as for any lockout).
    """

    def is_locked(self, request, credentials: dict | None = None) -> bool:
        if super().is_locked(request, credentials):
            return True
        name = login_name(request, credentials)
        if not name:
            return False
        since = timezone.now() - settings.AXES_COOLOFF_TIME
        failures = AccessAttempt.objects.filter(username=name, attempt_time__gte=since).aggregate(
            total=Sum("failures_since_start")
        )["total"]
        return (failures or 0) >= settings.HELPDESK_LOGIN_ACCOUNT_MAX_FAILURES

    def user_login_failed(self, sender, credentials: dict, request=None, **kwargs):
        super().user_login_failed(sender, credentials, request, **kwargs)
        # django-axes flags the request (its middleware then answers 429 with
        # the lockout page) only when this address's own count is over; a
        # login refused by the account's ceiling must say so too, not
        # "wrong password".
        if request is not None and not getattr(request, "axes_locked_out", False):
            request.axes_locked_out = self.is_locked(request, credentials)


def login_name(request, credentials: dict | None) -> str:
    """The name django-axes counts failed logins under: the email as the backend reads it.

    ``Alice@Acme.example`` and ``alice@acme.example`` are one account, so they
    share one failure count.
    """
    if credentials and credentials.get("username"):
        name = credentials["username"]
    else:
        name = request.POST.get("username", "") if request is not None else ""
    return str(name).strip().lower()


def client_address(request) -> str | None:
    """The client's address for the login lockout.

    Behind ``HELPDESK_PROXY_COUNT`` trusted reverse proxies the client is that
    many hops from the right of ``X-Forwarded-For``; entries further left are
    whatever the client chose to send and are never trusted.
    """
    hops = settings.HELPDESK_PROXY_COUNT
    if hops > 0:
        forwarded = [a.strip() for a in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
        forwarded = [a for a in forwarded if a]
        if len(forwarded) >= hops:
            return forwarded[-hops]
    return request.META.get("REMOTE_ADDR")
