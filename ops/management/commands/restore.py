"""``manage.py restore FILE``: a backup back into an empty database and the file storage."""

import time
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from ops.backup.databases import BackupError
from ops.backup.services import RestoreRefused, backup_restore
from ops.backup.summary import first_names, rows_counted


class Command(BaseCommand):
    help = (
        "Restore a backup written by `manage.py backup`: the database (which must be empty, "
        "new or just migrated, unless --force) and every stored file. Stop the web server "
        "and the workers first."
    )

    def add_arguments(self, parser):
        parser.add_argument("backup", type=Path, help="the .tar file `manage.py backup` wrote")
        parser.add_argument(
            "--force",
            action="store_true",
            help="replace a database that already holds data with the backup's",
        )

    def handle(self, *args, backup, force=False, **options):
        started = time.monotonic()
        try:
            report = backup_restore(source=backup, force=force)
        except RestoreRefused as refused:
            raise CommandError(
                f"Not restoring: {refused}. Add --force to replace it with the backup."
            ) from refused
        except BackupError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(
            f"Restored {backup} (taken {report.created_at}) in "
            f"{time.monotonic() - started:.1f} s: {rows_counted(report.counts)}; "
            f"{report.files_written} files written, {report.files_present} already in place."
        )
        if report.missing:
            self.stderr.write(
                f"Warning: {len(report.missing)} files were already missing when the backup "
                f"was taken: {first_names(report.missing)}"
            )
        if report.unknown_migrations:
            self.stderr.write(
                "Warning: the backup comes from a newer release (migrations unknown here: "
                f"{', '.join(report.unknown_migrations[:5])}); run that release's code."
            )
        elif report.pending_migrations:
            self.stdout.write(
                f"The backup predates this release ({report.pending_migrations} "
                f"migration{'s' if report.pending_migrations > 1 else ''} to apply): "
                "run `manage.py migrate` before starting the site."
            )
