"""Importing a calendar's holidays from an iCalendar (.ics) file, as public
holiday feeds and office calendars publish them (RFC 5545, read with the
``icalendar`` library).

Every event's days become holidays: an all-day event is its dates (DTEND is
exclusive), a timed one the dates it touches in the calendar's zone. A file
that is not iCalendar, or has no events, is refused whole: nothing is saved.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import icalendar
from django.core.exceptions import ValidationError
from django.db import transaction

from tickets.models import BusinessCalendar, Holiday
from tickets.sla.signals import configuration_changed

MAX_ICS_BYTES = 1_000_000
MAX_EVENT_DAYS = 31  # a longer "holiday" is a mistake in the file, not a closure


def _day(value, zone: ZoneInfo) -> date:
    if isinstance(value, datetime):
        return (value if value.tzinfo else value.replace(tzinfo=zone)).astimezone(zone).date()
    return value


def holidays_in(data: bytes, zone: ZoneInfo) -> dict[date, str]:
    """Each day the file's events cover, with the event's summary."""
    if len(data) > MAX_ICS_BYTES:
        raise ValidationError({"file": "An iCalendar file can be at most 1 MB."})
    try:
        calendar = icalendar.Calendar.from_ical(data)
    except ValueError:
        raise ValidationError({"file": "This is not an iCalendar (.ics) file."}) from None
    days: dict[date, str] = {}
    for event in calendar.walk("VEVENT"):
        start = event.get("DTSTART")
        if start is None:
            continue
        first = _day(start.dt, zone)
        end = event.get("DTEND")
        if end is None:
            last = first
        elif isinstance(end.dt, datetime):
            last = _day(end.dt - timedelta(microseconds=1), zone)
        else:
            last = end.dt - timedelta(days=1)  # an all-day event's DTEND is the day after
        last = max(first, min(last, first + timedelta(days=MAX_EVENT_DAYS - 1)))
        name = str(event.get("SUMMARY", ""))[:100]
        day = first
        while day <= last:
            days.setdefault(day, name)
            day += timedelta(days=1)
    if not days:
        raise ValidationError({"file": "The file has no events to take holidays from."})
    return days


@transaction.atomic
def holidays_import(*, calendar: BusinessCalendar, data: bytes) -> int:
    """Add the file's days to ``calendar``'s holidays; returns how many were new."""
    days = holidays_in(data, ZoneInfo(calendar.time_zone))
    known = set(calendar.holidays.filter(date__in=days).values_list("date", flat=True))
    new = [
        Holiday(calendar=calendar, date=day, name=name)
        for day, name in sorted(days.items())
        if day not in known
    ]
    Holiday.objects.bulk_create(new)
    if new:
        configuration_changed(Holiday)  # bulk_create sends no post_save
    return len(new)
