"""/api/schema/: drf-spectacular's schema, built once per process.

Building the schema walks every endpoint (a few hundred milliseconds of CPU)
and drf-spectacular's builder is not thread-safe: it patches global settings
and loads its extensions lazily, so two builds at once in one process could
fail with a 500. The schema is public and the same for every caller, so each
process builds it once, under a lock, per format, version and language, and
then serves the copy.
"""

from __future__ import annotations

import threading
from typing import Any, ClassVar

from drf_spectacular.utils import extend_schema
from drf_spectacular.views import SpectacularAPIView
from rest_framework.response import Response

# Formats × versions × languages that may be kept; past that, built each time.
MAX_KEPT = 16


class SchemaView(SpectacularAPIView):
    _kept: ClassVar[dict[tuple[str, str, str], tuple[Any, dict[str, str]]]] = {}
    _lock: ClassVar[threading.Lock] = threading.Lock()

    @extend_schema(exclude=True)  # as SERVE_INCLUDE_SCHEMA=False does for spectacular's own
    def get(self, request, *args, **kwargs):
        key = (
            request.accepted_renderer.format,
            request.GET.get("version", ""),
            request.GET.get("lang", ""),
        )
        with self._lock:
            kept = self._kept.get(key)
            if kept is None:
                response = super().get(request, *args, **kwargs)
                if response.status_code != 200:
                    return response
                headers = {"Content-Disposition": response["Content-Disposition"]}
                kept = (response.data, headers)
                if len(self._kept) < MAX_KEPT:
                    self._kept[key] = kept
        data, headers = kept
        return Response(data, headers=headers)
