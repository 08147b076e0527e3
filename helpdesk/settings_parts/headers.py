"""The security headers every response carries: Content-Security-Policy and
Permissions-Policy."""

from csp.constants import NONE, SELF

# Content-Security-Policy (django-csp) on every response: scripts, styles, fonts
# and images of our own only, so no inline script, style attribute or handler
# runs (templates/ keep none; static/js/app.js does the rest). The ticket page
# frames attachment previews (same origin); attachment responses carry their own
# sandboxing policy (tickets/attachments/views.py), which the middleware keeps.
# data: images are for Swagger UI's icons (/api/docs/).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "frame-src": [SELF],
        "frame-ancestors": [NONE],
        "form-action": [SELF],
        "base-uri": [NONE],
        "object-src": [NONE],
    }
}
# Permissions-Policy (django-permissions-policy): no page needs these powers.
PERMISSIONS_POLICY: dict[str, list[str]] = {
    "camera": [],
    "geolocation": [],
    "microphone": [],
    "payment": [],
    "usb": [],
}
