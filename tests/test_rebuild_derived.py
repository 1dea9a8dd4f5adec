"""`manage.py rebuild_derived`: every derived value corrupted is caught by --check and
repaired by a run, which says what it repaired."""

import io

import pytest
from django.core.files.storage import default_storage
from django.core.management import CommandError, call_command

from briefings import images
from briefings.models import (
    Briefing,
    FormerAddress,
    FormerTagSlug,
    IndexSection,
    PendingUpkeep,
    SearchEntry,
    Tag,
    TaggedBriefing,
    TagPair,
)
from tests.helpers import image_upload

CORRUPTIONS = {
    "fields": lambda b: Briefing.objects.filter(pk=b.pk).update(body_html="<p>stale</p>"),
    "topics": lambda b: Tag.objects.filter(name="SCO").update(sort_key="zzz"),
    "public": lambda b: Briefing.objects.filter(pk=b.pk).update(counts_as_public=False),
    "links": lambda b: TaggedBriefing.objects.filter(content_object=b).update(published_at=None),
    "counts": lambda b: Tag.objects.filter(name="SCO").update(published_count=7),
    "sections": lambda b: IndexSection.objects.filter(initial="s").update(topics_in_use=0),
    "pairs": lambda b: TagPair.objects.update(count=5),
    "tag_names": lambda b: Briefing.objects.filter(pk=b.pk).update(tag_names="Nothing"),
    "cards": lambda b: Briefing.objects.filter(pk=b.pk).update(card_html="<p>stale</p>"),
    "search": lambda b: SearchEntry.objects.filter(pk=b.pk).update(title="stale"),
    "addresses": lambda b: FormerAddress.objects.create(slug=b.slug, briefing=b),
    "pending": lambda b: PendingUpkeep.objects.create(briefing_id=b.pk),
}


def run(*arguments):
    out = io.StringIO()
    call_command("rebuild_derived", *arguments, stdout=out)
    return out.getvalue()


@pytest.fixture
def archive(make_briefing):
    make_briefing(tags=["India"])
    return make_briefing(tags=["SCO", "India"], title="Border talks resume")


@pytest.mark.parametrize("scope", CORRUPTIONS)
def test_check_catches_each_corrupted_value_and_a_run_repairs_it(archive, scope):
    run("--check")  # all right to begin with
    CORRUPTIONS[scope](archive)
    with pytest.raises(CommandError, match=scope):
        run("--check")
    assert f"{scope}: repaired" in run()
    run("--check")


def test_only_checks_the_scopes_named(archive):
    Briefing.objects.filter(pk=archive.pk).update(card_html="<p>stale</p>")
    run("--check", "--only", "counts,pairs")
    with pytest.raises(CommandError):
        run("--check", "--only", "cards")


def test_an_unknown_scope_is_refused(db):
    with pytest.raises(CommandError, match="Unknown scope"):
        run("--only", "everything")


def test_a_former_topic_address_in_use_again_is_forgotten(archive):
    FormerTagSlug.objects.create(slug="sco", tag=Tag.objects.get(name="India"))
    assert "addresses: repaired 1" in run()
    assert not FormerTagSlug.objects.exists()


def test_missing_renditions_are_made_again_from_the_original(make_briefing):
    briefing = make_briefing(lead_image=image_upload(), lead_image_alt="Delegates")
    lost = images.rendition_files(briefing.renditions)[0]
    default_storage.delete(lost)
    with pytest.raises(CommandError, match="renditions"):
        run("--check", "--only", "renditions")
    assert "renditions: repaired 1" in run("--only", "renditions")
    remade = Briefing.objects.get(pk=briefing.pk)
    assert all(default_storage.exists(name) for name in images.rendition_files(remade.renditions))
    assert images.picture(remade.renditions, "thumb")["src"] in remade.card_html
    run("--check")
