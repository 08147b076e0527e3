"""Reading one raw email: who, to whom, about what, its text, its files, and
whether a machine sent it.

Python's ``email`` package (with the modern policy) decodes headers and
charsets; inscriptis turns HTML-only mail into plain text (no markup survives,
so nothing unsafe reaches a ticket); mail-parser-reply cuts quoted history and
signatures off replies.
"""

from __future__ import annotations

import email
import email.policy
import re
from dataclasses import dataclass, field
from email.message import EmailMessage
from email.utils import getaddresses
from typing import Any

from inscriptis import get_text
from mailparser_reply import EmailReplyParser

MAX_SUBJECT = 200
REPLY_LANGUAGES = ["en", "de", "fr", "es", "it", "nl"]

PIN_MASK = "••••••"

# Seed 000's template as the seed prints it ("Control Portal Username:"), as
# the Get support page gives it out ("Username:"), and as people retype it:
# any case, any spacing (no-break spaces from HTML mail too), quoted with ">",
# bulleted, in bold, with a colon (or "=") or without one. Without a colon the
# value must look like what it claims to be, so prose such as "Username is
# wrong" is not read as a template line.
_SP = r"[^\S\n]"  # any space but a line break
_LINE_START = rf"^{_SP}*(?:>{_SP}*)*(?:[-*•+]{_SP}+)?[*_]*{_SP}*"


def _template_line(label: str, bare: str) -> re.Pattern[str]:
    """A template line: group 1 is everything before the value, group 2 the value.

    ``label`` may say ``_`` for "any spacing or a dash"; ``bare`` is what the
    value must look like when no colon follows the label.
    """
    label = label.replace("_", rf"{_SP}*-?{_SP}*")
    colon = rf"(?:{_SP}|[*_])*[:：=](?:{_SP}|[*_])*"
    no_colon = rf"(?:{_SP}|[*_])+(?={bare}(?:\s|$))"
    return re.compile(
        rf"({_LINE_START}(?:{label})(?:{colon}|{no_colon}))(\S+)", re.IGNORECASE | re.MULTILINE
    )


_ALIAS = _template_line(r"(?:account_)?alias", r"(?-i:[A-Z0-9][A-Z0-9-]{1,19})")
_USERNAME = _template_line(
    r"(?:control_)?(?:portal_)?user_name", r"<?(?:mailto:)?[^\s@<>]+@[^\s@<>]+"
)
_PIN = _template_line(r"(?:(?:user|support)_)?PIN(?:_code)?", r"\d{4,12}")


@dataclass
class Attachment:
    name: str
    content_type: str
    content: bytes


@dataclass
class Parsed:
    message_id: str = ""
    sender: str = ""
    sender_name: str = ""
    recipients: list[str] = field(default_factory=list)
    # The To and Cc addresses, at most ``MAX_COPIED`` (issue 18: followers).
    copied: list[str] = field(default_factory=list)
    subject: str = ""
    text: str = ""
    references: list[str] = field(default_factory=list)
    attachments: list[Attachment] = field(default_factory=list)
    automatic: str = ""  # why it looks machine-sent, or empty
    from_problem: str = ""  # why the From cannot be read as one address, or empty


@dataclass(frozen=True)
class PinTemplate:
    alias: str
    username: str
    pin: str


def header(message: EmailMessage, name: str) -> str:
    """A header as text; a malformed one reads as its raw characters, never raises."""
    try:
        value = message.get(name)
    except Exception:  # noqa: BLE001 - a broken header must not stop the whole message
        raw = message.get_all(name, failobj=[]) if hasattr(message, "get_all") else []
        value = raw[0] if raw else ""
    return " ".join(str(value or "").split())


def message_id_of(raw: bytes) -> str:
    """Only the Message-ID, without parsing the body (to store before parsing)."""
    headers = email.message_from_bytes(raw.split(b"\r\n\r\n", 1)[0].split(b"\n\n", 1)[0])
    return " ".join(str(headers.get("Message-ID") or "").split())[:300]


_ADDR_SPEC = re.compile(r"^[^@\s\"<>(),;:]+@[^@\s\"<>(),;:]+\.[^@\s\"<>(),;:]+$")


def sender_of(message: EmailMessage) -> tuple[str, str, str]:
    """(name, address, problem): the one mailbox of the one From header.

    Mail servers check DKIM and DMARC against the From as *they* read it. Any
    From two readers could read differently (several headers or addresses, an
    address only in the display name or an encoded word, a parse defect) is a
    problem, and such mail is never believed.
    """
    values = message.get_all("From") or []
    if len(values) != 1:
        return "", "", f"{len(values)} From headers"
    try:
        field: Any = message["From"]
        addresses = list(field.addresses)
        defects = list(field.defects)
    except Exception as error:  # noqa: BLE001 - an unreadable header is the problem
        return "", "", f"unreadable From header ({type(error).__name__})"
    if defects:
        return "", "", f"malformed From header ({defects[0]})"
    if len(addresses) != 1:
        return "", "", f"{len(addresses)} addresses in the From header"
    address = addresses[0].addr_spec.strip()
    if not _ADDR_SPEC.match(address):
        return "", "", "no plain address in the From header"
    return addresses[0].display_name.strip(), address.lower(), ""


def parse(raw: bytes) -> Parsed:
    message = email.message_from_bytes(raw, policy=email.policy.default)
    assert isinstance(message, EmailMessage)
    sender_name, sender, from_problem = sender_of(message)
    recipients = [
        address.lower()
        for name in ("Delivered-To", "X-Original-To", "To", "Cc")
        for _, address in getaddresses([header(message, name)])
        if address and "@" in address
    ]
    return Parsed(
        copied=copied_addresses(message),
        message_id=header(message, "Message-ID")[:300],
        sender=sender,
        sender_name=sender_name,
        recipients=list(dict.fromkeys(recipients)),
        subject=header(message, "Subject")[:MAX_SUBJECT],
        text=body_text(message),
        references=[header(message, "In-Reply-To"), header(message, "References")],
        attachments=attachments(message),
        automatic="" if from_problem else automatic_reason(message, sender),
        from_problem=from_problem,
    )


# A hostile message may copy thousands of addresses: only the first ones are
# read, from a header cut to a length no real one reaches.
MAX_COPIED = 50
_MAX_COPIED_HEADER = 20_000


def copied_addresses(message: EmailMessage) -> list[str]:
    """The To and Cc addresses, lower case, each once, at most ``MAX_COPIED``;
    whatever cannot be read as an address is skipped, nothing raises."""
    found: list[str] = []
    for name in ("To", "Cc"):
        # ``header`` reads a malformed header as text; ``getaddresses`` never raises.
        for _name, address in getaddresses([header(message, name)[:_MAX_COPIED_HEADER]]):
            address = address.strip().lower()
            if _ADDR_SPEC.match(address) and address not in found:
                found.append(address)
            if len(found) >= MAX_COPIED:
                return found
    return found


def _decoded(part: Any) -> str:
    """A text part's content; an unknown or lying charset degrades, never raises."""
    try:
        return str(part.get_content())
    except (LookupError, UnicodeError, AssertionError):
        payload = part.get_payload(decode=True) or b""
        return bytes(payload).decode("utf-8", errors="replace")


def body_text(message: EmailMessage) -> str:
    """The plain-text body, or the HTML body as text; empty if there is neither."""
    part = message.get_body(preferencelist=("plain", "html"))
    if part is None:
        return ""
    content = _decoded(part)
    if part.get_content_subtype() == "html":
        content = get_text(content)
    lines = [line.rstrip() for line in content.replace("\r\n", "\n").split("\n")]
    return "\n".join(lines).strip()


def attachments(message: EmailMessage) -> list[Attachment]:
    found = []
    for index, part in enumerate(message.iter_attachments(), start=1):
        if part.get_content_type() == "message/rfc822":
            inner: Any = part.get_content()
            content = inner.as_bytes() if hasattr(inner, "as_bytes") else bytes(inner)
            name = part.get_filename() or f"forwarded-{index}.eml"
        else:
            content = part.get_payload(decode=True) or b""
            name = part.get_filename() or f"attachment-{index}"
        found.append(Attachment(name=name, content_type=part.get_content_type(), content=content))
    return found


_AUTO_PRECEDENCE = {"bulk", "junk", "list", "auto_reply", "auto-reply"}
_DAEMONS = ("mailer-daemon@", "postmaster@", "noreply@", "no-reply@", "donotreply@")


def automatic_reason(message: EmailMessage, sender: str) -> str:
    """Why this mail was sent by a machine (auto-reply, bounce, list), or ''."""
    auto_submitted = header(message, "Auto-Submitted").lower()
    if auto_submitted and auto_submitted != "no":
        return f"Auto-Submitted: {auto_submitted}"
    precedence = header(message, "Precedence").lower()
    if precedence in _AUTO_PRECEDENCE:
        return f"Precedence: {precedence}"
    for name in ("X-Autoreply", "X-Autorespond", "X-Auto-Response"):
        if header(message, name):
            return f"{name} header"
    if header(message, "List-Id") or header(message, "List-Unsubscribe"):
        return "mailing-list mail"
    if message.get_content_type() == "multipart/report":
        return "delivery report (bounce)"
    return_path = header(message, "Return-Path")
    if return_path.replace(" ", "") == "<>":
        return "null sender (bounce)"
    if not sender:
        return "no sender address"
    if sender.lower().startswith(_DAEMONS):
        return f"sent by {sender.lower()}"
    return ""


def latest_reply(text: str) -> str:
    """A reply without the quoted history and the signature under it."""
    parsed = EmailReplyParser(languages=REPLY_LANGUAGES).read(text=text)
    replies = getattr(parsed, "replies", None) or []
    if replies and replies[0].body.strip():
        return replies[0].body.strip()
    return text.strip()


def _template_value(value: str) -> str:
    """A value without the wrapping people and mail clients add: <…>, mailto:, bold, quotes."""
    value = value.strip("<>\"'()[],;*_")
    return value[len("mailto:") :] if value.lower().startswith("mailto:") else value


def pin_template(text: str) -> PinTemplate | None:
    """Seed 000's account alias, username and PIN lines, or None if one is missing.

    A PIN that is not digits (such as the page's "(your support PIN)" sent
    back unfilled) cannot be a PIN: it is no template, so no try is counted.
    """
    alias, username, pin = _ALIAS.search(text), _USERNAME.search(text), _PIN.search(text)
    if not (alias and username and pin):
        return None
    pin_value = _template_value(pin.group(2))
    if not (pin_value.isascii() and pin_value.isdigit()):
        return None
    return PinTemplate(
        alias=_template_value(alias.group(2)),
        username=_template_value(username.group(2)),
        pin=pin_value,
    )


def pin_masked(text: str) -> str:
    """``text`` with every PIN line's value replaced, so no PIN is stored or shown."""
    return _PIN.sub(lambda match: match.group(1) + PIN_MASK, text)


def raw_pin_masked(raw: bytes) -> bytes:
    """The raw message with PIN values masked in every text part (to keep it for support)."""
    message = email.message_from_bytes(raw, policy=email.policy.default)
    changed = False
    part: Any
    for part in message.walk():
        if part.get_content_maintype() != "text" or part.is_multipart():
            continue
        content = _decoded(part)
        masked = pin_masked(content)
        if masked != content:
            part.set_content(masked, subtype=part.get_content_subtype(), charset="utf-8")
            changed = True
    if not changed:
        return raw
    return message.as_bytes(policy=email.policy.default.clone(linesep="\r\n"))
