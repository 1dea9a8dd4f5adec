import pytest
from django.db import IntegrityError, transaction
from django.urls import reverse

from briefings.models import Tag


def test_tag_names_match_whatever_their_case(make_briefing):
    make_briefing(tags=["SCO"])
    make_briefing(tags=["sco"])
    assert list(Tag.objects.values_list("name", flat=True)) == ["SCO"]


def test_two_new_spellings_in_one_save_make_one_tag(make_briefing):
    briefing = make_briefing(tags=["Border Talks", "border talks", "BORDER TALKS"])
    assert Tag.objects.count() == 1
    assert briefing.tags.count() == 1


def test_database_refuses_two_tags_differing_only_in_case(db):
    Tag.objects.create(name="SCO")
    with pytest.raises(IntegrityError), transaction.atomic():
        Tag.objects.create(name="sco", slug="sco-2")


@pytest.mark.parametrize(
    "name, slug",
    [("75th anniversary", "75th-anniversary"), ("भारत", "भारत"), ("中印关系", "中印关系")],
)
def test_tag_slugs_keep_their_script_and_route(client, make_briefing, name, slug):
    make_briefing(tags=[name])
    tag = Tag.objects.get()
    assert tag.slug == slug
    response = client.get(tag.get_absolute_url())
    assert response.status_code == 200
    assert name in response.content.decode()


def test_tags_whose_slugs_collide_get_distinct_slugs(make_briefing):
    make_briefing(tags=["India / China", "India, China", "india-china"])
    slugs = set(Tag.objects.values_list("slug", flat=True))
    assert len(slugs) == 3
    assert "india-china" in slugs


def test_a_name_without_letters_still_gets_a_working_slug(client, make_briefing):
    make_briefing(tags=["!!!", "???"])
    for tag in Tag.objects.all():
        assert tag.slug.startswith("tag")
        assert client.get(tag.get_absolute_url()).status_code == 200


def test_long_tag_names_get_slugs_within_the_column(make_briefing):
    make_briefing(tags=["x" * 100, "X" * 99 + "!"])
    assert all(len(slug) <= 100 for slug in Tag.objects.values_list("slug", flat=True))


def test_multi_tag_url_reverses_with_plus(db):
    assert reverse("briefings:tag", kwargs={"slugs": ["border-talks", "sco"]}) == (
        "/tags/border-talks+sco/"
    )
