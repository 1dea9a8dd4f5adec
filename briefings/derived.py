"""Every derived value recomputed from the source rows, compared, and repaired.

`manage.py rebuild_derived` runs the scopes below in this order (later ones read what
earlier ones repair); each finds what differs from a fresh computation, in batches, and
repairs only that. Former addresses are history that rows cannot recompute: they are
checked for consistency (none may name an address in use). Cached pages are state, not
values: `pages` purges them all and has nothing to check.
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.core.files.storage import default_storage
from django.db import connection
from django.db.models import Count, F, Q

from . import cards, images, search, text, upkeep
from .bodies import render_body
from .caching import surrogate_keys
from .models import (
    Briefing,
    FormerAddress,
    FormerTagSlug,
    IndexSection,
    LibraryImage,
    OtherName,
    PendingUpkeep,
    SearchEntry,
    Tag,
    TaggedBriefing,
    TagPair,
)
from .tag_index import SECTION_INITIALS

BATCH_SIZE = 1000


@dataclass(frozen=True)
class Scope:
    what: str  # said in --help and the README
    differing: Callable[..., list]  # the items that differ (progress=callable)
    repair: Callable[[list], None]  # make those items right


def briefing_batches(queryset=None, progress=None):
    """Briefing ids in batches, by id, so 100,000 briefings never sit in memory at once;
    `progress` is told how many have been read."""
    queryset = Briefing.objects.all() if queryset is None else queryset
    last, done = 0, 0
    while batch := list(
        queryset.filter(pk__gt=last).order_by("pk").values_list("pk", flat=True)[:BATCH_SIZE]
    ):
        yield batch
        last, done = batch[-1], done + len(batch)
        if progress:
            progress(done)


# A briefing's own fields.


def _rendered_fields_differing(progress=None):
    wrong = []
    for batch in briefing_batches(progress=progress):
        rows = Briefing.objects.filter(pk__in=batch).values_list(
            "pk", "body", "body_html", "reading_minutes"
        )
        for pk, body, body_html, minutes in rows:
            fresh = render_body(body)
            if (fresh, text.reading_minutes(fresh)) != (body_html, minutes):
                wrong.append(pk)
    return wrong


def _render_fields(pks):
    for briefing in Briefing.objects.filter(pk__in=pks):
        upkeep.fill_briefing_fields(briefing)
        Briefing.objects.filter(pk=briefing.pk).update(
            body_html=briefing.body_html, reading_minutes=briefing.reading_minutes
        )


# Renditions of stored images.

IMAGE_FIELDS = {"briefing": (Briefing, "lead_image"), "library": (LibraryImage, "file")}


def _renditions_missing(progress=None):
    """Images whose renditions are not all in the storage (a store restored without
    them, files lost): ("briefing" or "library", id)."""
    missing = []
    for kind, (model, field) in IMAGE_FIELDS.items():
        rows = model.objects.exclude(**{field: ""}).values_list("pk", "renditions")
        for pk, renditions in rows.iterator():
            names = images.rendition_files(renditions)
            if not names or not all(default_storage.exists(name) for name in names):
                missing.append((kind, pk))
    return missing


def _remake_renditions(found):
    """Renditions made again from each original (one that is gone too is left as it
    is); the cards or bodies that show them follow."""
    for kind, pk in found:
        model, field = IMAGE_FIELDS[kind]
        original = getattr(model.objects.get(pk=pk), field)
        try:
            with original.open("rb"):
                renditions = images.make_renditions(original)
        except FileNotFoundError:
            continue
        model.objects.filter(pk=pk).update(renditions=renditions)
        if kind == "briefing":
            upkeep.store_cards([pk])
        else:
            upkeep.library_image_changed(pk)


def _tag_fields_differing(progress=None):
    fields = ["name_key", "sort_key", "initial", "description_html"]
    wrong = []
    for tag in Tag.objects.all():
        stored = [getattr(tag, field) for field in fields]
        upkeep.fill_tag_fields(tag)
        if stored != [getattr(tag, field) for field in fields]:
            wrong.append(tag.pk)
    return wrong


def _fill_tag_fields(pks):
    for tag in Tag.objects.filter(pk__in=pks):
        tag.save()  # upkeep.tag_saving fills the fields


# Whether a briefing counts as public, and the copies on its links.


def _public_flags_differing(progress=None):
    published = Briefing.objects.published()
    shown_but_not = Briefing.objects.filter(counts_as_public=True).exclude(pk__in=published)
    hidden_but_is = published.filter(counts_as_public=False)
    found = [
        *shown_but_not.values_list("pk", flat=True),
        *hidden_but_is.values_list("pk", flat=True),
    ]
    return sorted(found)


def _set_public_flags(pks):
    chosen = Briefing.objects.filter(pk__in=pks)
    chosen.published().update(counts_as_public=True)
    chosen.not_published().update(counts_as_public=False)


def _link_copies_differing(progress=None):
    both_dated = Q(published_at__isnull=False, content_object__published_at__isnull=False)
    differs = (
        ~Q(counts_as_public=F("content_object__counts_as_public"))
        | (both_dated & ~Q(published_at=F("content_object__published_at")))
        | Q(published_at=None, content_object__published_at__isnull=False)
        | Q(published_at__isnull=False, content_object__published_at=None)
    )
    links = TaggedBriefing.objects.filter(differs)
    return sorted(set(links.values_list("content_object", flat=True)))


def _copy_onto_links(pks):
    for pk in pks:
        upkeep.copy_onto_links(pk)


# Counts of topics and of pairs.


def _true_counts():
    public = TaggedBriefing.objects.filter(content_object__counts_as_public=True)
    return dict(public.values_list("tag").annotate(count=Count("pk")))


def _counts_differing(progress=None):
    true = _true_counts()
    stored = Tag.objects.values_list("pk", "published_count")
    return [pk for pk, count in stored if true.get(pk, 0) != count]


def recount(pks=None):
    """Set these topics' counts (all, by default) from a count of the public links."""
    pks = Tag.objects.values_list("pk", flat=True) if pks is None else pks
    true = _true_counts()
    tags = [Tag(pk=pk, published_count=true.get(pk, 0)) for pk in pks]
    Tag.objects.bulk_update(tags, ["published_count"], batch_size=BATCH_SIZE)


def _true_sections():
    in_use = Tag.objects.in_use().order_by()
    return dict(in_use.values_list("initial").annotate(count=Count("pk")))


def _sections_differing(progress=None):
    true = _true_sections()
    stored = dict(IndexSection.objects.values_list("initial", "topics_in_use"))
    return [
        initial for initial in SECTION_INITIALS if stored.get(initial, 0) != true.get(initial, 0)
    ]


def recount_sections(initials=SECTION_INITIALS):
    """Set these index sections' counts (all, by default) from the topics in use."""
    true = _true_sections()
    for initial in initials:
        IndexSection.objects.update_or_create(
            initial=initial, defaults={"topics_in_use": true.get(initial, 0)}
        )


def _true_pairs():
    together = (
        TaggedBriefing.objects.filter(content_object__counts_as_public=True)
        .annotate(other=F("content_object__tagged_items__tag"))
        .exclude(other=F("tag"))
        .values_list("tag", "other")
        .annotate(count=Count("pk"))
    )
    return {(tag, other): count for tag, other, count in together}


def _pairs_differing(progress=None):
    true = _true_pairs()
    stored = {(tag, other): count for tag, other, count in
              TagPair.objects.filter(count__gt=0).values_list("tag", "other", "count")}  # fmt: skip
    return sorted(
        pair for pair in true.keys() | stored.keys() if true.get(pair) != stored.get(pair)
    )


def recount_pairs(pairs=None):
    """Set these pairs' counts (all, by default) from a count of the public links."""
    true = _true_pairs()
    if pairs is None:
        TagPair.objects.all().delete()
        TagPair.objects.bulk_create(
            [
                TagPair(tag_id=tag, other_id=other, count=count)
                for (tag, other), count in true.items()
            ],
            batch_size=BATCH_SIZE,
        )
        return
    for tag, other in pairs:
        TagPair.objects.update_or_create(
            tag_id=tag, other_id=other, defaults={"count": true.get((tag, other), 0)}
        )


# Copies stored for lists, revisions and search.


def _tag_names_differing(progress=None):
    wrong = []
    for batch in briefing_batches(progress=progress):
        typed = upkeep.typed_names(batch)
        stored = Briefing.objects.filter(pk__in=batch).values_list("pk", "tag_names")
        wrong += [pk for pk, names in stored if names != typed[pk]]
    return wrong


def _cards_differing(progress=None):
    wrong = []
    current = cards.card_format()
    for batch in briefing_batches(Briefing.objects.filter(published_at__isnull=False), progress):
        fresh = cards.render_cards(batch)
        stored = Briefing.objects.filter(pk__in=batch).values_list("pk", "card_html", "card_format")
        wrong += [pk for pk, html, made in stored if (html, made) != (fresh[pk], current)]
    return wrong


def _search_entries_differing(progress=None):
    wrong = []
    for batch in briefing_batches(progress=progress):
        fresh = search.entry_texts(batch)
        stored = dict(search.stored_entry_texts(batch))
        wrong += [pk for pk in batch if fresh.get(pk) != stored.get(pk)]
        if connection.vendor == "postgresql":
            unvectored = SearchEntry.objects.filter(pk__in=batch, vector=None)
            wrong += list(unvectored.values_list("pk", flat=True))
    return sorted(set(wrong))


def _write_search_entries(pks):
    for batch in upkeep.batched(pks):
        search.write_entries(batch)


# History and pending work.


def _addresses_in_use(progress=None):
    briefings = FormerAddress.objects.filter(slug__in=Briefing.objects.values("slug"))
    # One namespace: a former slug gives way to a topic's slug or another name's.
    tags = FormerTagSlug.objects.filter(
        Q(slug__in=Tag.objects.values("slug"))
        | Q(slug__in=OtherName.objects.exclude(slug=None).values("slug"))
    )
    return [("briefing", slug) for slug in briefings.values_list("slug", flat=True)] + [
        ("topic", slug) for slug in tags.values_list("slug", flat=True)
    ]


def _forget_addresses_in_use(found):
    FormerAddress.objects.filter(
        slug__in=[slug for kind, slug in found if kind == "briefing"]
    ).delete()
    FormerTagSlug.objects.filter(
        slug__in=[slug for kind, slug in found if kind == "topic"]
    ).delete()


def _pending_upkeep(progress=None):
    return list(PendingUpkeep.objects.order_by("pk").values_list("pk", flat=True))


def _nothing_to_check(progress=None):
    return []


def _purge_every_page(_):
    surrogate_keys.purge_now({surrogate_keys.SITE})


SCOPES = {
    "fields": Scope(
        "each briefing's rendered body and reading time",
        _rendered_fields_differing, _render_fields),
    "renditions": Scope(
        "each stored image's renditions, made again from the original where one is missing",
        _renditions_missing, _remake_renditions),
    "topics": Scope(
        "each topic's folded name, sort key, initial and description",
        _tag_fields_differing, _fill_tag_fields),
    "public": Scope(
        "whether each briefing counts as public", _public_flags_differing, _set_public_flags),
    "links": Scope(
        "the public flag and date copied onto topic links",
        _link_copies_differing, _copy_onto_links),
    "counts": Scope("each topic's count of public briefings", _counts_differing, recount),
    "sections": Scope(
        "each topics index section's count of topics in use",
        _sections_differing, recount_sections),
    "pairs": Scope("each two topics' count of public briefings", _pairs_differing, recount_pairs),
    "tag_names": Scope(
        "each briefing's topics as typed, for revisions",
        _tag_names_differing, upkeep.store_tag_names),
    "cards": Scope("each briefing's stored card", _cards_differing, upkeep.store_cards),
    "search": Scope(
        "each public briefing's search entry, and no other",
        _search_entries_differing, _write_search_entries),
    "addresses": Scope(
        "former addresses: none names an address in use",
        _addresses_in_use, _forget_addresses_in_use),
    "pending": Scope("after-commit work not yet done", _pending_upkeep, upkeep.finish),
    "pages": Scope("cached pages: purged, never checked", _nothing_to_check, _purge_every_page),
}  # fmt: skip
