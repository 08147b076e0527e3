"""Recompute the reports' rollups from the raw tickets, for a period or all."""

from __future__ import annotations

from datetime import date

from django.core.management.base import BaseCommand, CommandError

from reports.rollups import rollups_rebuild


def _date(value: str | None, option: str) -> date | None:
    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError as error:
        raise CommandError(f"{option}: expected a date like 2026-01-31, got {value!r}.") from error


class Command(BaseCommand):
    help = (
        "Recompute the dashboards' facts and daily rollups from the raw tickets: those "
        "opened from --since to --until (dates in the desk's zone, both included), or all. "
        "Run it in full once after deploying the reports, and after changing TIME_ZONE."
    )

    def add_arguments(self, parser):
        parser.add_argument("--since", help="first day (YYYY-MM-DD)")
        parser.add_argument("--until", help="last day (YYYY-MM-DD)")

    def handle(self, *args, since=None, until=None, **options):
        first, last = _date(since, "--since"), _date(until, "--until")
        if first and last and first > last:
            raise CommandError("--since must not be after --until.")
        count = rollups_rebuild(since=first, until=last)
        self.stdout.write(f"Recomputed {count} tickets.")
