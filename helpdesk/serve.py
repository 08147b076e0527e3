"""``make run``: the web server, and a Celery worker with beat beside it.

Both run as child processes; one that dies is started again (a demo must not
die with its worker); Ctrl-C, SIGTERM or a closed terminal (SIGHUP) stops all
of them.
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import time

from helpdesk.metrics_files import metrics_files_clear

ADDRESS = os.environ.get("HELPDESK_ADDRESS", "127.0.0.1:8000")


def commands(python: str = sys.executable) -> dict[str, list[str]]:
    """The processes ``make run`` starts: the web server, and one worker with beat
    that consumes every queue the tasks are routed to."""
    return {
        "web": [python, "manage.py", "runserver", ADDRESS],
        "worker": [
            python,
            "-m",
            "celery",
            "-A",
            "helpdesk",
            "worker",
            "--beat",
            "--loglevel",
            "INFO",
            "--concurrency",
            "1",
            "--queues",
            "default,email,maintenance",
        ],
    }


class Supervisor:
    """Keeps each child running: one that dies is started again, unless it keeps
    dying (more than ``limit`` times within ``window`` seconds), which stops all."""

    def __init__(
        self,
        commands: dict[str, list[str]],
        *,
        limit: int = 5,
        window: float = 300,
        grace: float = 10,
    ):
        self.commands = commands
        self.grace = grace
        self.limit = limit
        self.window = window
        self.children: dict[str, subprocess.Popen] = {}
        self.deaths: dict[str, list[float]] = {name: [] for name in commands}

    def start(self, name: str) -> None:
        # Each child leads its own process group, so stopping it reaches what it
        # started too (the worker's pool and beat, runserver's reloader): a
        # grandchild left behind would keep the port and the terminal's output.
        self.children[name] = subprocess.Popen(self.commands[name], process_group=0)  # noqa: S603

    def start_all(self) -> None:
        for name in self.commands:
            self.start(name)

    def check(self) -> int | None:
        """Restart what died; returns an exit code when something keeps dying."""
        now = time.monotonic()
        for name, child in list(self.children.items()):
            if child.poll() is None:
                continue
            recent = [at for at in self.deaths[name] if now - at < self.window] + [now]
            self.deaths[name] = recent
            if len(recent) > self.limit:
                print(f"{name} keeps stopping (exit {child.returncode}); stopping the rest.")
                return child.returncode or 1
            print(f"{name} stopped (exit {child.returncode}); starting it again.", flush=True)
            # What the dead one started (runserver's serving child, the worker's
            # pool) would hold the port or the queue against its successor.
            _signal_group(child, signal.SIGKILL)
            self.start(name)
        return None

    def stop_all(self) -> None:
        """SIGTERM to each child (the worker finishes its task and stops its pool
        and beat itself; its pool processes would die at once of a SIGTERM of
        their own), up to ``grace`` seconds, then SIGKILL to whatever of each
        group is left."""
        for child in self.children.values():
            if child.poll() is None:
                child.send_signal(signal.SIGTERM)
        deadline = time.monotonic() + self.grace
        for child in self.children.values():
            with contextlib.suppress(subprocess.TimeoutExpired):
                child.wait(timeout=max(0.1, deadline - time.monotonic()))
            # Whatever of the group outlived the grace period (or the leader's
            # exit) is killed, so nothing keeps running after ``make run`` ends.
            _signal_group(child, signal.SIGKILL)
            child.wait()


def _signal_group(child: subprocess.Popen, signum: int) -> None:
    with contextlib.suppress(ProcessLookupError):  # the whole group has already gone
        os.killpg(child.pid, signum)


def main() -> int:
    def stop(*_args) -> None:
        raise KeyboardInterrupt

    # Before any child starts: a SIGTERM arriving between the start and the
    # handler would end this process at once and leave the children running.
    # The children lead their own process groups, so a closed terminal's
    # SIGHUP reaches this process only: it stops them as Ctrl-C does.
    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGHUP, stop)
    metrics_files_clear()  # an earlier run's counts would be added to this one's
    supervisor = Supervisor(commands())
    exit_code = 0
    try:
        supervisor.start_all()
        print(
            f"Helpdesk is at http://{ADDRESS}/  (Ctrl-C stops the server and the worker)",
            flush=True,
        )
        while (outcome := supervisor.check()) is None:
            time.sleep(0.5)
        exit_code = outcome
    except KeyboardInterrupt:
        pass
    finally:
        # A second Ctrl-C while stopping changes nothing: the grace period is
        # short, and an interrupted stop would strand the children.
        for signum in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
            signal.signal(signum, signal.SIG_IGN)
        supervisor.stop_all()
    return exit_code


if __name__ == "__main__":
    sys.exit(main())
