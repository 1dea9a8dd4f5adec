"""A briefing's public life: when it goes live or leaves the site, and what follows.

A briefing is public when published() says so. `Briefing.is_live` records whether the
topic counts (`Tag.published_count`, `TagPair.count`) and the cached pages already know
it; its tag links carry a copy of it and of the date. Three things can bring them
apart, and each ends here:

- a save (status, date or text changed): `sync_after_save`;
- a change of its tags: `tags_added` / `tags_removed`;
- the passing of a scheduled time, with no save: `release_due_briefings`, which the
  page cache middleware calls at most once a second per worker, so no cron job is needed.

`is_live` only ever changes through a conditional UPDATE, so when two workers see the
same change only one of them adjusts the counts.
"""

from django.db import transaction
from django.db.models import OuterRef, Subquery
from django.utils import timezone

from . import page_versions, search
from .models import Briefing, FormerAddress, Tag, TaggedBriefing, TagPair


def sync_after_save(briefing, before):
    """Follow a save; `before` is the stored (slug, is_live) as it was, or None if new."""
    old_slug, was_live = before or (briefing.slug, False)
    if before is None or old_slug != briefing.slug:
        _keep_former_address(old_slug, briefing, was_live)
    change = _follow_publication(briefing.pk)
    briefing.is_live = was_live if change is None else change == "live"
    if not (was_live or briefing.is_live):
        return  # a draft or a scheduled briefing: nothing public changed
    depends = {page_versions.briefing_page(old_slug), page_versions.briefing_page(briefing.slug)}
    depends |= _lists_showing(briefing.pk, counts_changed=change is not None)
    _after_commit(depends, briefing.pk)


def tags_added(briefing_pk, tag_pks):
    _mirror_on_links(briefing_pk)
    _tags_changed(briefing_pk, tag_pks, +1)


def tags_removed(briefing_pk, tag_pks):
    _tags_changed(briefing_pk, tag_pks, -1)


def before_delete(briefing):
    """Take a live briefing out of the counts and retire its pages (its tags go next);
    its address and former ones answer 410 Gone from now on."""
    if not Briefing.objects.filter(pk=briefing.pk, is_live=True).exists():
        return
    FormerAddress.objects.update_or_create(slug=briefing.slug, defaults={"briefing": None})
    depends = _lists_showing(briefing.pk, counts_changed=True)
    tags = _tag_ids(briefing.pk)
    _adjust_counts(tags, tags, -1)
    page_versions.retire_after_commit(depends | {page_versions.briefing_page(briefing.slug)})


def _keep_former_address(old_slug, briefing, was_live):
    """A public briefing's old address leads to it; an address in use again is no former one."""
    FormerAddress.objects.filter(slug=briefing.slug).delete()
    if was_live:
        FormerAddress.objects.update_or_create(slug=old_slug, defaults={"briefing": briefing})


def correction_changed(briefing):
    """A correction was made, edited or removed: retire the pages that list it."""
    if Briefing.objects.filter(pk=briefing.pk, is_live=True).exists():
        depends = {page_versions.briefing_page(briefing.slug), page_versions.CORRECTIONS}
        page_versions.retire_after_commit(depends)


def release_due_briefings():
    """Bring briefings whose scheduled time has come into the counts and lists."""
    # Dated but not live: published() decides in _follow_publication, by a conditional
    # UPDATE; filtering by it here would keep SQLite from the index of such briefings.
    dated = Briefing.objects.filter(is_live=False, published_at__lte=timezone.now())
    due = dated.values_list("pk", "slug")
    for pk, slug in due:
        with transaction.atomic():
            if _follow_publication(pk) == "live":
                depends = _lists_showing(pk, counts_changed=True)
                _after_commit(depends | {page_versions.briefing_page(slug)}, pk)


def _after_commit(depends, briefing_pk):
    """Once the change commits, retire the pages that show the briefing and bring its
    search entry up to date (a deleted briefing's entry goes with it)."""
    page_versions.retire_after_commit(depends)
    search.index_after_commit([briefing_pk])


def _follow_publication(pk):
    """Set is_live to match published(), adjusting the counts, and copy it and the date
    onto the tag links; returns "live", "dark" or None for no change."""
    change = None
    if Briefing.objects.filter(pk=pk, is_live=False).published().update(is_live=True):
        change, delta = "live", +1
    elif Briefing.objects.filter(pk=pk, is_live=True).not_published().update(is_live=False):
        change, delta = "dark", -1
    if change:
        tags = _tag_ids(pk)
        _adjust_counts(tags, tags, delta)
    _mirror_on_links(pk)
    return change


def _adjust_counts(changed, together, delta):
    """Add delta to the counts of the changed tags, and of their pairs with the others."""
    Tag.objects.filter(pk__in=changed).add_to_published_count(delta)
    pairs = {
        (a, b) for a in together for b in together if a != b and (a in changed or b in changed)
    }
    TagPair.objects.adjust(pairs, delta)


def _mirror_on_links(briefing_pk):
    """Copy the briefing's live flag and date onto its tag links (see TaggedBriefing)."""
    briefing = Briefing.objects.filter(pk=OuterRef("content_object"))
    TaggedBriefing.objects.filter(content_object=briefing_pk).update(
        is_live=Subquery(briefing.values("is_live")),
        published_at=Subquery(briefing.values("published_at")),
    )


def _tags_changed(briefing_pk, tag_pks, delta):
    if not tag_pks or not Briefing.objects.filter(pk=briefing_pk, is_live=True).exists():
        return
    _adjust_counts(set(tag_pks), _tag_ids(briefing_pk) | set(tag_pks), delta)
    changed = {page_versions.tag_page(slug) for slug in _slugs(Tag.objects.filter(pk__in=tag_pks))}
    slug = Briefing.objects.filter(pk=briefing_pk).values_list("slug", flat=True).first()
    depends = _lists_showing(briefing_pk, counts_changed=True) | changed
    _after_commit(depends | {page_versions.briefing_page(slug)}, briefing_pk)


def _lists_showing(briefing_pk, counts_changed):
    """The lists a live briefing appears on: the latest list and its tags' pages."""
    depends = {page_versions.LATEST_LIST}
    depends |= {page_versions.tag_page(slug) for slug in _slugs(_tags_of(briefing_pk))}
    if counts_changed:
        # Going live or leaving changes the counts, and whose corrections are listed.
        depends |= {page_versions.TAG_COUNTS, page_versions.CORRECTIONS}
    return depends


def _tags_of(briefing_pk):
    return Tag.objects.filter(tagged_briefings__content_object=briefing_pk)


def _tag_ids(briefing_pk):
    return set(_tags_of(briefing_pk).values_list("pk", flat=True))


def _slugs(tags):
    return tags.values_list("slug", flat=True)
