from django.core.management import call_command

from briefings.demo_content import BRIEFINGS
from briefings.models import Briefing, Tag

FACTS_TAGS = {"SCO", "75th anniversary", "border talks"}


def test_demo_briefings_load_once_with_tags_and_images(db, client):
    call_command("load_demo")
    call_command("load_demo")
    briefings = Briefing.objects.published()
    assert briefings.count() == len(BRIEFINGS) >= 6
    assert FACTS_TAGS <= set(Tag.objects.values_list("name", flat=True))
    assert {tag.slug for tag in Tag.objects.filter(name__in=FACTS_TAGS)} == {
        "sco",
        "75th-anniversary",
        "border-talks",
    }
    shared = Tag.objects.get(name="border talks")
    assert shared.tagged_briefings.count() >= 2, "filtering needs tags that several share"
    for briefing in briefings:
        assert briefing.renditions["thumb"] and briefing.renditions["page"]
        assert briefing.lead_image_alt and briefing.byline == "Foreign Desk"
    assert client.get("/tags/border-talks+lac/").status_code == 200


def test_demo_loader_leaves_edited_briefings_alone(db):
    call_command("load_demo")
    Briefing.objects.filter(slug=BRIEFINGS[0]["slug"]).update(title="Edited by an editor")
    call_command("load_demo")
    assert Briefing.objects.get(slug=BRIEFINGS[0]["slug"]).title == "Edited by an editor"


def test_generate_briefings_makes_tagged_published_briefings(db):
    call_command("generate_briefings", count=30, tags=8, images=2, words=300)
    assert Briefing.objects.published().count() == 30
    per_briefing = [b.tags.count() for b in Briefing.objects.all()]
    assert min(per_briefing) >= 3 and max(per_briefing) <= 5
    assert Tag.objects.count() == 8
    sample = Briefing.objects.first()
    assert 250 <= len(sample.body.split()) <= 350
    assert sample.renditions["thumb"] and sample.body_html.startswith("<p>")
