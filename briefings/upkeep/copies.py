"""Copies stored on the briefing row (fields from what an editor typed, the card, the
topics as typed) and the after-commit queue (PendingUpkeep) that rewrites them."""

import itertools
import logging
import threading

from django.core.exceptions import ValidationError
from django.db import connection, transaction

from .. import cards, search, text
from ..bodies import render_body
from ..caching import surrogate_keys as keys
from ..models import (
    OTHER_INITIAL,
    Briefing,
    PendingUpkeep,
    TaggedBriefing,
    stamp_publication_time,
)

BATCH_SIZE = 500
logger = logging.getLogger(__name__)
_pending = threading.local()


# Fields computed from what an editor typed, before each save.


def fill_briefing_fields(briefing):
    stamp_publication_time(briefing)
    briefing.body_html = render_body(briefing.body)
    briefing.reading_minutes = text.reading_minutes(briefing.body_html)


def fill_tag_fields(tag):
    # Forms say so first; this holds on every other path, alike on both engines.
    for name in (tag.name, tag.slug):
        if text.folded_too_long(name):
            raise ValidationError(text.folded_too_long(name), code="folded_too_long")
    tag.name_key = text.name_key(tag.name)
    tag.sort_key = text.sort_key(tag.name)
    tag.initial = text.index_initial(tag.name_key) or OTHER_INITIAL
    if tag.slug:
        tag.slug = text.fold(tag.slug)
    tag.description_html = text.render_markdown(tag.description)


def lock_briefings(pks):
    """Lock these briefings' rows, in id order, until the transaction ends."""
    rows = Briefing.objects.select_for_update(no_key=True).filter(pk__in=list(pks))
    return list(rows.order_by("pk").values_list("pk", flat=True))


# Stored copies on the briefing row.


def store_cards(briefing_pks):
    """Render and store these briefings' cards (cards.py renders them)."""
    current = cards.card_format()
    table = connection.ops.quote_name(Briefing._meta.db_table)
    statement = f"UPDATE {table} SET card_html = %s, card_format = %s WHERE id = %s"
    for batch in batched(briefing_pks):
        rows = [(html, current, pk) for pk, html in cards.render_cards(batch).items()]
        # One statement for many rows: an ORM update per row, or bulk_update's CASE,
        # cost more than rendering the cards.
        with connection.cursor() as cursor:
            cursor.executemany(statement, rows)


def store_tag_names(briefing_pks):
    """Store each briefing's topics as an editor types them, for its revisions."""
    briefings = [
        Briefing(pk=pk, tag_names=typed) for pk, typed in typed_names(briefing_pks).items()
    ]
    Briefing.objects.bulk_update(briefings, ["tag_names"], batch_size=BATCH_SIZE)


def typed_names(briefing_pks):
    """Each of these briefings' topics as an editor types them, by briefing id."""
    names = {pk: [] for pk in briefing_pks}
    links = TaggedBriefing.objects.filter(content_object__in=list(names))
    for pk, name in links.values_list("content_object", "tag__name"):
        names[pk].append(name)
    return {pk: text.typed_tag_names(found) for pk, found in names.items()}


def tag_names_of(briefing_pk):
    """What store_tag_names stores for one briefing."""
    return typed_names([briefing_pk])[briefing_pk]


# After commit.


def after_commit(purged, briefing_pks):
    """Once the transaction commits, purge these surrogate keys and rewrite these
    briefings' cards, tag names and search entries (recorded now, so a failure is
    finished later)."""
    keys.purge_after_commit(purged)
    pks = set(briefing_pks)
    if not pks:
        return
    PendingUpkeep.objects.bulk_create(
        [PendingUpkeep(briefing_id=pk) for pk in sorted(pks)], ignore_conflicts=True
    )
    if not hasattr(_pending, "pks"):
        _pending.pks = set()
    _pending.pks |= pks
    transaction.on_commit(_finish_after_commit, robust=True)


def _finish_after_commit():
    pks, _pending.pks = getattr(_pending, "pks", set()), set()
    if pks:
        finish(pks)


def finish(briefing_pks):
    """Rewrite these briefings' cards, tag names and search entries, batch by batch, each
    under its rows' locks; clear them from PendingUpkeep once written."""
    for batch in batched(sorted(briefing_pks)):
        with transaction.atomic():
            lock_briefings(batch)
            store_cards(batch)
            store_tag_names(batch)
            search.write_entries(batch)
            PendingUpkeep.objects.filter(briefing_id__in=batch).delete()


def finish_pending():
    """Finish the after-commit work that failed (a database or engine error)."""
    pending = list(PendingUpkeep.objects.order_by("pk").values_list("pk", flat=True)[:10_000])
    if pending:
        finish(pending)


def batched(pks):
    pks = iter(pks)
    while batch := list(itertools.islice(pks, BATCH_SIZE)):
        yield batch
