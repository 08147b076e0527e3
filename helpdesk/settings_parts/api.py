"""The REST API's settings (Django REST framework and drf-spectacular)."""

from helpdesk.env import env_str

# The REST API (issue 7): session (with CSRF) or personal tokens (whose scope
# TokenScope enforces for every view), per-user and per-organisation throttling.
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "accounts.tokens.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": [
        "rest_framework.permissions.IsAuthenticated",
        "accounts.tokens.TokenScope",
    ],
    "DEFAULT_THROTTLE_CLASSES": ["tickets.api.throttling.ApiRateThrottle"],
    "DEFAULT_PAGINATION_CLASS": "tickets.api.common.Pagination",
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": [
        "rest_framework.parsers.JSONParser",
        "rest_framework.parsers.MultiPartParser",
        "rest_framework.parsers.FormParser",
    ],
    "EXCEPTION_HANDLER": "tickets.api.common.exception_handler",
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
}
# Requests per user (every token and session of theirs together), and per
# customer organisation (all its users together); tickets/api/throttling.py.
HELPDESK_API_RATE = env_str("HELPDESK_API_RATE", "600/minute")
HELPDESK_API_ORGANIZATION_RATE = env_str("HELPDESK_API_ORGANIZATION_RATE", "3000/minute")
SPECTACULAR_SETTINGS = {
    "TITLE": "Helpdesk API",
    "DESCRIPTION": (
        "Tickets, messages and attachments of a multi-tenant support desk. "
        "Authenticate with `Authorization: Token <key>` (create a key on your profile "
        "page or with `manage.py create_api_token`) or with the browser session and its "
        "CSRF token. A token's scope is **read** (safe methods only) or **write**; "
        "each operation names the scope it needs in `x-token-scope`. Everything of "
        "another organisation answers 404.\n\n"
        "**Rate limits.** Each user has `HELPDESK_API_RATE` requests a window (600 a "
        "minute by default) and each customer organisation, all its users together, "
        "`HELPDESK_API_ORGANIZATION_RATE` (3000 a minute). Every answer carries "
        "`X-RateLimit-Limit` (requests a window), `X-RateLimit-Remaining` (left in it) "
        "and `X-RateLimit-Reset` (seconds until the window ends, not a time), for "
        "whichever limit is nearest; past it, 429 with `Retry-After` in seconds."
    ),
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "SERVE_PERMISSIONS": ["rest_framework.permissions.AllowAny"],
    "SERVE_AUTHENTICATION": [],
    "COMPONENT_SPLIT_REQUEST": True,
    # The ticket's status appears in both ticket shapes (list and detail): one name.
    "ENUM_NAME_OVERRIDES": {"TicketStatusEnum": "tickets.models.Status.values"},
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "accounts.tokens.schema_token_scopes",
        "webhooks.schema.webhook_components",
    ],
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
}
