from django.core.management.base import BaseCommand

from briefings.backups import write_backup


class Command(BaseCommand):
    help = (
        "Write a backup of the content (engine-neutral, derived values left out), every "
        "stored image and a manifest with checksums into one file."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="the archive to write (a zip file)")

    def handle(self, *args, file, **options):
        manifest = write_backup(file)
        counts = ", ".join(f"{count} {label}" for label, count in manifest["counts"].items())
        files = sum(name.startswith("media/") for name in manifest["checksums"])
        self.stdout.write(f"Backed up {counts} and {files} files to {file}.")
