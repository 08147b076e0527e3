from django.core.management.base import BaseCommand

from privacy.retention import retention_run


class Command(BaseCommand):
    help = (
        "Apply the retention policies now (the daily beat job, once); "
        "--dry-run only reports what each would remove."
    )

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="Count, change nothing.")

    def handle(self, *args, dry_run: bool, **options):
        reports = retention_run(dry_run=dry_run)
        if not reports:
            self.stdout.write("No retention policy is enabled.")
        for report in reports:
            self.stdout.write(("[dry run] " if dry_run else "") + str(report))
