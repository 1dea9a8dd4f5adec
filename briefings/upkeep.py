"""Every derived value, kept on write: one function per event, and nothing else writes one.

Derived values: a briefing's rendered body, reading time, card, tag names as typed and
public flag (`counts_as_public`, copied onto its tag links with its date); a topic's
folded name, sort key, initial and rendered description; each topic's and each pair's
count of public briefings; former addresses; search entries; the surrogate keys of
cached pages. `manage.py rebuild_derived` recomputes them all (derived.py).

Events: briefing_saved, tags_changing/tags_changed, briefing_deleting, tag_saving/
tag_saved, tags_merged, tag_deleting/tag_deleted, release_due. Signals (signals.py),
the admin, revisions, generate_briefings and migrations come through them.

Inside the transaction (each event opens one, or joins the caller's), under row locks
taken briefings first and topics after (so two
events never wait on each other in a circle), what must agree with the rows: counts,
pairs, link copies, the changed briefing's own card. After commit, what can follow:
surrogate keys are purged (caching/surrogate_keys.py), and the briefings recorded in
the transaction as PendingUpkeep get their card, tag names and search entry rewritten,
idempotently, each batch under its rows' locks; what fails stays recorded, and the next
`release_due` finishes it.
"""

import itertools
import logging
import threading

from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.db.models import F, OuterRef, Subquery
from django.utils import timezone

from . import cards, search, text
from .caching import surrogate_keys as keys
from .models import (
    MAX_TAGS_PER_BRIEFING,
    OTHER_INITIAL,
    Briefing,
    FormerAddress,
    FormerTagSlug,
    PendingUpkeep,
    Tag,
    TaggedBriefing,
    TagPair,
    stamp_publication_time,
)

BATCH_SIZE = 500
logger = logging.getLogger(__name__)
_pending = threading.local()


# Fields computed from what an editor typed, before each save.


def fill_briefing_fields(briefing):
    stamp_publication_time(briefing)
    briefing.body_html = text.render_markdown(briefing.body)
    briefing.reading_minutes = text.reading_minutes(briefing.body_html)


def fill_tag_fields(tag):
    tag.name_key = text.name_key(tag.name)
    tag.sort_key = text.sort_key(tag.name)
    tag.initial = text.index_initial(tag.name_key) or OTHER_INITIAL
    if tag.slug:
        tag.slug = text.fold(tag.slug)
    tag.description_html = text.render_markdown(tag.description)


# Briefings.


def lock_briefings(pks):
    """Lock these briefings' rows, in id order, until the transaction ends."""
    rows = Briefing.objects.select_for_update(no_key=True).filter(pk__in=list(pks))
    return list(rows.order_by("pk").values_list("pk", flat=True))


def stored_state(briefing):
    """What the public saw of a briefing before a save: (slug, counted), or None if new."""
    if briefing.pk is None:
        return None
    return Briefing.objects.filter(pk=briefing.pk).values_list("slug", "counts_as_public").first()


@transaction.atomic
def briefing_saved(briefing, before):
    """Follow a save (its row is locked by it); `before` is stored_state() before it."""
    old_slug, was_public = before or (briefing.slug, False)
    if before is None or old_slug != briefing.slug:
        _keep_former_address(old_slug, briefing, was_public)
    change = _follow_publication(briefing.pk)
    briefing.counts_as_public = was_public if change is None else change == "public"
    store_cards([briefing.pk])
    if was_public or briefing.counts_as_public:
        purged = {keys.briefing_page(old_slug), keys.briefing_page(briefing.slug)}
        purged |= _lists_showing(briefing.pk, counts_changed=change is not None)
        _after_commit(purged, [briefing.pk])


@transaction.atomic
def briefing_deleting(briefing):
    """Take a public briefing out of the counts and purge its pages (its links go next);
    its address and former ones answer 410 Gone from then on."""
    lock_briefings([briefing.pk])
    if not Briefing.objects.filter(pk=briefing.pk, counts_as_public=True).exists():
        return
    FormerAddress.objects.update_or_create(slug=briefing.slug, defaults={"briefing": None})
    purged = _lists_showing(briefing.pk, counts_changed=True)
    tags = _tag_ids(briefing.pk)
    _adjust_counts(tags, tags, -1)
    keys.purge_after_commit(purged | {keys.briefing_page(briefing.slug)})


@transaction.atomic
def correction_changed(briefing_pk):
    """A correction was made, edited or removed: purge the pages that list it."""
    slug = Briefing.objects.filter(pk=briefing_pk, counts_as_public=True).values_list("slug")
    for (found,) in slug:
        keys.purge_after_commit({keys.briefing_page(found), keys.CORRECTIONS})


def release_due():
    """Bring briefings whose scheduled time has come into the counts and lists, and
    finish the after-commit work that failed before. Returns how many were released."""
    # Dated but not counted: published() decides in _follow_publication; filtering by
    # it here would keep SQLite from the index of such briefings.
    due = Briefing.objects.filter(counts_as_public=False, published_at__lte=timezone.now())
    released = 0
    for pk, slug in due.values_list("pk", "slug"):
        with transaction.atomic():
            lock_briefings([pk])
            if _follow_publication(pk) == "public":
                released += 1
                _after_commit(
                    _lists_showing(pk, counts_changed=True) | {keys.briefing_page(slug)}, [pk]
                )
    finish_pending()
    return released


def _keep_former_address(old_slug, briefing, was_public):
    """A public briefing's old address leads to it; an address in use again is no former one."""
    FormerAddress.objects.filter(slug=briefing.slug).delete()
    if was_public:
        FormerAddress.objects.update_or_create(slug=old_slug, defaults={"briefing": briefing})


def _follow_publication(pk):
    """Set counts_as_public to match published(), adjusting the counts, and copy it and
    the date onto the tag links; returns "public", "withdrawn" or None for no change."""
    change = None
    hidden = Briefing.objects.filter(pk=pk, counts_as_public=False)
    shown = Briefing.objects.filter(pk=pk, counts_as_public=True)
    if hidden.published().update(counts_as_public=True):
        change, delta = "public", +1
    elif shown.not_published().update(counts_as_public=False):
        change, delta = "withdrawn", -1
    if change:
        tags = _tag_ids(pk)
        _adjust_counts(tags, tags, delta)
    copy_onto_links(pk)
    return change


def copy_onto_links(briefing_pk):
    """Copy the briefing's public flag and date onto its tag links (see TaggedBriefing)."""
    briefing = Briefing.objects.filter(pk=OuterRef("content_object"))
    TaggedBriefing.objects.filter(content_object=briefing_pk).update(
        counts_as_public=Subquery(briefing.values("counts_as_public")),
        published_at=Subquery(briefing.values("published_at")),
    )


# A briefing's topics.


@transaction.atomic
def tags_changing(briefing_pk, adding=()):
    """Before taggit links or unlinks topics: lock the briefing, and hold the limit."""
    lock_briefings([briefing_pk])
    if adding:
        carried = TaggedBriefing.objects.filter(content_object=briefing_pk).count()
        if carried + len(adding) > MAX_TAGS_PER_BRIEFING:
            raise ValidationError(too_many_tags_message(), code="too_many_tags")


def too_many_tags_message():
    return f"A briefing can carry at most {MAX_TAGS_PER_BRIEFING} topics."


@transaction.atomic
def tags_changed(briefing_pk, tag_pks, delta):
    """Topics were linked (+1) or unlinked (-1); the briefing is locked (tags_changing)."""
    copy_onto_links(briefing_pk)
    store_tag_names([briefing_pk])
    store_cards([briefing_pk])
    row = Briefing.objects.filter(pk=briefing_pk).values_list("slug", "counts_as_public").first()
    if not tag_pks or row is None or not row[1]:
        return
    _adjust_counts(set(tag_pks), _tag_ids(briefing_pk) | set(tag_pks), delta)
    changed = {keys.tag_page(slug) for slug in _slugs(Tag.objects.filter(pk__in=tag_pks))}
    purged = _lists_showing(briefing_pk, counts_changed=True) | changed
    _after_commit(purged | {keys.briefing_page(row[0])}, [briefing_pk])


def _adjust_counts(changed, together, delta):
    """Add delta to the counts of the changed tags, and of their pairs with the others.

    The tags are locked in id order first; then one bounded statement per tag (at most
    MAX_TAGS_PER_BRIEFING of them, each naming at most that many partners).
    """
    list(Tag.objects.select_for_update(no_key=True).filter(pk__in=together).order_by("pk")
         .values_list("pk", flat=True))  # fmt: skip
    Tag.objects.filter(pk__in=changed).update(published_count=F("published_count") + delta)
    for tag in sorted(together):
        partners = (together if tag in changed else changed) - {tag}
        if not partners:
            continue
        if delta > 0:
            TagPair.objects.bulk_create(
                [TagPair(tag_id=tag, other_id=other) for other in partners], ignore_conflicts=True
            )
        TagPair.objects.filter(tag_id=tag, other_id__in=partners).update(count=F("count") + delta)


def _lists_showing(briefing_pk, counts_changed):
    """The surrogate keys of the lists a public briefing appears on."""
    purged = {keys.LATEST_LIST}
    purged |= {keys.tag_page(slug) for slug in _slugs(_tags_of(briefing_pk))}
    if counts_changed:
        # Going public or leaving changes the counts, and whose corrections are listed.
        purged |= {keys.TAG_COUNTS, keys.CORRECTIONS}
    return purged


def _tags_of(briefing_pk):
    return Tag.objects.filter(tagged_briefings__content_object=briefing_pk)


def _tag_ids(briefing_pk):
    return set(_tags_of(briefing_pk).values_list("pk", flat=True))


def _slugs(tags):
    return tags.values_list("slug", flat=True)


# Topics.


def tag_saving(tag):
    """Before a topic's save: fill its fields, and remember its stored name and slug."""
    fill_tag_fields(tag)
    stored = Tag.objects.filter(pk=tag.pk).values_list("name", "slug").first() if tag.pk else None
    tag._stored_name_and_slug = stored


@transaction.atomic
def tag_saved(tag, created):
    """A topic was created or edited. Only a new name or slug reaches its carriers: their
    cards, tag names and search entries, after commit; a description, its own pages."""
    stored = getattr(tag, "_stored_name_and_slug", None)
    old_slug = stored[1] if stored else None
    if created or old_slug != tag.slug:
        FormerTagSlug.objects.filter(slug=tag.slug).delete()  # in use again
    if old_slug and old_slug != tag.slug:
        FormerTagSlug.objects.update_or_create(slug=old_slug, defaults={"tag": tag})
    if created:
        return
    if stored != (tag.name, tag.slug):
        _after_commit({keys.SITE}, carriers_of(tag.pk))
    else:
        keys.purge_after_commit({keys.tag_page(tag.slug)})


def tags_merged(keep, others):
    """Merge other topics into `keep`: their briefings carry it, their addresses lead to
    it, and they are deleted. Counts follow through tags_changed and tag_deleted."""
    others = [tag for tag in others if tag.pk != keep.pk]
    if not others:
        raise ValidationError("Choose at least one other topic to merge into this one.")
    with transaction.atomic():
        merged = [tag.pk for tag in others]
        lock_briefings(carriers_of(*merged))
        # No briefing can be linked to a locked topic now: look again for any linked since.
        list(Tag.objects.select_for_update().filter(pk__in=[keep.pk, *merged]).order_by("pk"))
        carriers = carriers_of(*merged)
        lock_briefings(carriers)
        for briefing in Briefing.objects.filter(pk__in=carriers).order_by("pk"):
            briefing.tags.add(keep)
        for other in others:
            other.former_slugs.update(tag=keep)
            FormerTagSlug.objects.update_or_create(slug=other.slug, defaults={"tag": keep})
            other.delete()


@transaction.atomic
def tag_deleting(tag):
    tag._carriers = carriers_of(tag.pk)
    lock_briefings(tag._carriers)


@transaction.atomic
def tag_deleted(tag):
    _after_commit({keys.SITE}, getattr(tag, "_carriers", []))


def carriers_of(*tag_pks):
    links = TaggedBriefing.objects.filter(tag__in=tag_pks)
    return sorted(set(links.values_list("content_object", flat=True)))


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
    names = {pk: [] for pk in briefing_pks}
    links = TaggedBriefing.objects.filter(content_object__in=list(names))
    for pk, name in links.values_list("content_object", "tag__name"):
        names[pk].append(name)
    briefings = [
        Briefing(pk=pk, tag_names=text.typed_tag_names(found)) for pk, found in names.items()
    ]
    Briefing.objects.bulk_update(briefings, ["tag_names"], batch_size=BATCH_SIZE)


def tag_names_of(briefing_pk):
    """What store_tag_names stores for one briefing."""
    links = TaggedBriefing.objects.filter(content_object=briefing_pk)
    return text.typed_tag_names(links.values_list("tag__name", flat=True))


# After commit.


def _after_commit(purged, briefing_pks):
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
