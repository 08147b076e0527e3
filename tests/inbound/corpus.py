"""Real-world-shaped emails, built with the standard library as mail clients build them.

Each function returns the raw bytes a mail server would hand us.
"""

from __future__ import annotations

import base64
from email.headerregistry import Address
from email.message import EmailMessage
from email.mime.multipart import MIMEMultipart
from email.mime.text import MIMEText
from email.utils import format_datetime, make_msgid

from django.utils import timezone

from tests.attachments.files import REAL

SUPPORT = "help@helpdesk.example"
HIGH = "high@helpdesk.example"


def _base(sender, to, subject, message_id=None, **headers) -> EmailMessage:
    message = EmailMessage()
    message["From"] = sender
    message["To"] = to
    message["Subject"] = subject
    message["Date"] = format_datetime(timezone.now())
    message["Message-ID"] = message_id or make_msgid(domain="mail.example")
    for name, value in headers.items():
        message[name.replace("_", "-")] = value
    return message


def plain(
    sender="bob@acme.example",
    to=SUPPORT,
    subject="Printer on fire",
    body="It is on fire.\n",
    **headers,
) -> bytes:
    message = _base(sender, to, subject, **headers)
    message.set_content(body)
    return message.as_bytes()


def html_only(sender="bob@acme.example", to=SUPPORT) -> bytes:
    message = _base(sender, to, "Invoice question")
    message.set_content(
        "<html><body><p>Hello,</p><p>Invoice <b>4711</b> is wrong.</p>"
        "<script>alert('x')</script><p><a href='https://evil.example'>click</a></p></body></html>",
        subtype="html",
    )
    return message.as_bytes()


def with_attachments(names, sender="bob@acme.example", to=SUPPORT, contents=None) -> bytes:
    message = _base(sender, to, "Logs attached")
    message.set_content("Logs from last night.\n")
    for name in names:
        content = (contents or {}).get(name, REAL.get(name, b"data"))
        maintype, subtype = ("application", "octet-stream")
        message.add_attachment(content, maintype=maintype, subtype=subtype, filename=name)
    return message.as_bytes()


def forwarded(sender="bob@acme.example", to=SUPPORT) -> bytes:
    body = (
        "Please look at the message below.\n\n"
        "---------- Forwarded message ---------\n"
        "From: Monitoring <alerts@acme.example>\n"
        "Date: Mon, 2 Nov 2026 at 03:12\n"
        "Subject: CRITICAL: db-2 disk 95%\n"
        "To: <ops@acme.example>\n\n"
        "Disk usage on db-2 is 95%.\n"
    )
    return plain(sender=sender, to=to, subject="Fwd: CRITICAL: db-2 disk 95%", body=body)


def latin1(sender="bob@acme.example", to=SUPPORT) -> bytes:
    """Non-UTF-8: an ISO-8859-1 body and an RFC 2047 encoded subject, as older clients send."""
    part = MIMEText("Grüße aus Köln: der Server antwortet nicht.\n", "plain", "iso-8859-1")
    part["From"] = sender
    part["To"] = to
    part["Subject"] = "=?iso-8859-1?q?St=F6rung_in_K=F6ln?="
    part["Message-ID"] = make_msgid(domain="mail.example")
    return part.as_bytes()


def encoded_sender_name(to=SUPPORT) -> bytes:
    message = EmailMessage()
    message["From"] = Address("Bøb Brändt", addr_spec="bob@acme.example")
    message["To"] = to
    message["Subject"] = "Ünïcödé subject ✓"
    message["Message-ID"] = make_msgid(domain="mail.example")
    message.set_content("Body ✓\n")
    return message.as_bytes()


def gmail_reply(
    ticket_number: int,
    notification_message_id: str,
    sender="bob@acme.example",
    to="support@helpdesk.example",
) -> bytes:
    body = (
        "Thanks, the restart fixed it!\n\n"
        "On Mon, Nov 2, 2026 at 10:00 AM Helpdesk <support@helpdesk.example> wrote:\n"
        f"> Sam Support replied to ticket #{ticket_number}:\n"
        "> Please try a restart.\n"
    )
    return plain(
        sender=sender,
        to=to,
        subject=f"Re: [#{ticket_number}] Printer on fire",
        body=body,
        In_Reply_To=notification_message_id,
        References=notification_message_id,
    )


def outlook_reply(reply_to_address: str, sender="bob@acme.example") -> bytes:
    """Outlook: HTML and text alternatives, quoted history under a From:/Sent: block, no In-Reply-To."""
    message = MIMEMultipart("alternative")
    message["From"] = sender
    message["To"] = reply_to_address
    message["Subject"] = "RE: Printer on fire"
    message["Message-ID"] = make_msgid(domain="outlook.example")
    text = (
        "It happened again this morning.\n\n"
        "Best regards\nBob Brandt\n\n"
        "________________________________\n"
        "From: Helpdesk <support@helpdesk.example>\n"
        "Sent: Monday, November 2, 2026 10:00 AM\n"
        "To: Bob Brandt <bob@acme.example>\n"
        "Subject: Printer on fire\n\n"
        "Please try a restart.\n"
    )
    message.attach(MIMEText(text, "plain", "utf-8"))
    message.attach(MIMEText("<p>" + text.replace("\n", "<br>") + "</p>", "html", "utf-8"))
    return message.as_bytes()


def auto_reply(sender="bob@acme.example", to=SUPPORT) -> bytes:
    return plain(
        sender=sender,
        to=to,
        subject="Out of office",
        body="I am away until Monday.\n",
        Auto_Submitted="auto-replied",
    )


def bounce(to=SUPPORT) -> bytes:
    message = MIMEMultipart("report", report_type="delivery-status")
    message["From"] = "Mail Delivery System <MAILER-DAEMON@mail.example>"
    message["To"] = to
    message["Subject"] = "Undelivered Mail Returned to Sender"
    message["Return-Path"] = "<>"
    message["Message-ID"] = make_msgid(domain="mail.example")
    message.attach(MIMEText("This is the mail system. Your message could not be delivered.\n"))
    return message.as_bytes()


def list_mail(to=SUPPORT) -> bytes:
    return plain(
        sender="news@vendor.example",
        to=to,
        subject="Our newsletter",
        body="News!\n",
        List_Id="<news.vendor.example>",
        Precedence="bulk",
    )


def with_pin(
    alias="ACME", username="bob@acme.example", pin="480213", sender="bob@acme.example", to=SUPPORT
) -> bytes:
    body = (
        f"Account Alias: {alias}\n"
        f"Username: {username}\n"
        f"User PIN: {pin}\n"
        "Data Center: FRA-1\n"
        "Servers, Systems or Services Affected: db-2\n"
        "Detailed Description of the Request/Problem: the disk is full\n"
    )
    return plain(sender=sender, to=to, subject="Disk full on db-2", body=body)


def base64_body(sender="bob@acme.example", to=SUPPORT) -> bytes:
    text = "Zeile mit Umlaut: äöü\n".encode()
    return (
        f"From: {sender}\r\nTo: {to}\r\nSubject: b64\r\nMessage-ID: <b64-1@mail.example>\r\n"
        "MIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\n"
        "Content-Transfer-Encoding: base64\r\n\r\n"
    ).encode() + base64.encodebytes(text)
