import logging
import time

from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.db import DatabaseError, close_old_connections

from briefings import upkeep

logger = logging.getLogger(__name__)
# The clean-ups a newsroom needs now and then, run by the loop: expired sessions, old
# login failures, image files nothing refers to.
CLEAN_UPS = [
    ("clearsessions", ()),
    ("axes_reset_failure_logs", ("--age", "30")),
    ("clean_media", ()),
]


class Command(BaseCommand):
    help = (
        "Bring in briefings whose scheduled time has come (counts, lists, cached pages, "
        "search) and finish after-commit work that failed; --loop keeps doing it, as a "
        "service beside the app servers, and runs the clean-ups every --clean-every seconds."
    )

    def add_arguments(self, parser):
        parser.add_argument("--loop", action="store_true", help="run until stopped")
        parser.add_argument("--every", type=float, default=1.0, help="seconds between passes")
        parser.add_argument(
            "--clean-every", type=float, default=3600.0, help="seconds between clean-ups"
        )

    def handle(self, *args, loop=False, every=1.0, clean_every=3600.0, **options):
        if not loop:
            self.stdout.write(f"Released {upkeep.release_due()} briefing(s).")
            return
        next_clean_up = time.monotonic()
        while True:
            try:
                released = upkeep.release_due()
                if released:
                    self.stdout.write(f"Released {released} briefing(s).")
                if time.monotonic() >= next_clean_up:
                    next_clean_up = time.monotonic() + clean_every
                    self.clean_up()
            except DatabaseError:
                logger.exception("Releasing scheduled briefings failed; trying again.")
                close_old_connections()
            time.sleep(every)

    def clean_up(self):
        for command, arguments in CLEAN_UPS:
            try:
                call_command(command, *arguments, stdout=self.stdout)
            except Exception:  # one clean-up failing must not stop the releases
                logger.exception("Clean-up %s failed; it runs again later.", command)
