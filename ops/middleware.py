"""Middleware of ops: the request id, django-prometheus's request metrics, and
the health probes' short way through the chain."""

from __future__ import annotations

from collections.abc import Callable
from typing import ClassVar

from django.core.handlers.exception import response_for_exception
from django.http import HttpRequest, HttpResponse
from django.urls import ResolverMatch, resolve
from django_prometheus.middleware import PrometheusAfterMiddleware

from ops.logging import bind_request_id, new_request_id, safe_request_id, unbind_request_id

REQUEST_ID_HEADER = "X-Request-ID"


class RequestIdMiddleware:
    """First in the chain: gives the request an id, binds it for every log line
    written while the request runs, and returns it in ``X-Request-ID``.

    An incoming ``X-Request-ID`` (from the proxy in front) is kept only if it is
    a safe short token; anything else is replaced by a fresh id.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        request_id = safe_request_id(request.headers.get(REQUEST_ID_HEADER)) or new_request_id()
        request.request_id = request_id  # type: ignore[attr-defined]
        token = bind_request_id(request_id)
        try:
            response = self.get_response(request)
        finally:
            unbind_request_id(token)
        response[REQUEST_ID_HEADER] = request_id
        return response


# django-prometheus labels one series by the raw request method; any other word
# a client sends would be a new series (and a new entry in every process's file).
_METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"})


class MetricsAfterMiddleware(PrometheusAfterMiddleware):
    """django-prometheus's per-view counters and latencies, with the method label
    bounded to the methods HTTP defines."""

    def label_metric(self, metric, request, response=None, **labels):
        if "method" in labels and labels["method"] not in _METHODS:
            labels["method"] = "<invalid method>"
        return super().label_metric(metric, request, response, **labels)


class ProbeMiddleware:
    """Answers the health probes without the middleware and URL resolution they
    do not use.

    A probe (``/healthz``, ``/healthz/live``, ``/healthz/ready``, GET or HEAD)
    carries no cookie and no credentials and its answer names no one, so
    sessions, CSRF, authentication, two-factor, messages, framing and the login
    lockout have nothing to do for it; at a probe every second from every
    balancer, their cost was most of the answer's. It sits after what every
    response carries (the request id, the security headers, the
    Content-Security-Policy) and the request counters, and still counts and
    times the probe per view, as ``MetricsAfterMiddleware`` does for pages.
    Any other path or method goes on down the chain.
    """

    PATHS: ClassVar[frozenset[str]] = frozenset({"/healthz", "/healthz/live", "/healthz/ready"})

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        self.metrics = MetricsAfterMiddleware(get_response)  # only its hooks are called
        self.matches: dict[str, ResolverMatch] = {}  # resolved once per path

    def __call__(self, request: HttpRequest) -> HttpResponse:
        path = request.path_info
        if path not in self.PATHS or request.method not in ("GET", "HEAD"):
            return self.get_response(request)
        match = self.matches.get(path)
        if match is None:
            match = self.matches[path] = resolve(path)
        request.resolver_match = match
        self.metrics.process_request(request)
        self.metrics.process_view(request, match.func, match.args, match.kwargs)
        try:
            response = match.func(request, *match.args, **match.kwargs)
        except Exception as error:  # noqa: BLE001 - answered as Django answers any view's error
            self.metrics.process_exception(request, error)
            response = response_for_exception(request, error)
        return self.metrics.process_response(request, response)
