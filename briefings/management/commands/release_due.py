import logging
import time

from django.core.management.base import BaseCommand
from django.db import DatabaseError, close_old_connections

from briefings import upkeep

logger = logging.getLogger(__name__)


class Command(BaseCommand):
    help = (
        "Bring in briefings whose scheduled time has come (counts, lists, cached pages, "
        "search) and finish after-commit work that failed; --loop keeps doing it, as a "
        "service beside the app servers."
    )

    def add_arguments(self, parser):
        parser.add_argument("--loop", action="store_true", help="run until stopped")
        parser.add_argument("--every", type=float, default=1.0, help="seconds between passes")

    def handle(self, *args, loop=False, every=1.0, **options):
        if not loop:
            self.stdout.write(f"Released {upkeep.release_due()} briefing(s).")
            return
        while True:
            try:
                released = upkeep.release_due()
                if released:
                    self.stdout.write(f"Released {released} briefing(s).")
            except DatabaseError:
                logger.exception("Releasing scheduled briefings failed; trying again.")
                close_old_connections()
            time.sleep(every)
