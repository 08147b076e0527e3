from django.core.management.base import BaseCommand

from tickets.sla.refresh import sla_refresh_active


class Command(BaseCommand):
    help = (
        "Replay the service-level clocks of every ticket still being worked (after a "
        "policy, calendar or tier change the broker could not queue, or an import)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--organization", type=int, help="Only this organisation's (by id).")

    def handle(self, *args, organization: int | None, **options):
        done = sla_refresh_active(organization_id=organization)
        self.stdout.write(f"Replayed {done} ticket{'s' if done != 1 else ''}.")
