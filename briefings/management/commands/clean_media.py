"""Remove image files that no briefing and no revision refers to any more."""

import itertools
import re
import time

from django.core.files.storage import default_storage
from django.core.management.base import BaseCommand
from reversion.models import Version

from briefings import images
from briefings.models import Briefing, LibraryImage

ORIGINALS_DIR = Briefing._meta.get_field("lead_image").upload_to.rstrip("/")
# Newer files may belong to a save still in progress.
GRACE_SECONDS = 3600


class Command(BaseCommand):
    help = "Remove uploaded images and renditions that nothing refers to."

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="list, do not remove")

    def handle(self, *args, dry_run, **options):
        kept = files_in_use()
        unused = [name for name in stored_files() if name not in kept and is_old(name)]
        if dry_run:
            for name in unused:
                self.stdout.write(f"  {name}")
            self.stdout.write(f"Would remove {len(unused)} unused file(s).")
        else:
            images.delete_files(unused)
            self.stdout.write(f"Removed {len(unused)} unused file(s).")


def files_in_use():
    """Every file a briefing or the image library shows, and every original a revision
    names."""
    used = set()
    shown = [
        Briefing.objects.exclude(lead_image="").values_list("lead_image", "renditions"),
        LibraryImage.objects.values_list("file", "renditions"),
    ]
    for original, renditions in itertools.chain.from_iterable(rows.iterator() for rows in shown):
        used.update(images.stored_files(original, renditions))
    pattern = re.compile(re.escape(ORIGINALS_DIR) + r'/[^"\\]+')
    versions = Version.objects.get_for_model(Briefing).filter(
        serialized_data__contains=ORIGINALS_DIR
    )
    for data in versions.values_list("serialized_data", flat=True).iterator():
        used.update(pattern.findall(data))
    return used


def stored_files():
    for folder in (ORIGINALS_DIR, images.RENDITION_DIR):
        try:
            names = default_storage.listdir(folder)[1]
        except FileNotFoundError:  # no such folder on disk yet (an object store lists none)
            continue
        yield from (f"{folder}/{name}" for name in names)


def is_old(name):
    return time.time() - default_storage.get_modified_time(name).timestamp() > GRACE_SECONDS
