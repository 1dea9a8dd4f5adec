"""Briefings and topics as the API gives them: what readers see, as JSON-ready dicts,
a fixed number of queries a page."""

from django.urls import reverse

from .. import images, text
from ..models import Correction, OtherName, TaggedBriefing, tag_filter_url
from ..views.lookups import public_address, with_byline

BRIEFING_FIELDS = (
    "slug", "title", "standfirst", "body_html", "published_at", "revised_at", "renditions",
    "lead_image_alt", "lead_image_caption", "lead_image_credit", "author",
)  # fmt: skip


def briefing_items(briefings):
    """These briefings (a queryset of public ones) as API items, by id: the briefings,
    their topics and their corrections, three queries."""
    rows = list(with_byline(briefings, BRIEFING_FIELDS))
    ids = [briefing.pk for briefing in rows]
    topics, corrections = _topics_of(ids), _corrections_of(ids)
    address = public_address()
    return {
        briefing.pk: {
            "id": briefing.pk,
            "url": address + briefing.get_absolute_url(),
            "title": briefing.title,
            "standfirst": briefing.standfirst,
            "body_html": briefing.body_html,
            "topics": topics.get(briefing.pk, []),
            "published_at": briefing.published_at,
            "revised_at": briefing.revised_at,
            "corrections": corrections.get(briefing.pk, []),
            "author": _author(briefing, address),
            "image": _image(briefing, address),
        }
        for briefing in rows
    }


def _topics_of(ids):
    found = {}
    links = TaggedBriefing.objects.filter(content_object__in=ids)
    for pk, slug, name, kind in links.values_list(
        "content_object", "tag__slug", "tag__name", "tag__kind"
    ):
        found.setdefault(pk, []).append({"slug": slug, "name": name, "kind": kind})
    for topics in found.values():
        topics.sort(key=lambda topic: text.sort_key(topic["name"]))
    return found


def _corrections_of(ids):
    found = {}
    made = Correction.objects.filter(briefing__in=ids).order_by("made_at", "pk")
    for pk, made_at, note in made.values_list("briefing", "made_at", "text"):
        found.setdefault(pk, []).append({"date": made_at, "text": note})
    return found


def _author(briefing, address):
    writer = briefing.author
    if writer is None or not writer.get_full_name():
        return None  # the desk's: authors without a name have no page
    url = address + reverse("briefings:author", kwargs={"author_id": writer.pk})
    return {"id": writer.pk, "name": writer.get_full_name(), "url": url}


def _image(briefing, address):
    if not briefing.renditions:
        return None
    renditions = [
        {"kind": kind, "url": images.absolute(images.file_url(size["name"]), address),
         "width": size["width"], "height": size["height"]}
        for kind in images.RENDITIONS for size in briefing.renditions.get(kind, [])
    ]  # fmt: skip
    return {
        "alt": briefing.lead_image_alt,
        "caption": briefing.lead_image_caption,
        "credit": briefing.lead_image_credit,
        "renditions": renditions,
    }


def topic_items(tags):
    """These topics (Tag objects) as API items, with their other names: one query."""
    names = {}
    found = OtherName.objects.filter(tag__in=[tag.pk for tag in tags]).order_by("name_key")
    for tag_id, name, lang in found.values_list("tag", "name", "lang"):
        names.setdefault(tag_id, []).append({"name": name, "lang": lang})
    address = public_address()
    return [
        {"slug": tag.slug, "name": tag.name, "kind": tag.kind,
         "url": address + tag_filter_url((tag.slug,)),
         "other_names": names.get(tag.pk, []), "count": tag.published_count}
        for tag in tags
    ]  # fmt: skip
