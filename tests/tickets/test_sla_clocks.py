"""Service-level arithmetic (issue 17): business hours, holidays, time zones,
daylight saving, and clocks replayed from a ticket's history."""

from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo

import pytest

from tickets.models import SlaClock, Status, TicketEvent
from tickets.sla import hours as business
from tickets.sla.clocks import Step, replay
from tickets.sla.hours import Hours, interval
from tickets.sla.policies import Targets

BERLIN = ZoneInfo("Europe/Berlin")
NEW_YORK = ZoneInfo("America/New_York")
NINE_TO_FIVE = {day: [interval(time(9), time(17))] for day in range(5)}


def berlin(*args) -> datetime:
    return datetime(*args, tzinfo=BERLIN)


def office(zone=BERLIN, holidays=()) -> Hours:
    return Hours(zone=zone, weekly=NINE_TO_FIVE, holidays=frozenset(holidays))


# 2026-03-27 is a Friday; Berlin moves its clocks forward on Sunday 2026-03-29.


def test_adding_working_time_skips_the_evening_and_the_weekend():
    due = business.add(office(), berlin(2026, 3, 27, 16, 30), 60)
    assert due == berlin(2026, 3, 30, 9, 30)  # Monday morning, local time


def test_a_holiday_counts_no_working_time():
    due = business.add(office(holidays=[date(2026, 3, 30)]), berlin(2026, 3, 27, 16, 30), 60)
    assert due == berlin(2026, 3, 31, 9, 30)


def test_before_opening_the_clock_starts_at_opening():
    assert business.add(office(), berlin(2026, 3, 30, 6, 0), 30) == berlin(2026, 3, 30, 9, 30)


def test_working_minutes_between_two_instants():
    assert business.between(office(), berlin(2026, 3, 27, 16, 0), berlin(2026, 3, 30, 10, 0)) == 120
    assert business.between(office(), berlin(2026, 3, 30, 10, 0), berlin(2026, 3, 27, 16, 0)) == 0


def test_hours_are_wall_clock_hours_of_the_calendars_zone():
    # 09:00-17:00 in New York is 13:00-21:00 UTC in summer (EDT) and 14:00-22:00 in winter.
    summer = business.add(office(NEW_YORK), datetime(2026, 7, 6, 12, 0, tzinfo=UTC), 60)
    winter = business.add(office(NEW_YORK), datetime(2026, 1, 5, 12, 0, tzinfo=UTC), 60)
    assert summer == datetime(2026, 7, 6, 14, 0, tzinfo=UTC)
    assert winter == datetime(2026, 1, 5, 15, 0, tzinfo=UTC)


def test_the_night_clocks_go_forward_has_an_hour_less_of_working_time():
    every_hour = Hours(zone=BERLIN, weekly={day: [(0, 24 * 60)] for day in range(7)})
    saturday_noon, sunday_noon = berlin(2026, 3, 28, 12), berlin(2026, 3, 29, 12)
    assert business.between(every_hour, saturday_noon, sunday_noon) == 23 * 60
    # And a day of working time from Saturday noon ends at 13:00 on Sunday, local.
    assert business.add(every_hour, saturday_noon, 24 * 60) == berlin(2026, 3, 29, 13)


def test_the_night_clocks_go_back_has_an_hour_more():
    every_hour = Hours(zone=BERLIN, weekly={day: [(0, 24 * 60)] for day in range(7)})
    assert business.between(every_hour, berlin(2026, 10, 24, 12), berlin(2026, 10, 25, 12)) == (
        25 * 60
    )


def test_a_calendar_without_working_time_never_falls_due():
    assert business.add(Hours(zone=BERLIN), berlin(2026, 3, 30, 9), 60) is None


def test_around_the_clock_is_plain_time():
    due = business.add(Hours.around_the_clock(), berlin(2026, 3, 28, 23, 30), 90)
    assert due == berlin(2026, 3, 29, 1, 0)


# Clocks replayed from history, on a Monday-to-Friday office in Berlin.

MONDAY = berlin(2026, 3, 30, 9, 0)
E = TicketEvent.Kind


def targets(first=60, following=120, resolution=8 * 60, calendar=None) -> Targets:
    return Targets(
        policy_id=1,
        first_response=first,
        next_response=following,
        resolution=resolution,
        hours=calendar or office(),
    )


def at(hour, minute=0, day=30) -> datetime:
    return berlin(2026, 3, day, hour, minute)


def opened(by_support=False, status=Status.OPEN, when=MONDAY) -> Step:
    return Step(E.CREATED, when, by_support=by_support, to_value=status)


def support_reply(when) -> Step:
    return Step(E.REPLIED, when, by_support=True)


def customer_reply(when) -> Step:
    return Step(E.REPLIED, when, by_support=False)


def status(when, to) -> Step:
    return Step(E.STATUS, when, by_support=True, to_value=to)


def clock(clocks, kind, seq=0):
    return next(c for c in clocks if c.kind == kind and c.seq == seq)


def test_first_response_runs_from_opening_and_stops_at_supports_public_reply():
    clocks = replay([opened()], targets())
    first = clock(clocks, SlaClock.Kind.FIRST_RESPONSE)
    assert (first.due_at, first.met_at) == (at(10), None)
    clocks = replay([opened(), support_reply(at(9, 40))], targets())
    assert clock(clocks, SlaClock.Kind.FIRST_RESPONSE).met_at == at(9, 40)


def test_a_ticket_support_opened_for_a_customer_owes_no_first_response():
    clocks = replay([opened(by_support=True, status=Status.WAITING)], targets())
    assert [c.kind for c in clocks] == [SlaClock.Kind.RESOLUTION]
    assert clock(clocks, SlaClock.Kind.RESOLUTION).due_at is None  # paused while waiting


def test_each_customer_message_after_an_answer_owes_a_next_response():
    steps = [
        opened(),
        customer_reply(at(9, 10)),  # before any answer: the first response covers it
        support_reply(at(9, 30)),
        customer_reply(at(11)),
        customer_reply(at(11, 30)),  # one clock runs until support answers
        support_reply(at(12)),
        customer_reply(at(16)),
    ]
    clocks = replay(steps, targets())
    nexts = [c for c in clocks if c.kind == SlaClock.Kind.NEXT_RESPONSE]
    assert [(c.started_at, c.due_at, c.met_at) for c in nexts] == [
        (at(11), at(13), at(12)),
        (at(16), at(10, day=31), None),  # an hour on Monday, an hour on Tuesday
    ]


def test_resolution_pauses_while_waiting_for_the_customer():
    steps = [
        opened(),
        status(at(10), Status.WAITING),
        customer_reply(at(12)),
        status(at(12), Status.OPEN),
    ]
    resolution = clock(replay(steps, targets()), SlaClock.Kind.RESOLUTION)
    # Eight working hours: one before the pause, seven after it from 12:00.
    assert resolution.due_at == at(11, day=31)
    paused = clock(replay(steps[:2], targets()), SlaClock.Kind.RESOLUTION)
    assert paused.due_at is None
    assert paused.met_at is None


def test_solving_meets_resolution_and_a_customer_reply_resumes_it():
    solved = [opened(), support_reply(at(10)), status(at(11), Status.SOLVED)]
    resolution = clock(replay(solved, targets()), SlaClock.Kind.RESOLUTION)
    assert resolution.met_at == at(11)
    assert resolution.due_at == at(17)
    reopened = [*solved, customer_reply(at(14)), status(at(14), Status.OPEN)]
    clocks = replay(reopened, targets())
    resolution = clock(clocks, SlaClock.Kind.RESOLUTION)
    # Two hours used before the solve; six left from 14:00: three today, three tomorrow.
    assert (resolution.met_at, resolution.due_at) == (None, at(12, day=31))
    assert clock(clocks, SlaClock.Kind.NEXT_RESPONSE).due_at == at(16)


def test_solving_answers_a_response_still_owed():
    clocks = replay([opened(), status(at(9, 30), Status.SOLVED)], targets())
    assert clock(clocks, SlaClock.Kind.FIRST_RESPONSE).met_at == at(9, 30)


def test_a_priority_change_recomputes_from_the_tickets_history_not_from_now():
    steps = [opened(), customer_reply(at(9, 20))]
    normal = clock(replay(steps, targets(first=8 * 60)), SlaClock.Kind.FIRST_RESPONSE)
    urgent = clock(replay(steps, targets(first=30)), SlaClock.Kind.FIRST_RESPONSE)
    assert normal.due_at == at(17)
    assert urgent.due_at == at(9, 30)  # from the opening at 09:00, not from the change


def test_a_target_left_empty_is_not_owed():
    clocks = replay([opened()], targets(first=None, resolution=None))
    assert clocks == []


@pytest.mark.parametrize("when", [berlin(2026, 3, 28, 10), berlin(2026, 3, 27, 18)])
def test_a_ticket_opened_out_of_hours_is_due_from_the_next_opening(when):
    first = clock(replay([opened(when=when)], targets()), SlaClock.Kind.FIRST_RESPONSE)
    assert first.due_at == at(10)
