"""django-csp's middleware, with the settings' policy built once per process.

django-csp builds the Content-Security-Policy header from the settings for
every response (about 40 µs: the policy's parts copied to a dict, each
directive copied and joined), though for a response that changes nothing of
it the header is the same every time: 15% of a health probe's answer. Such a
response (no nonce asked for, no per-view ``@csp_update``, ``@csp_replace``
or ``@csp_override``, no exemption, no header of its own) gets the string
built for the first one; any other response is built by django-csp as before.
The strings are dropped when a test changes the policy settings.
"""

from __future__ import annotations

import http.client
from typing import ClassVar

from csp.constants import HEADER, HEADER_REPORT_ONLY
from csp.middleware import CheckableLazyObject
from csp.middleware import CSPMiddleware as BaseCSPMiddleware
from csp.utils import build_policy
from django.conf import settings
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.http import HttpRequest
from django.http.response import HttpResponseBase

# What a view may set on its response to change or drop the policy (django-csp's decorators).
_CUSTOMISED = (
    "_csp_config",
    "_csp_update",
    "_csp_replace",
    "_csp_exempt",
    "_csp_config_ro",
    "_csp_update_ro",
    "_csp_replace_ro",
    "_csp_exempt_ro",
)
_POLICY_SETTINGS = frozenset({"CONTENT_SECURITY_POLICY", "CONTENT_SECURITY_POLICY_REPORT_ONLY"})


class CSPMiddleware(BaseCSPMiddleware):
    # report_only -> the header built from the settings alone ("" for none)
    built: ClassVar[dict[bool, str]] = {}

    def process_response(
        self, request: HttpRequest, response: HttpResponseBase
    ) -> HttpResponseBase:
        if not self._plain(request, response):
            return super().process_response(request, response)
        for report_only, header in ((False, HEADER), (True, HEADER_REPORT_ONLY)):
            policy = self.built.get(report_only)
            if policy is None:
                policy = self.built[report_only] = build_policy(report_only=report_only)
            if policy:
                response[header] = policy
        # As django-csp does: a nonce asked for after the header is written is an error.
        request.csp_nonce = CheckableLazyObject(self._csp_nonce_post_response)  # type: ignore[attr-defined]
        return response

    @staticmethod
    def _plain(request: HttpRequest, response: HttpResponseBase) -> bool:
        """Whether the settings' policy, unchanged, is this response's."""
        if getattr(request, "_csp_nonce", None) is not None:
            return False
        if HEADER in response or HEADER_REPORT_ONLY in response:
            return False
        if any(hasattr(response, name) for name in _CUSTOMISED):
            return False
        if settings.DEBUG and response.status_code in (
            http.client.INTERNAL_SERVER_ERROR,
            http.client.NOT_FOUND,
        ):
            return False  # django-csp leaves Django's debug pages alone
        for name in _POLICY_SETTINGS:
            if (getattr(settings, name, None) or {}).get("EXCLUDE_URL_PREFIXES"):
                return False
        return True


@receiver(setting_changed)
def _policy_changed(*, setting: str, **kwargs) -> None:
    if setting in _POLICY_SETTINGS:
        CSPMiddleware.built.clear()
