"""``manage.py backup``: the database and every stored file in one file, while the site runs."""

import time
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from ops.backup.databases import BackupError
from ops.backup.services import backup_create
from ops.backup.summary import first_names, rows_counted


class Command(BaseCommand):
    help = (
        "Write a consistent backup of the database and of every stored file it refers to "
        "into one .tar file (default var/backups/helpdesk-<time>.tar). The site keeps running."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--output",
            "-o",
            type=Path,
            help="the file to write, or a directory to write a timestamped file into",
        )

    def handle(self, *args, output=None, **options):
        started = time.monotonic()
        try:
            report = backup_create(output=output)
        except BackupError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(
            f"Backup written to {report.path} ({report.size / 1_000_000:.1f} MB, "
            f"{time.monotonic() - started:.1f} s): {rows_counted(report.counts)}, "
            f"{report.files} stored files. Copy it off this machine."
        )
        if report.missing:
            self.stderr.write(
                f"Warning: {len(report.missing)} files the database refers to are missing "
                f"from storage and are not in the backup: {first_names(report.missing)}"
            )
