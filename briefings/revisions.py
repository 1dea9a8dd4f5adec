"""Revisions of briefings: who saved what and when, compared and restored.

django-reversion keeps a revision of every admin save (BriefingAdmin opens one per
request, bulk actions included). A revision keeps what an editor writes (REVISED_FIELDS),
tags by name: a tag merged or deleted since has no id to go back to. Derived fields are
not kept; restoring is an ordinary save, so counts, cards and cached pages follow as
for any edit. reversion's own revert is not used: it writes stored rows back raw, past
the signals that keep those in step.
"""

from typing import NamedTuple

import reversion
from django.core.exceptions import ValidationError
from django.utils.formats import date_format
from django.utils.timezone import localtime
from reversion.models import Version
from taggit.utils import parse_tags

from . import images, text, upkeep
from .diff import text_diff
from .models import MAX_TAGS_PER_BRIEFING, Briefing, FormerTagSlug, Status, Tag

REVISED_FIELDS = [
    "title", "slug", "standfirst", "body", "tag_names",
    "lead_image", "lead_image_alt", "lead_image_caption", "lead_image_credit",
    "status", "published_at", "author", "review_note",
]  # fmt: skip
RESTORED_FIELDS = [
    "title", "standfirst", "body",
    "lead_image", "lead_image_alt", "lead_image_caption", "lead_image_credit",
]  # fmt: skip
COMPARED = {
    "title": "Title",
    "slug": "Address",
    "standfirst": "Standfirst",
    "body": "Body",
    "tag_names": "Tags",
    "lead_image": "Image",
    "lead_image_alt": "Alt text",
    "lead_image_caption": "Caption",
    "lead_image_credit": "Credit",
    "status": "Status",
    "published_at": "Publication date",
}

reversion.register(Briefing, fields=REVISED_FIELDS)


class Difference(NamedTuple):
    label: str
    html: str  # the words taken out in <del>, those put in in <ins>


def record(briefing):
    """Put the briefing, as it is now with its tags (as upkeep.py keeps their names),
    into the revision being made."""
    briefing.tag_names = upkeep.tag_names_of(briefing.pk)
    if reversion.is_active():
        reversion.add_to_revision(briefing)


def history(briefing):
    """The briefing's versions, newest first, with who saved them."""
    return (
        Version.objects.get_for_object(briefing)
        .select_related("revision__user")
        .order_by("-revision__date_created", "-pk")
    )


def current_fields(briefing):
    return {name: getattr(briefing, Briefing._meta.get_field(name).attname)
            for name in REVISED_FIELDS}  # fmt: skip


def stored_fields(version):
    return {
        name: version.field_dict.get(Briefing._meta.get_field(name).attname)
        for name in REVISED_FIELDS
    }


def differences(before, after):
    """What differs between two sets of revised fields, as a reader sees it."""
    found = []
    for name, label in COMPARED.items():
        old, new = shown(name, before.get(name)), shown(name, after.get(name))
        if old != new:
            found.append(Difference(label, text_diff(old, new)))
    return found


def shown(name, value):
    if value in (None, ""):
        return ""
    if name == "published_at":
        return date_format(localtime(value), "DATETIME_FORMAT")  # the newsroom's zone
    if name == "status":
        return Status(value).label
    return str(value)


def restore(briefing, version):
    """Bring back the version's text, tags and image, as an ordinary save.

    Status, date, address and author stay as they are now: restoring old words must not
    publish, withdraw or move a briefing. ValidationError if the result is not valid
    (another briefing took a name, say); the caller's revision records the restore.
    """
    fields = stored_fields(version)
    image_now = briefing.lead_image.name
    for name in RESTORED_FIELDS:
        setattr(briefing, name, fields[name] or "")
    if briefing.lead_image and briefing.lead_image.name != image_now:
        if not briefing.lead_image.storage.exists(briefing.lead_image.name):
            raise ValidationError("The image of that revision is no longer stored.")
        with briefing.lead_image.open("rb"):
            briefing.renditions = images.make_renditions(briefing.lead_image)
    names = current_names(parse_tags(fields["tag_names"] or ""))
    if len(names) > MAX_TAGS_PER_BRIEFING:
        raise ValidationError(upkeep.too_many_tags_message())
    briefing.full_clean(exclude=["tags", "lead_image"])
    briefing.save()
    briefing.tags.set(names)
    record(briefing)


def current_names(names):
    """Tag names as they are now: a tag merged since is the tag it was merged into; one
    deleted since comes back by its name."""
    existing = {tag.name_key for tag in Tag.objects.with_names(names)}
    gone = {text.unicode_slug(name): name for name in names if text.name_key(name) not in existing}
    merged = dict(FormerTagSlug.objects.filter(slug__in=gone).values_list("slug", "tag__name"))
    return list(dict.fromkeys(merged.get(text.unicode_slug(name), name) for name in names))
