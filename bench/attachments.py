"""Upload and download a 20 MB attachment through a real web process (issue 6).

    .venv/bin/python -m bench.attachments [--megabytes 20]

Starts gunicorn (one sync worker, production settings, SQLite under a temp
folder), logs in as a customer, uploads a file with a reply over loopback and
downloads it back, and reports the worker's peak resident memory (VmHWM)
against its memory before, and the throughput of both directions.
"""

from __future__ import annotations

import argparse
import http.client
import http.cookiejar
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PORT = 8765


def kib(pid: int, field: str) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1])
    raise KeyError(field)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--megabytes", type=int, default=20)
    args = parser.parse_args()
    var = tempfile.mkdtemp(prefix="helpdesk-bench-files-")
    env = {
        **os.environ,
        "DEBUG": "0",
        "SECRET_KEY": "bench-" + "k" * 60,
        "ALLOWED_HOSTS": "127.0.0.1",
        "SECURE_SSL_REDIRECT": "0",
        "SESSION_COOKIE_SECURE": "0",
        "CSRF_COOKIE_SECURE": "0",
        "HELPDESK_VAR_DIR": var,
        "DJANGO_SETTINGS_MODULE": "helpdesk.settings",
    }
    env.pop("DATABASE_URL", None)
    python = sys.executable
    run = {"cwd": ROOT, "env": env, "check": True}
    subprocess.run([python, "manage.py", "migrate", "-v0"], **run)
    subprocess.run([python, "manage.py", "collectstatic", "--noinput", "-v0"], **run)
    subprocess.run(
        [
            python,
            "manage.py",
            "shell",
            "-c",
            (
                "from accounts.models import Organization, User; from tickets.models import Category;"
                "from tickets import services;"
                "org = Organization.objects.create(name='Bench', alias='BENCH');"
                "user = User.objects.create_user('bench@bench.example', 'bench-password-1', "
                "full_name='Bench User', role='admin', organization=org);"
                "cat = Category.objects.create(name='General', slug='general');"
                "services.ticket_open(actor=user, category=cat, subject='Big file', description='Here it comes')"
            ),
        ],
        **run,
    )
    server = subprocess.Popen(
        [
            python,
            "-m",
            "gunicorn",
            "helpdesk.wsgi",
            "--bind",
            f"127.0.0.1:{PORT}",
            "--workers",
            "1",
            "--timeout",
            "120",
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        time.sleep(3)
        worker = int(subprocess.check_output(["pgrep", "-P", str(server.pid)]).split()[0])
        base = f"http://127.0.0.1:{PORT}"
        jar = http.cookiejar.CookieJar()
        opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
        page = opener.open(base + "/accounts/login/").read().decode()
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
        opener.open(
            base + "/accounts/login/",
            urllib.parse.urlencode(
                {
                    "csrfmiddlewaretoken": token,
                    "username": "bench@bench.example",
                    "password": "bench-password-1",
                }
            ).encode(),
        )
        page = opener.open(base + "/tickets/1/").read().decode()
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
        cookies = "; ".join(f"{c.name}={c.value}" for c in jar)
        rss_before = kib(worker, "VmRSS")

        # A 20 MB PDF (valid header, then filler), sent as a streamed multipart body.
        size = args.megabytes * 1024 * 1024 - 1024
        boundary = "benchboundary7e3"
        head = (
            f'--{boundary}\r\nContent-Disposition: form-data; name="csrfmiddlewaretoken"\r\n\r\n{token}\r\n'
            f'--{boundary}\r\nContent-Disposition: form-data; name="body"\r\n\r\nThe big file\r\n'
            f'--{boundary}\r\nContent-Disposition: form-data; name="files"; filename="big.pdf"\r\n'
            "Content-Type: application/pdf\r\n\r\n"
        ).encode()
        tail = f"\r\n--{boundary}--\r\n".encode()
        body_file = Path(var) / "upload.body"
        with body_file.open("wb") as out:
            out.write(head)
            out.write(b"%PDF-1.4\n")
            chunk = b"0" * (1024 * 1024)
            written = 9
            while written < size:
                piece = chunk[: min(len(chunk), size - written)]
                out.write(piece)
                written += len(piece)
            out.write(tail)
        connection = http.client.HTTPConnection("127.0.0.1", PORT, timeout=120)
        started = time.perf_counter()
        with body_file.open("rb") as stream:
            connection.request(
                "POST",
                "/tickets/1/reply/",
                body=stream,
                headers={
                    "Content-Type": f"multipart/form-data; boundary={boundary}",
                    "Content-Length": str(body_file.stat().st_size),
                    "Cookie": cookies,
                    "Referer": base + "/tickets/1/",
                    "X-CSRFToken": token,
                },
            )
            response = connection.getresponse()
            response.read()
        upload_seconds = time.perf_counter() - started
        assert response.status == 302, response.status
        peak_after_upload = kib(worker, "VmHWM")

        started = time.perf_counter()
        connection.request("GET", "/tickets/attachments/1/download/", headers={"Cookie": cookies})
        response = connection.getresponse()
        received = 0
        while True:
            data = response.read(256 * 1024)
            if not data:
                break
            received += len(data)
        download_seconds = time.perf_counter() - started
        assert response.status == 200, response.status
        assert received == size, (received, size)
        peak = kib(worker, "VmHWM")
        megabytes = size / (1024 * 1024)
        result = {
            "file_mb": round(megabytes, 1),
            "worker_rss_before_mb": round(rss_before / 1024, 1),
            "worker_peak_after_upload_mb": round(peak_after_upload / 1024, 1),
            "worker_peak_after_download_mb": round(peak / 1024, 1),
            "peak_growth_mb": round((peak - rss_before) / 1024, 1),
            "upload_mb_per_s": round(megabytes / upload_seconds, 1),
            "download_mb_per_s": round(megabytes / download_seconds, 1),
            "cpus": os.cpu_count(),
        }
        print(json.dumps(result, indent=2))
        out = ROOT / "bench" / "results"
        out.mkdir(exist_ok=True)
        (out / f"attachments-{time.strftime('%Y%m%d-%H%M%S')}.json").write_text(
            json.dumps(result, indent=2)
        )
    finally:
        server.terminate()
        server.wait(10)
        shutil.rmtree(var, ignore_errors=True)  # the 20 MB files and the database


if __name__ == "__main__":
    main()
