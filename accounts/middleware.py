"""Each request speaks in its user's time zone.

After the authentication middleware: the user row is loaded on every
signed-in request anyway, so this costs no query.
"""

from __future__ import annotations

from django.utils import timezone

from accounts.zones import zone_of


class UserTimeZoneMiddleware:
    """Activate the signed-in user's zone (else the deployment's) for this request only."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            timezone.activate(zone_of(user))
        else:
            timezone.deactivate()
        try:
            return self.get_response(request)
        finally:
            # A thread serves other users next: leave nothing behind.
            timezone.deactivate()
