"""Probes for load balancers, orchestrators and compose healthchecks.

``/healthz/live``: the process answers (restart it if not).
``/healthz/ready``: the database, cache, broker and a recent worker heartbeat
all answer (send it traffic only if so). Neither needs a login nor says more
than each part's state.
``/metrics``: Prometheus's scrape, for loopback, the configured networks or the
bearer token only (``ops/metrics.py``).
"""

from django.http import HttpResponse, JsonResponse
from django.views.decorators.cache import never_cache
from prometheus_client import CONTENT_TYPE_LATEST

from ops.metrics import scrape, scrape_allowed
from ops.services import check_database, readiness


@never_cache
def live(request):
    return HttpResponse("ok", content_type="text/plain")


@never_cache
def ready(request):
    ok, checks = readiness()
    return JsonResponse({"ready": ok, "checks": checks}, status=200 if ok else 503)


@never_cache
def healthz(request):
    """The original probe: the process answers and reaches its database."""
    check_database()
    return HttpResponse("ok", content_type="text/plain")


@never_cache
def metrics(request):
    if not scrape_allowed(request):
        return HttpResponse("Forbidden\n", status=403, content_type="text/plain")
    if request.method not in ("GET", "HEAD"):
        return HttpResponse(status=405, headers={"Allow": "GET, HEAD"})
    return HttpResponse(scrape(), content_type=CONTENT_TYPE_LATEST)
