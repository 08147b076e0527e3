"""Each request speaks its user's language and time zone.

After Django's LocaleMiddleware (which picked the browser's language) and the
authentication middleware: the user row is loaded on every signed-in request
anyway, so this costs no query.
"""

from __future__ import annotations

from django.utils import timezone, translation

from accounts.zones import chosen_language, zone_of


class UserLocaleMiddleware:
    """Activate the signed-in user's language (if chosen) and zone for this request only."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        language = ""
        if user is not None and user.is_authenticated:
            timezone.activate(zone_of(user))
            language = chosen_language(user)
        else:
            timezone.deactivate()
        try:
            if not language:
                return self.get_response(request)
            # Overridden, not activated: the thread's language comes back after
            # this request, whatever code runs on it next.
            request.LANGUAGE_CODE = language
            with translation.override(language):
                response = self.get_response(request)
            # LocaleMiddleware only sets this header when it is missing.
            response.headers["Content-Language"] = language
            return response
        finally:
            # A thread serves other users next: leave no zone behind.
            timezone.deactivate()
