"""``manage.py health``: the readiness checks from a shell (compose healthchecks use it)."""

import json

from django.core.management.base import BaseCommand, CommandError

from ops.services import CHECKS, DEGRADED, readiness


class Command(BaseCommand):
    help = "Check the database, cache, broker and worker heartbeat; exit 1 if any fails."

    def add_arguments(self, parser):
        parser.add_argument(
            "--part", choices=sorted(CHECKS), action="append", help="check only these parts"
        )

    def handle(self, *args, part=None, **options):
        ok, results = readiness(parts=part)
        self.stdout.write(json.dumps(results, indent=2))
        if not ok:
            raise CommandError(
                "not ready: "
                + ", ".join(
                    k for k, v in results.items() if v != "ok" and not v.startswith(DEGRADED)
                )
            )
