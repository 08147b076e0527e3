"""CSV exports of ticket lists: streamed row by row, any number of rows.

A list's filters give the tickets (already scoped through the tenant door);
``ticket_csv`` and ``message_csv`` walk them by number in batches of
``BATCH`` with only the columns written (``values_list``, no model objects),
so exporting a million tickets keeps the web process's memory flat and costs
one query per batch. Customers' exports hold only what their pages show;
support's add the organisation, assignee, tags-free internal fields; the
messages export (support admins) includes internal notes, marked.

A cell that a spreadsheet would run as a formula (``=``, ``+``, ``-``, ``@``,
a tab or a carriage return first) is written with a leading apostrophe
(OWASP's CSV injection advice): a subject typed by anyone must not run in
the spreadsheet of whoever opens the export.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable, Iterator
from datetime import datetime

from django.db.models import QuerySet
from django.http import StreamingHttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _

from tickets.models import Message, Priority, Status, Ticket

BATCH = 2000
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def cell(value) -> str:
    """One CSV cell: times in the reader's zone (ISO 8601), formulas defused."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        return timezone.localtime(value).isoformat(timespec="seconds")
    text = str(value)
    if text.startswith(FORMULA_STARTS):
        return "'" + text
    return text


class _Echo:
    """What ``csv.writer`` writes to: hands each line back instead of keeping it."""

    def write(self, value: str) -> str:
        return value


def _stream(header: list[str], rows: Iterable[Iterable]) -> Iterator[str]:
    writer = csv.writer(_Echo())
    yield "\ufeff"  # a byte-order mark: spreadsheets then read UTF-8 as UTF-8
    yield writer.writerow(header)
    for row in rows:
        yield writer.writerow([cell(value) for value in row])


def _by_number(queryset: QuerySet, fields: tuple[str, ...]) -> Iterator[tuple]:
    """``fields`` of every row of ``queryset``, by primary key, ``BATCH`` at a time."""
    last = 0
    while True:
        batch = list(queryset.filter(pk__gt=last).order_by("pk").values_list("pk", *fields)[:BATCH])
        if not batch:
            return
        yield from batch
        last = batch[-1][0]


def _labelled(rows: Iterator[tuple], status_at: int, priority_at: int) -> Iterator[list]:
    statuses = dict(Status.choices)
    priorities = dict(Priority.choices)
    for row in rows:
        values = list(row)
        values[status_at] = statuses.get(values[status_at], values[status_at])
        values[priority_at] = priorities.get(values[priority_at], values[priority_at])
        yield values


CUSTOMER_FIELDS = (
    "subject",
    "status",
    "priority",
    "category__name",
    "requester__full_name",
    "assignee__full_name",
    "internal_reference",
    "created_at",
    "updated_at",
    "solved_at",
    "closed_at",
)
SUPPORT_FIELDS = (
    "organization__alias",
    *CUSTOMER_FIELDS,
    "requester__email",
    "channel",
    "resolution_due",
)


def _ticket_header(support: bool) -> list[str]:
    header = [
        _("Number"),
        _("Subject"),
        _("Status"),
        _("Priority"),
        _("Type"),
        _("Requester"),
        _("Assignee"),
        _("Reference"),
        _("Created"),
        _("Updated"),
        _("Solved"),
        _("Closed"),
    ]
    if support:
        return [
            header[0],
            _("Organisation"),
            *header[1:],
            _("Requester email"),
            _("Channel"),
            _("Resolution due"),
        ]
    return header


def ticket_csv(tickets: QuerySet[Ticket], *, support: bool, filename: str) -> StreamingHttpResponse:
    """``tickets`` (scoped and filtered by the caller) as a streamed CSV download."""
    fields = SUPPORT_FIELDS if support else CUSTOMER_FIELDS
    # Positions of status and priority in a row (the number comes first).
    status_at = 1 + fields.index("status")
    priority_at = 1 + fields.index("priority")
    rows = _labelled(_by_number(tickets.order_by(), fields), status_at, priority_at)
    return _response(_stream(_ticket_header(support), rows), filename)


def message_csv(tickets: QuerySet[Ticket], *, filename: str) -> StreamingHttpResponse:
    """Every message of ``tickets``, internal notes included and marked (support admins).

    The tickets' numbers are read a batch at a time and their messages fetched
    by number (a search's full-text condition cannot run as a subquery).
    """
    header = [_("Message"), _("Ticket"), _("Written"), _("Author"), _("Internal note"), _("Text")]
    return _response(_stream(header, _message_rows(tickets)), filename)


def _message_rows(tickets: QuerySet[Ticket]) -> Iterator[list]:
    fields = ("pk", "ticket_id", "created_at", "author__full_name", "is_internal", "body")
    numbers: list[int] = []
    for (number,) in _by_number(tickets.order_by(), ()):
        numbers.append(number)
        if len(numbers) == BATCH:
            yield from _messages_of(numbers, fields)
            numbers = []
    if numbers:
        yield from _messages_of(numbers, fields)


def _messages_of(numbers: list[int], fields: tuple[str, ...]) -> Iterator[list]:
    written = Message.objects.filter(ticket_id__in=numbers).order_by("ticket_id", "pk")
    for pk, ticket, when, author, internal, body in written.values_list(*fields).iterator(
        chunk_size=BATCH
    ):
        yield [pk, ticket, when, author, _("yes") if internal else _("no"), body]


def _response(lines: Iterator[str], filename: str) -> StreamingHttpResponse:
    response = StreamingHttpResponse(lines, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "no-store"
    return response
