"""`make run`: its worker consumes every routed queue, and a crash does not end the demo."""

import os
import signal
import socket
import subprocess
import sys

from django.conf import settings

from helpdesk.serve import Supervisor, commands


def test_the_embedded_worker_consumes_every_routed_queue():
    worker = commands()["worker"]

    queues = set(worker[worker.index("--queues") + 1].split(","))
    routed = {route["queue"] for route in settings.CELERY_TASK_ROUTES.values()}
    assert routed | {settings.CELERY_TASK_DEFAULT_QUEUE} <= queues
    assert "--beat" in worker


def test_a_child_that_dies_is_started_again_and_one_that_keeps_dying_stops_all(tmp_path):
    marker = tmp_path / "starts"
    # A child that counts its starts in a file, then dies at once.
    dies = [sys.executable, "-c", f"open({str(marker)!r}, 'a').write('x')"]
    sleeper = [sys.executable, "-c", "import time; time.sleep(60)"]
    supervisor = Supervisor({"worker": dies, "web": sleeper}, limit=3, window=60)
    supervisor.start_all()
    try:
        outcomes = []
        for _ in range(4):
            supervisor.children["worker"].wait(10)
            outcomes.append(supervisor.check())
        web = supervisor.children["web"]
        assert outcomes == [None, None, None, 1]  # restarted three times, then given up
        assert marker.read_text() == "xxxx"
        assert web.poll() is None  # the site kept running while the worker was restarted
    finally:
        supervisor.stop_all()
    assert web.poll() is not None


def test_make_run_starts_the_request_counts_afresh(tmp_path):
    # A file left by an earlier run's process would be added to every scrape.
    folder = tmp_path / "prometheus"
    folder.mkdir()
    stale = folder / "counter_4242.db"
    stale.write_bytes(b"stale")
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    environment = {
        **os.environ,
        "DEBUG": "1",
        "HELPDESK_VAR_DIR": str(tmp_path),
        "PROMETHEUS_MULTIPROC_DIR": str(folder),
        "HELPDESK_ADDRESS": f"127.0.0.1:{port}",
    }
    environment.pop("DJANGO_SETTINGS_MODULE", None)
    run = subprocess.Popen(
        [sys.executable, "-m", "helpdesk.serve"],
        cwd=settings.BASE_DIR,
        env=environment,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        assert "Helpdesk is at" in run.stdout.readline()
        assert not stale.exists()
    finally:
        run.send_signal(signal.SIGTERM)
        run.communicate(timeout=30)
