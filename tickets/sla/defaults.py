"""The service levels a new desk starts with (seed 000's tiers, our four
priorities), loaded by migration 0018 and editable afterwards by support
admins. Kept as plain data so the migration and the tests share it.

Standard and Professional are counted in business hours (Monday to Friday,
09:00–17:00 in the deployment's zone); Enterprise around the clock.
"""

from __future__ import annotations

BUSINESS = "Business hours"
AROUND_THE_CLOCK = "24×7"

WEEKDAY_HOURS = ("09:00", "17:00")  # Monday to Friday

# tier -> (name, calendar, {priority: (first response, next response, resolution)})
# in minutes of the calendar; priorities 4 urgent .. 1 low.
MATRIX: dict[str, tuple[str, str, dict[int, tuple[int, int, int]]]] = {
    "standard": (
        "Standard",
        BUSINESS,
        {4: (120, 240, 1_440), 3: (240, 480, 2_400), 2: (480, 960, 4_800), 1: (960, 1_440, 9_600)},
    ),
    "professional": (
        "Professional",
        BUSINESS,
        {4: (60, 120, 960), 3: (120, 240, 1_920), 2: (240, 480, 3_840), 1: (480, 960, 7_680)},
    ),
    "enterprise": (
        "Enterprise",
        AROUND_THE_CLOCK,
        {4: (30, 60, 480), 3: (60, 120, 1_440), 2: (240, 480, 2_880), 1: (480, 960, 5_760)},
    ),
}


def load_defaults(apps, time_zone: str) -> None:
    """Create the default calendars and policies where none exist (idempotent)."""
    from datetime import time

    BusinessCalendar = apps.get_model("tickets", "BusinessCalendar")
    WorkingHours = apps.get_model("tickets", "WorkingHours")
    SlaPolicy = apps.get_model("tickets", "SlaPolicy")
    SlaPolicyTarget = apps.get_model("tickets", "SlaPolicyTarget")

    business, created = BusinessCalendar.objects.get_or_create(
        name=BUSINESS, defaults={"time_zone": time_zone}
    )
    if created:
        opens, closes = (time.fromisoformat(value) for value in WEEKDAY_HOURS)
        WorkingHours.objects.bulk_create(
            WorkingHours(calendar=business, weekday=day, opens=opens, closes=closes)
            for day in range(5)
        )
    around, _ = BusinessCalendar.objects.get_or_create(
        name=AROUND_THE_CLOCK, defaults={"always_open": True}
    )
    calendars = {BUSINESS: business, AROUND_THE_CLOCK: around}
    for tier, (name, calendar, rows) in MATRIX.items():
        policy, created = SlaPolicy.objects.get_or_create(
            tier=tier, defaults={"name": name, "calendar": calendars[calendar]}
        )
        if not created:
            continue
        SlaPolicyTarget.objects.bulk_create(
            SlaPolicyTarget(
                policy=policy,
                priority=priority,
                first_response=first,
                next_response=following,
                resolution=resolution,
            )
            for priority, (first, following, resolution) in rows.items()
        )
