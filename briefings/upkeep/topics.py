"""Events of a topic: saved (renamed), merged, deleted, its other names changed."""

from collections import Counter

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F

from .. import text
from ..caching import surrogate_keys as keys
from ..models import (
    Briefing,
    FormerTagSlug,
    IndexSection,
    OtherName,
    Tag,
    TaggedBriefing,
)
from .copies import after_commit, fill_tag_fields, lock_briefings


def tag_saving(tag):
    """Before a topic's save: fill its fields, and remember its stored name, slug and initial."""
    fill_tag_fields(tag)
    stored = None
    if tag.pk:
        stored = (
            Tag.objects.filter(pk=tag.pk)
            .values_list("name", "slug", "initial", "kind", "same_as")
            .first()
        )
    tag._stored_name_and_slug = stored[:2] if stored else None
    tag._stored_initial = stored[2] if stored else None
    tag._stored_kind_and_reference = stored[3:] if stored else None


@transaction.atomic
def tag_saved(tag, created):
    """A topic was created or edited. Only a new name or slug reaches its carriers: their
    cards, tag names and search entries, after commit; a new kind or reference address,
    their pages (which group topics by kind and name them to search engines) and the
    index by kind; a description, its own pages."""
    stored = getattr(tag, "_stored_name_and_slug", None)
    old_slug = stored[1] if stored else None
    if created or old_slug != tag.slug:
        FormerTagSlug.objects.filter(slug=tag.slug).delete()  # in use again
    if old_slug and old_slug != tag.slug:
        FormerTagSlug.objects.update_or_create(slug=old_slug, defaults={"tag": tag})
    if created:
        return
    # Another name of its own taken as its name, or address, is no longer another one.
    tag.other_names.filter(name_key=tag.name_key).delete()
    tag.other_names.filter(slug=tag.slug).update(slug=None)
    _follow_initial(tag)
    if stored != (tag.name, tag.slug):
        after_commit({keys.SITE}, carriers_of(tag.pk))
    elif getattr(tag, "_stored_kind_and_reference", None) != (tag.kind, tag.same_as):
        # Rare, like a rename: every page that may show the topic, whatever its key.
        keys.purge_after_commit({keys.SITE})
    else:
        keys.purge_after_commit({keys.tag_page(tag.slug)})


def other_name_saving(other):
    """Before another name's save: its folded name and its slug, None where the slug
    leads to its topic anyway; another topic's former slug gives way to it."""
    other.name = " ".join(other.name.split())
    other.name_key = text.name_key(other.name)
    slug = text.unicode_slug(other.name)[: FormerTagSlug._meta.get_field("slug").max_length]
    own = {
        other.tag.slug,
        *other.tag.former_slugs.values_list("slug", flat=True),
        *other.tag.other_names.exclude(pk=other.pk).values_list("slug", flat=True),
    }
    other.slug = None if not slug or slug in own else slug
    if other.slug:
        FormerTagSlug.objects.filter(slug=other.slug).exclude(tag=other.tag).delete()


@transaction.atomic
def other_names_changed(tag_pk):
    """A topic's other names were added, changed or removed: search finds its briefings
    by them (their entries are rewritten after commit), and pages that show it change."""
    after_commit({keys.SITE}, carriers_of(tag_pk))


def tags_merged(keep, others):
    """Merge other topics into `keep`: their briefings carry it, their addresses lead to
    it, and they are deleted. Counts follow through tags_changed and tag_deleted."""
    others = [tag for tag in others if tag.pk != keep.pk]
    if not others:
        raise ValidationError("Choose at least one other topic to merge into this one.")
    with transaction.atomic():
        merged = [tag.pk for tag in others]
        carriers = carriers_of(*merged)
        lock_briefings(carriers)
        # Every topic whose counts the merge moves, in one pass in id order (see
        # briefing_editing); then no briefing can be linked to a merged topic: look
        # again for any linked meanwhile.
        touched = {keep.pk, *merged, *topics_of(carriers)}
        locked = set(
            Tag.objects.select_for_update()
            .filter(pk__in=touched)
            .values_list("pk", flat=True)
            .order_by("pk")
        )
        if not {keep.pk, *merged} <= locked:
            raise ValidationError(
                "Another editor merged or deleted one of these topics meanwhile: "
                "look at the list again."
            )
        carriers = carriers_of(*merged)
        lock_briefings(carriers)
        for briefing in Briefing.objects.filter(pk__in=carriers).order_by("pk"):
            briefing.tags.add(keep)
        for other in others:
            other.former_slugs.update(tag=keep)
            FormerTagSlug.objects.update_or_create(slug=other.slug, defaults={"tag": keep})
            names = [(other.name, ""), *other.other_names.values_list("name", "lang")]
            other.delete()
            for name, lang in names:  # the merged topic's names now name the survivor
                if text.name_key(name) != keep.name_key:
                    OtherName.objects.get_or_create(
                        name_key=text.name_key(name), defaults={"tag": keep, "name": name,
                                                                "lang": lang}
                    )  # fmt: skip


@transaction.atomic
def tag_deleting(tag):
    tag._carriers = carriers_of(tag.pk)
    lock_briefings(tag._carriers)
    in_use = Tag.objects.in_use().filter(pk=tag.pk)
    tag._counted_under = list(in_use.values_list("initial", flat=True))  # its section, if in use


@transaction.atomic
def tag_deleted(tag):
    count_in_sections(getattr(tag, "_counted_under", []), -1)
    after_commit({keys.SITE}, getattr(tag, "_carriers", []))


def _follow_initial(tag):
    """A topic in use renamed under another letter moves to that section of the index."""
    before = getattr(tag, "_stored_initial", None)
    if before == tag.initial or not Tag.objects.in_use().filter(pk=tag.pk).exists():
        return
    for initial, delta in sorted({before: -1, tag.initial: +1}.items()):  # in initial order
        count_in_sections([initial], delta)


def count_in_sections(initials, delta):
    """Add delta to each listed initial's count of topics in use (once per listing), in
    initial order, so that two events never wait on each other in a circle. A section's
    row is made at 0 if missing (an emptied database has none)."""
    for initial, times in sorted(Counter(initials).items()):
        IndexSection.objects.bulk_create([IndexSection(initial=initial)], ignore_conflicts=True)
        sections = IndexSection.objects.filter(initial=initial)
        sections.update(topics_in_use=F("topics_in_use") + delta * times)


def topics_of(briefing_pks):
    links = TaggedBriefing.objects.filter(content_object__in=briefing_pks)
    return set(links.values_list("tag", flat=True))


def carriers_of(*tag_pks):
    links = TaggedBriefing.objects.filter(tag__in=tag_pks)
    return sorted(set(links.values_list("content_object", flat=True)))
