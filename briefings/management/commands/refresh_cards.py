from django.core.management.base import BaseCommand

from briefings.cards import card_format, refresh_cards
from briefings.models import Briefing


class Command(BaseCommand):
    help = (
        "Store afresh the list cards rendered in another format than the current one "
        "(after a change to the card template, the time zone or the media address)."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--all", dest="every", action="store_true", help="every card, not only stale ones"
        )

    def handle(self, *args, every=False, **options):
        briefings = Briefing.objects.filter(published_at__isnull=False)
        if not every:
            briefings = briefings.exclude(card_format=card_format())
        ids = list(briefings.values_list("pk", flat=True))
        refresh_cards(ids)
        self.stdout.write(f"Refreshed {len(ids)} card(s).")
