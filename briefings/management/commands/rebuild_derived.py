import time

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from briefings.caching import surrogate_keys
from briefings.derived import SCOPES

PROGRESS_EVERY = 10_000


class Command(BaseCommand):
    help = (
        "Recompute every derived value from the source rows and repair what differs, "
        "saying what it repaired; --check repairs nothing and fails on any difference. "
        "Run it after restoring a backup or after an interrupted bulk import. Scopes: "
        + "; ".join(f"{name}: {scope.what}" for name, scope in SCOPES.items())
        + "."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--check", action="store_true", help="change nothing; exit 1 on a difference"
        )
        parser.add_argument("--only", default="", help="comma-separated scopes (default: all)")

    def handle(self, *args, check=False, only="", **options):
        chosen = [name.strip() for name in only.split(",") if name.strip()] or list(SCOPES)
        unknown = [name for name in chosen if name not in SCOPES]
        if unknown:
            raise CommandError(
                f"Unknown scope {', '.join(unknown)}; choose from {', '.join(SCOPES)}."
            )
        differing_scopes = []
        for name in (name for name in SCOPES if name in chosen):  # in the order of SCOPES
            if name == "pages":
                if not check:
                    SCOPES[name].repair([])
                    self.stdout.write("pages: every cached page purged")
                continue
            started = time.monotonic()
            differing = SCOPES[name].differing(progress=self.progress(name))
            took = time.monotonic() - started
            if not differing:
                self.stdout.write(f"{name}: all right ({took:.1f} s)")
                continue
            differing_scopes.append(name)
            examples = ", ".join(str(item) for item in differing[:5])
            more = f" and {len(differing) - 5} more" if len(differing) > 5 else ""
            if check:
                self.stdout.write(f"{name}: {len(differing)} differ ({examples}{more})")
                continue
            with transaction.atomic():
                SCOPES[name].repair(differing)
            self.stdout.write(f"{name}: repaired {len(differing)} ({examples}{more})")
        if differing_scopes and check:
            raise CommandError(f"Derived values differ in: {', '.join(differing_scopes)}.")
        if differing_scopes and not check and "pages" not in chosen:
            surrogate_keys.purge_now({surrogate_keys.SITE})

    def progress(self, scope):
        """Say every PROGRESS_EVERY briefings how far a scope has come (on standard error)."""

        def say(done):
            if done % PROGRESS_EVERY == 0:
                self.stderr.write(f"{scope}: {done} briefings compared")

        return say
