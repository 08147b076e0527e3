"""`make run`: its worker consumes every routed queue, and a crash does not end the demo."""

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

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


def test_stopping_ends_what_a_child_started_even_when_the_child_ignores_sigterm(tmp_path):
    # A worker's pool process, or runserver's reloader, outlives its parent's
    # death unless the whole group is stopped.
    pids = tmp_path / "pids"
    stubborn = [
        sys.executable,
        "-c",
        "import os, signal, subprocess, sys, time\n"
        "signal.signal(signal.SIGTERM, signal.SIG_IGN)\n"
        "child = subprocess.Popen([sys.executable, '-c', 'import time; time.sleep(120)'])\n"
        f"open({str(pids)!r}, 'w').write(str(child.pid))\n"
        "time.sleep(120)\n",
    ]
    supervisor = Supervisor({"worker": stubborn}, grace=1)
    supervisor.start_all()
    deadline = time.monotonic() + 20
    while not pids.exists() or not pids.read_text():
        assert time.monotonic() < deadline
        time.sleep(0.1)
    grandchild = int(pids.read_text())

    supervisor.stop_all()

    assert supervisor.children["worker"].poll() is not None
    # SIGKILL is delivered at once, but the process takes a moment to go.
    deadline = time.monotonic() + 5
    while _running(grandchild) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not _running(grandchild)


def test_stopping_lets_a_child_finish_its_work_before_its_own_children_go(tmp_path):
    # The worker, told to stop, finishes the task its pool process runs and then
    # stops the pool itself; a SIGTERM of the pool's own would kill the task.
    log = tmp_path / "log"
    worker = [
        sys.executable,
        "-c",
        "import signal, subprocess, sys, time\n"
        f"log = {str(log)!r}\n"
        "pool = subprocess.Popen([sys.executable, '-c', "
        "'import signal, sys, time\\n'\n"
        '    f\'signal.signal(signal.SIGTERM, lambda *a: (open({log!r}, "a").write("pool killed mid-task "), sys.exit(1)))\\n\'\n'
        "    'time.sleep(120)'])\n"
        "def finish(*_):\n"
        "    time.sleep(0.5)\n"
        "    open(log, 'a').write('task finished ')\n"
        "    sys.exit(0)\n"
        "signal.signal(signal.SIGTERM, finish)\n"
        "open(log, 'a').write('ready ')\n"
        "time.sleep(120)\n",
    ]
    supervisor = Supervisor({"worker": worker}, grace=5)
    supervisor.start_all()
    deadline = time.monotonic() + 20
    while not log.exists() or "ready" not in log.read_text():
        assert time.monotonic() < deadline
        time.sleep(0.1)
    time.sleep(0.3)  # the pool process has set its handler

    supervisor.stop_all()

    assert supervisor.children["worker"].returncode == 0
    assert log.read_text() == "ready task finished "


def _running(pid: int) -> bool:
    """Whether ``pid`` still runs: a killed orphan may linger as a zombie until
    whatever adopted it reaps it, which is not running."""
    try:
        with open(f"/proc/{pid}/stat") as stat:
            state = stat.read().rsplit(")", 1)[1].split()[0]
    except FileNotFoundError:
        return False
    return state not in {"Z", "X"}


def test_make_run_starts_the_request_counts_afresh(tmp_path):
    # A file left by an earlier run's process would be added to every scrape.
    folder = tmp_path / "prometheus"
    folder.mkdir()
    stale = folder / "counter_4242.db"
    stale.write_bytes(b"stale")
    run, _port = _make_run(tmp_path, folder)
    try:
        assert "Helpdesk is at" in run.stdout.readline()
        assert not stale.exists()
    finally:
        _stop(run)


def test_closing_the_terminal_stops_make_run(tmp_path):
    # The children lead their own process groups: the terminal's SIGHUP reaches
    # the supervisor only, which must stop them rather than die alone.
    run, _port = _make_run(tmp_path, tmp_path / "prometheus")
    assert "Helpdesk is at" in run.stdout.readline()
    _stop(run, signal.SIGHUP)
    assert run.returncode == 0


def _make_run(var: Path, metrics: Path) -> tuple[subprocess.Popen, int]:
    """``make run``'s supervisor on a free port, its output piped, as a
    developer's terminal starts it (DEBUG on, its own var folder)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    environment = {
        **os.environ,
        "DEBUG": "1",
        "HELPDESK_VAR_DIR": str(var),
        "PROMETHEUS_MULTIPROC_DIR": str(metrics),
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
    return run, port


def _stop(run: subprocess.Popen, signum: int = signal.SIGTERM) -> str:
    """SIGTERM, as a terminal's Ctrl-C or a service manager sends it. The output
    ends only when every process that holds it has gone: the web server's
    reloader, the worker's pool and beat included."""
    run.send_signal(signum)
    try:
        output, _ = run.communicate(timeout=30)
    except subprocess.TimeoutExpired:
        run.kill()
        raise
    return output


def test_make_run_stops_everything_it_started_once_the_site_answers(tmp_path):
    run, port = _make_run(tmp_path, tmp_path / "prometheus")
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                with urllib.request.urlopen(
                    f"http://127.0.0.1:{port}/healthz", timeout=2
                ) as answer:
                    assert answer.status == 200
                    break
            except OSError:
                assert time.monotonic() < deadline, "the site never answered"
                time.sleep(0.5)
    finally:
        _stop(run)
    assert run.returncode == 0
    with socket.socket() as again:
        # As a server binds: a connection in TIME_WAIT is no listener.
        again.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        again.bind(("127.0.0.1", port))  # the port is free: no server left behind
