import re

import pytest
from django.db import IntegrityError, transaction
from django.urls import reverse

from briefings.models import Status, Tag
from tests.helpers import errors, topic_form


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


# Tag care


def test_a_tags_description_is_shown_sanitised_on_its_page(client, make_briefing):
    make_briefing(tags=["SCO"])
    tag = Tag.objects.get(name="SCO")
    tag.description = "The *Shanghai Cooperation Organisation*. <script>alert(1)</script>"
    tag.save()
    html = client.get("/tags/sco/").content.decode()
    assert "<em>Shanghai Cooperation Organisation</em>" in html and "<script>" not in html


def test_a_renamed_tags_old_address_leads_to_it(client, make_briefing):
    make_briefing(tags=["SCO", "India"])
    tag = Tag.objects.get(name="SCO")
    tag.name, tag.slug = "Shanghai Cooperation Organisation", "shanghai-cooperation-organisation"
    tag.save()
    response = client.get("/tags/sco/?before=5")
    assert response.status_code == 301
    assert response["Location"] == "/tags/shanghai-cooperation-organisation/?before=5"
    assert client.get("/tags/india+sco/")["Location"] == (
        "/tags/india+shanghai-cooperation-organisation/"
    )
    assert client.get("/tags/no-such-tag/").status_code == 404


def test_merging_keeps_the_union_and_redirects_the_merged_addresses(admin_client, make_briefing):
    first = make_briefing(tags=["SCO"])
    second = make_briefing(tags=["Shanghai Cooperation Organisation", "India"])
    make_briefing(tags=["SCO", "Shanghai Cooperation Organisation"])
    tags = list(Tag.objects.filter(name__in=["SCO", "Shanghai Cooperation Organisation"]))
    admin_client.post(
        reverse("admin:briefings_tag_changelist"),
        {"action": "merge_tags", "_selected_action": [tag.pk for tag in tags], "post": "yes"},
    )
    assert [tag.name for tag in first.tags.all()] == ["SCO"]
    assert sorted(tag.name for tag in second.tags.all()) == ["India", "SCO"]
    assert Tag.objects.get(name="SCO").published_count == 3
    response = admin_client.get("/tags/shanghai-cooperation-organisation/")
    assert (response.status_code, response["Location"]) == (301, "/tags/sco/")


def test_unused_tags_are_listed_to_be_removed(admin_client, make_briefing):
    make_briefing(tags=["SCO"])
    make_briefing(tags=["Draft topic"], status=Status.DRAFT)
    Tag.objects.create(name="Orphan")
    tag_list = reverse("admin:briefings_tag_changelist")
    html = admin_client.get(tag_list, {"use": "unused"}).content.decode()
    listed = re.findall(r'<th class="field-name"><a [^>]+>([^<]+)</a>', html)
    assert listed == ["Orphan"]
    orphan = Tag.objects.get(name="Orphan")
    admin_client.post(tag_list, {"action": "delete_selected", "_selected_action": [orphan.pk],
                                 "post": "yes"})  # fmt: skip
    assert not Tag.objects.filter(name="Orphan").exists()


def test_merging_asks_first_and_keeps_the_name_the_editor_picks(admin_client, make_briefing):
    make_briefing(tags=["SCO"])
    make_briefing(tags=["SCO"])
    make_briefing(tags=["Shanghai Cooperation Organisation", "India"])
    tags = Tag.objects.filter(name__in=["SCO", "Shanghai Cooperation Organisation"])
    chosen = [tag.pk for tag in tags]
    tag_list = reverse("admin:briefings_tag_changelist")
    asked = admin_client.post(tag_list, {"action": "merge_tags", "_selected_action": chosen})
    page = asked.content.decode()
    assert asked.status_code == 200 and Tag.objects.count() == 3, "nothing merged yet"
    assert "Which topic stays?" in page and "2 published briefings" in page
    fuller = Tag.objects.get(name="Shanghai Cooperation Organisation")
    admin_client.post(tag_list, {"action": "merge_tags", "_selected_action": chosen,
                                 "post": "yes", "keep": fuller.pk})  # fmt: skip
    assert sorted(Tag.objects.values_list("name", flat=True)) == [
        "India", "Shanghai Cooperation Organisation"
    ]  # fmt: skip
    assert Tag.objects.get(pk=fuller.pk).published_count == 3


def test_a_rename_may_move_the_address_and_the_old_one_leads_there_in_one_hop(
    admin_client, client, make_briefing
):
    make_briefing(tags=["Water security", "India"])
    tag = Tag.objects.get(name="Water security")
    url = reverse("admin:briefings_tag_change", args=[tag.pk])
    kept = admin_client.post(url, topic_form({"name": "Water sharing", "slug": tag.slug}))
    assert kept.status_code == 302 and Tag.objects.get(pk=tag.pk).slug == "water-security"
    moved = admin_client.post(
        url,
        topic_form({"name": "Rivers and water", "slug": "water-security", "move_address": "on"}),
    )
    assert moved.status_code == 302, errors(moved)
    assert Tag.objects.get(pk=tag.pk).slug == "rivers-and-water"
    assert client.get("/tags/water-security/")["Location"] == "/tags/rivers-and-water/"
    # Out of order and moved at once: one redirect, to the canonical address.
    response = client.get("/tags/water-security+india/")
    assert (response.status_code, response["Location"]) == (301, "/tags/india+rivers-and-water/")


def test_a_rename_cannot_move_onto_another_topics_address(admin_client, make_briefing):
    make_briefing(tags=["Water security", "Rivers"])
    tag = Tag.objects.get(name="Water security")
    url = reverse("admin:briefings_tag_change", args=[tag.pk])
    refused = admin_client.post(
        url, topic_form({"name": "Rivers!", "slug": tag.slug, "move_address": "on"})
    )
    assert "already has the address" in " ".join(errors(refused))
