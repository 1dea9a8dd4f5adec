"""Events of a briefing: saved, deleted, corrected, released, its topics changed; and
the counts, pairs and link copies they move."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F, OuterRef, Subquery
from django.utils import timezone

from ..bodies import showing
from ..caching import proxies
from ..caching import surrogate_keys as keys
from ..models import (
    MAX_TAGS_PER_BRIEFING,
    Briefing,
    FormerAddress,
    Tag,
    TaggedBriefing,
    TagPair,
)
from .copies import (
    after_commit,
    fill_briefing_fields,
    finish_pending,
    lock_briefings,
    store_cards,
    store_tag_names,
)
from .topics import count_in_sections


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
        after_commit(purged, [briefing.pk])


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


@transaction.atomic
def library_image_changed(image_pk):
    """A library image was edited or deleted: the bodies that show it are rendered
    again (a deleted one is then left out), and their pages purged."""
    carriers = showing(image_pk)
    lock_briefings(carriers)
    purged = set()
    for briefing in Briefing.objects.filter(pk__in=carriers):
        fill_briefing_fields(briefing)
        Briefing.objects.filter(pk=briefing.pk).update(
            body_html=briefing.body_html, reading_minutes=briefing.reading_minutes
        )
        purged.add(keys.briefing_page(briefing.slug))
    keys.purge_after_commit(purged)


def release_due():
    """Bring briefings whose scheduled time has come into the counts and lists, and
    finish the after-commit work that failed before, purges no proxy took included.
    Returns how many were released."""
    # Dated but not counted: published() decides in _follow_publication; filtering by
    # it here would keep SQLite from the index of such briefings.
    due = Briefing.objects.filter(counts_as_public=False, published_at__lte=timezone.now())
    released = 0
    for pk, slug in due.values_list("pk", "slug"):
        with transaction.atomic():
            lock_briefings([pk])
            if _follow_publication(pk) == "public":
                released += 1
                after_commit(
                    _lists_showing(pk, counts_changed=True) | {keys.briefing_page(slug)}, [pk]
                )
    finish_pending()
    proxies.send_pending()
    return released


def _keep_former_address(old_slug, briefing, was_public):
    """A public briefing's old address leads to it; its own former address taken back is
    no former one. (Another's is never taken: the form refuses it.)"""
    FormerAddress.objects.filter(slug=briefing.slug, briefing=briefing).delete()
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
def briefing_editing(briefing_pk, tag_names):
    """Before a save that may also change the briefing's topics: lock the briefing, then
    every topic it carries or will carry, in one pass in id order.

    A save moves counts in several steps (the briefing, then its topics removed and
    added); taking each step's topics as it comes would hold some while waiting for
    others, and two editors' saves could wait on each other in a circle.
    """
    if briefing_pk is not None:
        lock_briefings([briefing_pk])
    named = Tag.objects.with_names(tag_names).values_list("pk", flat=True)
    _lock_tags((_tag_ids(briefing_pk) if briefing_pk else set()) | set(named))


@transaction.atomic
def tags_changing(briefing_pk, adding=()):
    """Before taggit links or unlinks topics: lock the briefing, then every topic whose
    counts may move, and hold the limit.

    The topics are locked before their links are written: a link takes a weaker lock on
    its topic, and raising it later, while a merge waits for that topic, would deadlock.
    """
    lock_briefings([briefing_pk])
    carried = _tag_ids(briefing_pk)
    if len(carried) + len(adding) > MAX_TAGS_PER_BRIEFING:
        raise ValidationError(too_many_tags_message(), code="too_many_tags")
    _lock_tags(carried | set(adding))


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
    after_commit(purged | {keys.briefing_page(row[0])}, [briefing_pk])


def _adjust_counts(changed, together, delta):
    """Add delta (+1 or -1) to the counts of the changed tags, of their pairs with the
    others, and of the index sections where a tag came into use or left it.

    The tags are locked in id order first; then one bounded statement per tag (at most
    MAX_TAGS_PER_BRIEFING of them, each naming at most that many partners).
    """
    _lock_tags(together)
    Tag.objects.filter(pk__in=changed).update(published_count=F("published_count") + delta)
    # A count of 1 after +1, or of 0 after -1: the topic came into use or left it.
    crossed = Tag.objects.filter(pk__in=changed, published_count=max(delta, 0))
    count_in_sections(crossed.values_list("initial", flat=True), delta)
    for tag in sorted(together):
        partners = (together if tag in changed else changed) - {tag}
        if not partners:
            continue
        if delta > 0:
            TagPair.objects.bulk_create(
                [TagPair(tag_id=tag, other_id=other) for other in partners], ignore_conflicts=True
            )
        TagPair.objects.filter(tag_id=tag, other_id__in=partners).update(count=F("count") + delta)


def _lock_tags(pks):
    """Lock these topics' rows, in id order, until the transaction ends."""
    rows = Tag.objects.select_for_update(no_key=True).filter(pk__in=list(pks)).order_by("pk")
    list(rows.values_list("pk", flat=True))


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
