"""``make run``: the web server, and a Celery worker with beat beside it.

Both run as child processes; Ctrl-C (or SIGTERM) stops all of them.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

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


def main() -> int:
    children = {name: subprocess.Popen(command) for name, command in commands().items()}  # noqa: S603
    print(f"Helpdesk is at http://{ADDRESS}/  (Ctrl-C stops the server and the worker)", flush=True)

    def stop(*_args) -> None:
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, stop)
    exit_code = 0
    try:
        while True:
            for name, child in children.items():
                if child.poll() is not None:
                    print(
                        f"{name} stopped (exit {child.returncode}); stopping the rest.", flush=True
                    )
                    exit_code = child.returncode or 1
                    raise KeyboardInterrupt
            time.sleep(0.5)
    except KeyboardInterrupt:
        pass
    finally:
        for child in children.values():
            if child.poll() is None:
                child.send_signal(signal.SIGTERM)
        deadline = time.monotonic() + 10
        for child in children.values():
            try:
                child.wait(timeout=max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                child.kill()
    return exit_code


if __name__ == "__main__":
    sys.exit(main())
