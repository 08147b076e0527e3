"""Middleware of ops: the request id, and django-prometheus's request metrics."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
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
