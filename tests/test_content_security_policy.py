"""helpdesk.csp builds the settings' policy once, and leaves every response that
changes it (a nonce, a view's own policy or decorator) to django-csp."""

from __future__ import annotations

from csp.constants import NONCE, SELF
from csp.decorators import csp_update
from csp.middleware import CSPMiddleware as DjangoCSPMiddleware
from django.http import HttpResponse
from django.test import RequestFactory

from helpdesk.csp import CSPMiddleware


def answer(view) -> tuple[HttpResponse, HttpResponse]:
    """``view``'s response through our middleware and through django-csp's own."""
    ours = CSPMiddleware(view)(RequestFactory().get("/"))
    theirs = DjangoCSPMiddleware(view)(RequestFactory().get("/"))
    return ours, theirs


def directives(header: str) -> set[str]:
    return {part.strip() for part in header.split(";")}


def test_a_plain_response_gets_the_policy_django_csp_builds():
    ours, theirs = answer(lambda request: HttpResponse("ok"))
    again, _ = answer(lambda request: HttpResponse("ok"))

    assert directives(ours["Content-Security-Policy"]) == directives(
        theirs["Content-Security-Policy"]
    )
    assert again["Content-Security-Policy"] == ours["Content-Security-Policy"]
    assert "Content-Security-Policy-Report-Only" not in ours


def test_a_response_that_asked_for_a_nonce_gets_it_in_its_policy(settings):
    # No page of ours uses one; a policy that allows them gets the request's own.
    settings.CONTENT_SECURITY_POLICY = {"DIRECTIVES": {"script-src": [SELF, NONCE]}}

    def view(request):
        return HttpResponse(str(request.csp_nonce))

    ours, _ = answer(view)
    plain, _ = answer(lambda request: HttpResponse("ok"))

    nonce = ours.content.decode()
    assert f"'nonce-{nonce}'" in ours["Content-Security-Policy"]
    assert "nonce-" not in plain["Content-Security-Policy"]


def test_a_views_own_policy_and_decorators_are_kept():
    def own(request):
        response = HttpResponse("file")
        response["Content-Security-Policy"] = "sandbox; default-src 'none'"
        return response

    @csp_update({"img-src": "https://images.example"})
    def updated(request):
        return HttpResponse("ok")

    assert answer(own)[0]["Content-Security-Policy"] == "sandbox; default-src 'none'"
    assert "https://images.example" in answer(updated)[0]["Content-Security-Policy"]
    plain, _ = answer(lambda request: HttpResponse("ok"))
    assert "https://images.example" not in plain["Content-Security-Policy"]


def test_a_changed_policy_setting_is_followed(settings):
    answer(lambda request: HttpResponse("ok"))  # built and kept

    settings.CONTENT_SECURITY_POLICY = {"DIRECTIVES": {"default-src": ["'none'"]}}
    ours, _ = answer(lambda request: HttpResponse("ok"))

    assert ours["Content-Security-Policy"] == "default-src 'none'"
