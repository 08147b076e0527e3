"""Probes for load balancers, orchestrators and compose healthchecks.

``/healthz/live``: the process answers (restart it if not).
``/healthz/ready``: the database, cache, broker and a recent worker heartbeat
all answer (send it traffic only if so). Neither needs a login nor says more
than each part's state.
"""

from django.http import HttpResponse, JsonResponse
from django.views.decorators.cache import never_cache

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
