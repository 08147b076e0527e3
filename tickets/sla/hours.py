"""Business-time arithmetic: adding working minutes to an instant, and
counting the working minutes between two instants, on a calendar of weekly
hours in a time zone, less holidays.

Pure functions over ``Hours`` (no database): ``tickets.sla.policies`` builds
an ``Hours`` from a ``BusinessCalendar``. Opening hours are wall-clock times
of the calendar's zone, so a day that changes to or from daylight saving time
is an hour shorter or longer in real time, as it is for the people working it.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

# A calendar without any working time in this many days has none at all:
# its targets never fall due (rather than searching forever).
HORIZON_DAYS = 800

Interval = tuple[int, int]  # minutes after local midnight: [opens, closes)


@dataclass(frozen=True)
class Hours:
    zone: ZoneInfo
    # Monday is 0, as ``date.weekday()``; intervals in minutes of the local day.
    weekly: Mapping[int, Sequence[Interval]] = field(default_factory=dict)
    holidays: frozenset[date] = frozenset()
    always_open: bool = False

    @classmethod
    def around_the_clock(cls) -> Hours:
        return cls(zone=ZoneInfo("UTC"), always_open=True)


def day_minutes(hours: Hours) -> float:
    """The working minutes of an average working day: what "a business day" adds."""
    if hours.always_open:
        return 24 * 60.0
    days = [sum(end - start for start, end in spans) for spans in hours.weekly.values() if spans]
    worked = [minutes for minutes in days if minutes > 0]
    return sum(worked) / len(worked) if worked else 24 * 60.0


def interval(opens: time, closes: time) -> Interval:
    """Minutes of the day for an opening and closing time; closing at 00:00 is midnight."""
    end = closes.hour * 60 + closes.minute
    return (opens.hour * 60 + opens.minute, end or 24 * 60)


def _local(day: date, minute: int, zone: ZoneInfo) -> datetime:
    if minute >= 24 * 60:
        return datetime.combine(day + timedelta(days=1), time(0), tzinfo=zone).astimezone(UTC)
    wall = time(minute // 60, minute % 60)
    return datetime.combine(day, wall, tzinfo=zone).astimezone(UTC)


def windows(hours: Hours, start: datetime) -> Iterator[tuple[datetime, datetime]]:
    """The working intervals from ``start`` on, in order, as UTC instants."""
    day = start.astimezone(hours.zone).date()
    empty_days = 0
    while empty_days <= HORIZON_DAYS:
        found = False
        if day not in hours.holidays:
            for opens, closes in sorted(hours.weekly.get(day.weekday(), ())):
                begin, end = _local(day, opens, hours.zone), _local(day, closes, hours.zone)
                if end <= start or end <= begin:
                    continue
                found = True
                yield max(begin, start), end
        empty_days = 0 if found else empty_days + 1
        day += timedelta(days=1)


def add(hours: Hours, start: datetime, minutes: float) -> datetime | None:
    """The instant ``minutes`` of working time after ``start``; ``None`` if never."""
    if hours.always_open:
        return start + timedelta(minutes=minutes)
    left = timedelta(minutes=minutes)
    for begin, end in windows(hours, start):
        if left <= timedelta(0):
            return begin
        if end - begin >= left:
            return begin + left
        left -= end - begin
    return None


def between(hours: Hours, begin: datetime, end: datetime) -> float:
    """The working minutes from ``begin`` to ``end`` (0 if ``end`` is not later)."""
    if end <= begin:
        return 0.0
    if hours.always_open:
        return (end - begin).total_seconds() / 60
    total = timedelta(0)
    for opens, closes in windows(hours, begin):
        if opens >= end:
            break
        total += min(closes, end) - opens
    return total.total_seconds() / 60
