from django.core.management.base import BaseCommand, CommandError

from briefings.backups import BackupError, restore_backup


class Command(BaseCommand):
    help = (
        "Restore a backup made by `manage.py backup` into an empty instance (SQLite or "
        "PostgreSQL), check it whole first, then recompute every derived value and purge "
        "every cached page."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="the archive to restore")
        parser.add_argument(
            "--replace", action="store_true",
            help="remove everything this instance holds first (accounts and sessions too)",
        )  # fmt: skip

    def handle(self, *args, file, replace, **options):
        try:
            manifest = restore_backup(file, replace=replace)
        except BackupError as error:
            raise CommandError(f"Nothing was restored: {error}") from None
        briefings = manifest["counts"].get("briefings.briefing", 0)
        self.stdout.write(f"Restored {briefings} briefings from a backup of {manifest['made_at']}.")
