"""A real IMAP server on loopback: Debian's Dovecot, started per test in a temporary folder."""

from __future__ import annotations

import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import time
from pathlib import Path

import pytest

from inbound.imap import Mailbox

DOVECOT = shutil.which("dovecot") or "/usr/sbin/dovecot"
USER, PASSWORD = "support", "imap-test-password"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _config(root: Path, port: int) -> str:
    if os.geteuid() == 0:
        # Dovecot's login processes refuse root: use the users Debian's package creates.
        mail_user = pwd.getpwnam("dovecot")
        internal, login = "dovecot", "dovenull"
    else:
        mail_user = pwd.getpwuid(os.geteuid())
        internal = login = mail_user.pw_name
    home = root / "home"
    home.mkdir()
    os.chown(home, mail_user.pw_uid, mail_user.pw_gid)
    return f"""
base_dir = {root}/run
state_dir = {root}/state
log_path = {root}/dovecot.log
protocols = imap
listen = 127.0.0.1
ssl = required
ssl_cert = <{root}/cert.pem
ssl_key = <{root}/key.pem
default_internal_user = {internal}
default_internal_group = {internal if os.geteuid() else "dovecot"}
default_login_user = {login}
disable_plaintext_auth = yes
auth_mechanisms = plain
first_valid_uid = 0
service imap-login {{
  chroot =
  inet_listener imap {{
    port = 0
  }}
  inet_listener imaps {{
    port = {port}
    ssl = yes
  }}
}}
service anvil {{
  chroot =
}}
passdb {{
  driver = passwd-file
  args = {root}/users
}}
userdb {{
  driver = static
  args = uid={mail_user.pw_uid} gid={mail_user.pw_gid} home={home}/%u
}}
mail_location = maildir:~/Maildir
"""


@pytest.fixture
def imap_server():
    """Dovecot with TLS (a fresh self-signed certificate) and one mailbox; yields its Mailbox."""
    if not os.path.exists(DOVECOT):
        if os.environ.get("CI"):
            pytest.fail("CI must run the IMAP tests: install Debian's dovecot-imapd package")
        pytest.skip("Dovecot is not installed (apt-get install dovecot-imapd)")
    root = Path(tempfile.mkdtemp(prefix="helpdesk-imap-"))
    root.chmod(0o755)
    (root / "run").mkdir()
    (root / "state").mkdir()
    subprocess.run(
        [
            "openssl",
            "req",
            "-x509",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-days",
            "1",
            "-keyout",
            str(root / "key.pem"),
            "-out",
            str(root / "cert.pem"),
            "-subj",
            "/CN=localhost",
            "-addext",
            "subjectAltName=IP:127.0.0.1,DNS:localhost",
        ],
        check=True,
        capture_output=True,
    )
    (root / "users").write_text(f"{USER}:{{PLAIN}}{PASSWORD}\nhigh:{{PLAIN}}{PASSWORD}\n")
    port = _free_port()
    config = root / "dovecot.conf"
    config.write_text(_config(root, port))
    # Dovecot daemonizes: its children must not hold our pipes, or run() never returns.
    subprocess.run(
        [DOVECOT, "-c", str(config)],
        check=True,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 15
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                if time.monotonic() > deadline:
                    raise RuntimeError((root / "dovecot.log").read_text()) from None
                time.sleep(0.1)
        yield Mailbox(
            host="127.0.0.1",
            port=port,
            user=USER,
            password=PASSWORD,
            security="ssl",
            ca_file=str(root / "cert.pem"),
        )
    finally:
        subprocess.run(
            [DOVECOT, "-c", str(config), "stop"],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            timeout=30,
        )
        shutil.rmtree(root, ignore_errors=True)
