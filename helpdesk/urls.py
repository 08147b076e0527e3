from django.conf import settings
from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import SpectacularSwaggerSplitView

from accounts import views as account_views
from accounts.password_reset import PasswordResetView
from helpdesk.api import MeView
from helpdesk.schema import SchemaView
from tickets.api.urls import urlpatterns as ticket_api_urlpatterns
from webhooks.api_urls import urlpatterns as webhook_api_urlpatterns

admin.site.site_header = "Helpdesk administration"
admin.site.site_title = "Helpdesk admin"

# The API, one namespace: "who you are" reads several apps, so it is the
# project's (helpdesk/api.py); the ticket endpoints are tickets.api's.
api_v1 = [
    path("me/", MeView.as_view(), name="me"),
    *ticket_api_urlpatterns,
    *webhook_api_urlpatterns,
]

urlpatterns = [
    path("", account_views.home, name="home"),
    path("accounts/login/", account_views.LoginView.as_view(), name="login"),
    path("accounts/profile/", account_views.profile, name="profile"),
    path("accounts/profile/tokens/", account_views.api_token_create, name="api_token_create"),
    path(
        "accounts/profile/preferences/",
        account_views.preferences_save,
        name="profile_preferences",
    ),
    path(
        "accounts/profile/tokens/<int:pk>/revoke/",
        account_views.api_token_revoke,
        name="api_token_revoke",
    ),
    path("accounts/api-tokens/", account_views.api_tokens_all, name="api_tokens_all"),
    path(
        "accounts/api-tokens/<int:pk>/revoke/",
        account_views.api_tokens_all_revoke,
        name="api_tokens_all_revoke",
    ),
    path(
        "accounts/preferences/ticket-panel/",
        account_views.ticket_panel,
        name="ticket_panel_preference",
    ),
    path("accounts/two-factor/", account_views.two_factor_setup, name="two_factor_setup"),
    path("accounts/two-factor/verify/", account_views.two_factor_verify, name="two_factor_verify"),
    path("support/", account_views.get_support, name="get_support"),
    path("organisation/", account_views.organization, name="organization"),
    path(
        "organisation/tokens/",
        account_views.organization_token_create,
        name="organization_token_create",
    ),
    path(
        "organisation/tokens/<int:pk>/revoke/",
        account_views.organization_token_revoke,
        name="organization_token_revoke",
    ),
    path(
        "organisation/users/<int:pk>/",
        account_views.organization_member,
        name="organization_member",
    ),
    path(
        "accounts/invitation/<uidb64>/<token>/",
        account_views.InvitationView.as_view(),
        name="invitation",
    ),
    path(
        "accounts/password_reset/",
        PasswordResetView.as_view(),
        name="password_reset",
    ),
    path("accounts/", include("django.contrib.auth.urls")),
    path("tickets/", include("tickets.urls")),
    path("agent/", include("tickets.agent_urls")),
    path("notifications/", include("notifications.urls")),
    path("", include("webhooks.urls")),
    # The admin logs in through our login view, so the lockout's row lock holds there too.
    path("admin/login/", account_views.AdminLoginView.as_view(), name="admin_login"),
    path("admin/", admin.site.urls),
    path("api/v1/", include((api_v1, "api"))),
    path("api/schema/", SchemaView.as_view(), name="api-schema"),
    # The split view serves Swagger UI's start-up script from a URL, not inline,
    # so the docs need no exception to the Content-Security-Policy.
    path(
        "api/docs/",
        SpectacularSwaggerSplitView.as_view(
            url_name="api-schema", template_name="api/swagger_ui.html"
        ),
        name="api-docs",
    ),
    path("", include("privacy.urls")),
    path("", include("reports.urls")),
    path("", include("ops.urls")),
]

if settings.DEBUG:
    urlpatterns += [path("dev/mail/", include("helpdesk.devmail"))]
