"""What a health probe costs in-process, with production settings (issue 15).

    .venv/bin/python -m bench.healthz [--calls 5000] [--rounds 3] [--profile]

Calls the WSGI application directly, as gunicorn would, with a probe's bare
request (no cookie, no credentials) for ``/healthz``, ``/healthz/live`` and
``/healthz/ready``, and the same for ``/healthz``'s view alone (no middleware,
no URL resolution: the in-process floor). Prints the mean and median of each
over ``--calls`` calls per round, rounds interleaved, with the load average.
``--profile`` adds cProfile's top functions for ``/healthz``.

Runs against ``BENCH_DATABASE_URL`` (``helpdesk_bench`` by default; only the
schema is needed: ``manage.py migrate`` an empty database) and the shared
cache at ``BENCH_CACHE_URL``, as ``bench/http.py`` serves it.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import os
import pstats
import statistics
import sys
import time
from collections.abc import Callable

from bench.run import DEFAULT_URL, configure


def environ_for(path: str) -> dict:
    return {
        "REQUEST_METHOD": "GET",
        "PATH_INFO": path,
        "QUERY_STRING": "",
        "SERVER_NAME": "testserver",
        "SERVER_PORT": "80",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "REMOTE_ADDR": "127.0.0.1",
        "HTTP_HOST": "testserver",
        "HTTP_USER_AGENT": "kube-probe/1.30",
        "wsgi.url_scheme": "http",
        "wsgi.input": io.BytesIO(b""),
        "wsgi.errors": sys.stderr,
        "wsgi.multithread": False,
        "wsgi.multiprocess": True,
        "wsgi.run_once": False,
    }


def probe_cases() -> dict[str, Callable[[], None]]:
    """Each probe through the WSGI application, and ``/healthz``'s view alone."""
    import django

    django.setup()
    from django.core.management import call_command

    call_command("collectstatic", interactive=False, verbosity=0)  # as deployed: WhiteNoise's files
    from django.core.wsgi import get_wsgi_application
    from django.test import RequestFactory

    from ops.services import heartbeat_record
    from ops.views import healthz

    application = get_wsgi_application()
    heartbeat_record()  # /healthz/ready wants a recent worker heartbeat

    def start_response(status, headers, exc_info=None):
        assert status.startswith("200"), status

    def through_wsgi(path: str) -> Callable[[], None]:
        def call() -> None:
            body = application(environ_for(path), start_response)
            b"".join(body)
            body.close()  # type: ignore[attr-defined] - as gunicorn closes Django's response

        return call

    probe = RequestFactory().get("/healthz")
    return {
        "/healthz": through_wsgi("/healthz"),
        "/healthz/live": through_wsgi("/healthz/live"),
        "/healthz/ready": through_wsgi("/healthz/ready"),
        "/healthz view alone": lambda: healthz(probe) and None,
    }


def measure(cases: dict[str, Callable[[], None]], calls: int, rounds: int) -> dict[str, list]:
    """Milliseconds per call of each case, rounds interleaved, after a warm-up."""
    samples: dict[str, list[float]] = {name: [] for name in cases}
    for call in cases.values():
        for _ in range(200):  # connections, caches, imports
            call()
    for _ in range(rounds):
        for name, call in cases.items():
            # readiness asks the cache, the broker and the database: fewer calls
            for _ in range(calls if "ready" not in name else max(calls // 10, 50)):
                started = time.perf_counter()
                call()
                samples[name].append((time.perf_counter() - started) * 1000)
    return samples


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--calls", type=int, default=5000)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--profile", action="store_true")
    parser.add_argument("--top", type=int, default=30)
    args = parser.parse_args()

    configure(os.environ.get("BENCH_DATABASE_URL", DEFAULT_URL))
    os.environ["CACHE_URL"] = os.environ.get("BENCH_CACHE_URL", "redis://127.0.0.1:6379/12")
    os.environ["HELPDESK_LOG_FORMAT"] = "json"
    cases = probe_cases()
    samples = measure(cases, args.calls, args.rounds)

    load = os.getloadavg()
    print(f"load average {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}, {os.cpu_count()} CPUs")
    floor = statistics.fmean(samples["/healthz view alone"])
    for name, times in samples.items():
        mean = statistics.fmean(times)
        print(
            f"{name:22} mean {mean:6.3f} ms  median {statistics.median(times):6.3f} ms  "
            f"({mean / floor:.1f}x the view alone, {len(times)} calls)"
        )

    if args.profile:
        profile = cProfile.Profile()
        profile.enable()
        for _ in range(args.calls):
            cases["/healthz"]()
        profile.disable()
        pstats.Stats(profile).sort_stats("cumulative").print_stats(args.top)


if __name__ == "__main__":
    main()
