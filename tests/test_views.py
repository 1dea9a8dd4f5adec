import re
from datetime import timedelta
from unittest import mock

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse
from django.utils import timezone

from briefings import roles
from briefings.models import Status, Tag
from briefings.tag_filters import MAX_FILTER_TAGS
from tests.helpers import image_upload


def titles(response):
    """The briefings a list shows, in order: the home page's lead story, then the cards."""
    return re.findall(
        r'class="(?:lead|card)-title"(?: id="lead-title")?><a href="[^"]+">([^<]+)</a>',
        response.content.decode(),
    )


# Home


def test_home_lists_published_briefings_newest_first(client, make_briefing):
    now = timezone.now()
    make_briefing(title="Older", published_at=now - timedelta(days=2))
    make_briefing(title="Newer", published_at=now - timedelta(days=1))
    assert titles(client.get("/")) == ["Newer", "Older"]


def test_home_card_has_date_standfirst_thumbnail_and_tag_links(client, make_briefing):
    make_briefing(
        title="Card",
        standfirst="The short summary.",
        tags=["SCO"],
        lead_image=image_upload(size=(1600, 1000)),
        lead_image_alt="A card picture",
    )
    make_briefing(title="Newer", published_at=timezone.now())  # the lead story; Card is a card
    html = client.get("/").content.decode()
    assert "The short summary." in html
    assert re.search(r'<time datetime="\d{4}-\d\d-\d\dT[^"]+">', html)
    assert '<a href="/tags/sco/">SCO</a>' in html
    img = re.search(r'<img class="card-image"[^>]+>', html).group(0)
    assert 'alt="A card picture"' in img and 'width="360" height="240"' in img
    assert "-thumb-360.webp" in img and "720w" in img
    assert "originals/" not in html, "lists never show the original upload"


def test_home_pages_by_cursor_twelve_a_page(client, make_briefing):
    briefings = [make_briefing() for _ in range(25)]  # made newest last
    first = client.get("/")
    assert len(titles(first)) == 12 and titles(first)[0] == briefings[0].title
    oldest_shown = briefings[11]
    assert f'rel="next" href="?before={oldest_shown.pk}"' in first.content.decode()
    assert 'rel="prev"' not in first.content.decode()
    second = client.get(f"/?before={oldest_shown.pk}")
    assert titles(second) == [b.title for b in briefings[12:24]]
    third = client.get(f"/?before={briefings[23].pk}")
    assert titles(third) == [briefings[24].title]
    assert 'rel="next"' not in third.content.decode()
    assert f'rel="prev" href="?after={briefings[24].pk}"' in third.content.decode()
    back = client.get(f"/?after={briefings[24].pk}")
    assert titles(back) == titles(second)
    assert titles(client.get(f"/?after={briefings[12].pk}")) == titles(first), "reaches the top"


@pytest.mark.parametrize("query", ["page=abc", "page=2", "utm_source=x", "before=", "after="])
def test_other_parameters_give_the_first_page(client, make_briefing, query):
    make_briefing(title="Only one")
    response = client.get("/?" + query)
    assert response.status_code == 200
    assert titles(response) == ["Only one"]


@pytest.mark.parametrize(
    "cursor",
    ["abc", "0", "-1", "1.5", "999999", "9" * 5000, "%F0%9F%98%80", "１２"],
)
def test_a_cursor_that_names_no_public_briefing_is_404(client, make_briefing, cursor):
    make_briefing(title="Only one")
    draft = make_briefing(status=Status.DRAFT)
    for direction in ("before", "after"):
        assert client.get(f"/?{direction}={cursor}").status_code == 404
        assert client.get(f"/?{direction}={draft.pk}").status_code == 404


def test_over_long_query_string_is_not_an_error(client, make_briefing):
    make_briefing()
    assert client.get("/?" + "x=1&" * 2000).status_code == 400  # Django's field limit
    assert client.get("/?q=" + "a" * 100_000).status_code == 200


# Briefing page


def test_briefing_page_shows_everything_a_reader_needs(client, make_briefing, django_user_model):
    author = django_user_model.objects.create(username="jdoe", first_name="Jane", last_name="Doe")
    briefing = make_briefing(
        title="Talks in Beijing",
        standfirst="Two days of talks.",
        body="## Context\n\n" + "word " * 390,
        author=author,
        tags=["border talks", "SCO"],
        lead_image=image_upload(size=(1600, 1000)),
        lead_image_alt="Delegations at a table",
        lead_image_caption="The delegations met on Monday.",
        lead_image_credit="Photo desk",
    )
    html = client.get(briefing.get_absolute_url()).content.decode()
    assert "<h1>Talks in Beijing</h1>" in html
    assert '<p class="standfirst">Two days of talks.</p>' in html
    assert '<meta name="description" content="Two days of talks.">' in html
    assert ">Jane Doe</a>" in html and "jdoe" not in html
    assert "2 min read" in html
    assert '<h2 id="body-context">Context</h2>' in html
    assert 'alt="Delegations at a table"' in html and 'width="800" height="500"' in html
    assert "1600w" in html
    assert "The delegations met on Monday." in html and "Photo desk" in html
    assert '<a href="/tags/border-talks/">border talks</a>' in html
    assert "Updated" not in html


def test_briefing_page_shows_an_update_only_when_one_was_marked(client, settings, make_briefing):
    settings.PAGE_CACHE_SECONDS = 0
    briefing = make_briefing()
    type(briefing).objects.filter(pk=briefing.pk).update(updated_at=timezone.now())
    assert "Updated <time" not in client.get(briefing.get_absolute_url()).content.decode()
    type(briefing).objects.filter(pk=briefing.pk).update(revised_at=timezone.now())
    assert "Updated <time" in client.get(briefing.get_absolute_url()).content.decode()


def test_page_views_never_render_markdown(client, make_briefing):
    briefing = make_briefing(body="## Saved once", tags=["SCO"])
    render = "briefings.text.cmarkgfm.markdown_to_html_with_extensions"
    with mock.patch(render, side_effect=AssertionError("rendered on view")):
        for url in ["/", briefing.get_absolute_url(), "/tags/sco/"]:
            assert client.get(url).status_code == 200
    assert '<h2 id="body-saved-once">' in client.get(briefing.get_absolute_url()).content.decode()


def test_unknown_briefing_is_404(client, db):
    assert client.get("/briefings/no-such-thing/").status_code == 404
    assert client.get("/briefings/%3Cscript%3E/").status_code == 404


# Tags


def test_tag_page_lists_its_briefings_with_count(client, make_briefing):
    now = timezone.now()
    make_briefing(title="Old SCO", tags=["SCO"], published_at=now - timedelta(days=3))
    make_briefing(title="New SCO", tags=["SCO", "India"], published_at=now - timedelta(days=1))
    make_briefing(title="Other", tags=["India"])
    response = client.get("/tags/sco/")
    html = response.content.decode()
    assert "<h1>SCO</h1>" in html
    assert "2 briefings" in html
    assert titles(response) == ["New SCO", "Old SCO"]


def test_tag_page_pages_by_cursor(client, make_briefing):
    briefings = [make_briefing(tags=["SCO"]) for _ in range(14)]
    make_briefing(tags=["India"])
    assert len(titles(client.get("/tags/sco/"))) == 12
    older = client.get(f"/tags/sco/?before={briefings[11].pk}")
    assert titles(older) == [briefings[12].title, briefings[13].title]
    assert client.get("/tags/sco/?page=zzz").status_code == 200
    assert client.get("/tags/sco/?before=zzz").status_code == 404


@pytest.mark.parametrize("path", ["/", "/tags/sco/", "/tags/india+sco/"])
def test_briefings_published_at_the_same_moment_page_in_order(client, make_briefing, path):
    moment = timezone.now() - timedelta(days=1)
    made = [make_briefing(tags=["SCO", "India"], published_at=moment) for _ in range(15)]
    first = client.get(path)
    older = re.search(r'rel="next" href="(\?before=\d+)"', first.text).group(1)
    shown = titles(first) + titles(client.get(path + older))
    assert shown == [briefing.title for briefing in reversed(made)]  # newest id first


def test_filter_by_several_tags_keeps_briefings_with_all(client, make_briefing):
    make_briefing(title="Both", tags=["SCO", "India", "China"])
    make_briefing(title="SCO only", tags=["SCO"])
    make_briefing(title="India only", tags=["India"])
    response = client.get("/tags/india+sco/")
    assert titles(response) == ["Both"]
    assert "1 briefing with all of these topics" in response.content.decode()


def test_filter_links_add_and_remove_tags_with_counts(client, make_briefing):
    make_briefing(tags=["SCO", "India", "China"])
    make_briefing(tags=["SCO", "India"])
    make_briefing(tags=["SCO", "LAC"])
    html = client.get("/tags/sco/").content.decode()
    add_links = re.findall(r'<a href="(/tags/[^"]+)"><span aria-hidden="true">\+ </span>'
                           r'<span class="visually-hidden">Add </span>([^<]+) '
                           r'<span class="count">\((\d+)', html)  # fmt: skip
    assert add_links == [
        ("/tags/india+sco/", "India", "2"),
        ("/tags/china+sco/", "China", "1"),
        ("/tags/lac+sco/", "LAC", "1"),
    ]
    narrowed = client.get("/tags/india+sco/").content.decode()
    assert '<a href="/tags/sco/"><span class="visually-hidden">Remove </span>India' in narrowed
    assert '<a href="/tags/india/"><span class="visually-hidden">Remove </span>SCO' in narrowed
    assert 'href="/tags/china+india+sco/"' in narrowed
    assert ">LAC" not in narrowed, "tags absent from the narrowed set are not offered"


def test_no_add_links_once_the_filter_is_full(client, make_briefing):
    names = [f"T{n}" for n in range(MAX_FILTER_TAGS + 1)]
    make_briefing(tags=names)
    full = "+".join(sorted(name.lower() for name in names[:MAX_FILTER_TAGS]))
    html = client.get(f"/tags/{full}/").content.decode()
    assert "1 briefing with all of these topics" in html
    assert "Narrow down" not in html
    assert "Narrow down" in client.get("/tags/t0/").content.decode()


def test_removing_the_last_tag_leads_home(client, make_briefing):
    make_briefing(tags=["SCO"])
    html = client.get("/tags/sco/").content.decode()
    assert '<a href="/"><span class="visually-hidden">Remove </span>SCO' in html


def test_filter_url_is_canonical(client, make_briefing):
    briefing = make_briefing(tags=["SCO", "India"])
    response = client.get("/tags/sco+india+sco/")
    assert response.status_code == 301 and response["Location"] == "/tags/india+sco/"
    response = client.get(f"/tags/SCO+India/?before={briefing.pk}")
    assert response["Location"] == f"/tags/india+sco/?before={briefing.pk}", "keeps the cursor"


@pytest.mark.parametrize(
    "path",
    [
        "/tags/unknown/",
        "/tags/sco+unknown/",
        "/tags/%3Cscript%3Ealert(1)%3C%2Fscript%3E/",
        "/tags/sco%00/",
        "/tags/..%2F..%2Fetc/",
        "/tags/" + "+".join(f"t{n}" for n in range(50)) + "/",
        "/tags/" + "x" * 5000 + "/",
        "/tags/++/",
        "/tags/%E0%A4/",
    ],
)
def test_odd_or_unknown_tag_urls_are_404(client, make_briefing, path):
    make_briefing(tags=["SCO"])
    assert client.get(path).status_code == 404


def test_tag_index_lists_tags_with_published_counts(client, make_briefing):
    make_briefing(tags=["SCO", "India"])
    make_briefing(tags=["India"])
    make_briefing(tags=["Secret plans"], status=Status.DRAFT)
    html = client.get("/tags/").content.decode()
    chips = r'<a href="/tags/([^/]+)/">([^<]+) <span class="count">\((\d+)'
    assert re.findall(chips, html) == [("india", "India", "2"), ("sco", "SCO", "1")]
    assert "Secret plans" not in html
    letters = re.findall(r'<a href="\?section=(\w+)"', html)
    assert letters == ["i", "s"], "only the letters that hold topics in use"


# Drafts and scheduled briefings


def test_drafts_and_scheduled_briefings_never_reach_the_public(client, make_briefing):
    make_briefing(title="Visible", slug="visible", tags=["Shared"])
    hidden = [
        make_briefing(title="Draft", slug="draft", status=Status.DRAFT, tags=["Shared", "Hidden"]),
        make_briefing(
            title="Scheduled",
            slug="scheduled",
            published_at=timezone.now() + timedelta(days=1),
            tags=["Shared", "Hidden"],
        ),
    ]
    for briefing in hidden:
        assert client.get(briefing.get_absolute_url()).status_code == 404
    for url in ["/", "/tags/", "/tags/shared/", "/?page=2"]:
        html = client.get(url).content.decode()
        assert "Shared" in html
        assert "Draft" not in html and "Scheduled" not in html and "Hidden" not in html
    assert "1 briefing" in client.get("/tags/shared/").content.decode()
    assert client.get("/tags/hidden/").status_code == 404
    assert client.get("/tags/hidden+shared/").status_code == 404


def test_the_newsroom_previews_a_draft_in_the_admin_uncached_and_unindexed(
    client, make_briefing, member
):
    draft = make_briefing(title="Draft", status=Status.DRAFT)
    preview = reverse("admin:briefings_briefing_preview", args=[draft.pk])
    client.force_login(member(roles.WRITER))
    assert client.get(draft.get_absolute_url()).status_code == 404, "public pages are public"
    response = client.get(preview)
    assert response.status_code == 200
    html = response.content.decode()
    assert "Preview: this briefing is a draft" in html and "<h1>Draft</h1>" in html
    assert '<meta name="robots" content="noindex">' in html
    assert response["X-Robots-Tag"] == "noindex"
    assert "no-cache" in response["Cache-Control"] and "private" in response["Cache-Control"]
    client.force_login(member(roles.EDITOR, "editor"))
    change = client.get(reverse("admin:briefings_briefing_change", args=[draft.pk]))
    assert preview in change.content.decode(), "the change form's View on site"


def test_preview_needs_the_right_to_view_briefings_not_just_staff(client, make_briefing):
    draft = make_briefing(title="Draft", status=Status.DRAFT)
    preview = reverse("admin:briefings_briefing_preview", args=[draft.pk])
    client.force_login(get_user_model().objects.create(username="staff", is_staff=True))
    assert client.get(preview).status_code == 403
    client.logout()
    assert client.get(preview).status_code == 302, "to the admin's login"


# Escaping


def test_html_in_fields_is_escaped_on_public_pages(client, make_briefing):
    evil = "<script>alert(1)</script>"
    briefing = make_briefing(
        title=f"Title {evil}",
        standfirst=f"Standfirst {evil}",
        body=f"Body {evil} <img src=x onerror=alert(2)>",
        tags=[f"Tag {evil}"],
    )
    tag = Tag.objects.get()
    for url in ["/", briefing.get_absolute_url(), tag.get_absolute_url(), "/tags/"]:
        html = client.get(url).content.decode()
        assert "<script>alert" not in html and "onerror" not in html, url
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html, url


def test_tags_are_listed_alphabetically(client, make_briefing):
    briefing = make_briefing(tags=["India", "connectivity", "China", "SCO"])
    for url in ["/", briefing.get_absolute_url()]:
        names = re.findall(
            r'<li><a href="/tags/[^/]+/">([^<]+)</a></li>', client.get(url).content.decode()
        )
        assert names == ["China", "connectivity", "India", "SCO"], url


# Addresses that moved or went


def test_a_published_briefings_old_addresses_lead_to_it(client, make_briefing):
    briefing = make_briefing(slug="talks-begin")
    for new_slug in ["talks-resume", "talks-conclude"]:
        briefing.slug = new_slug
        briefing.save()
    for old in ["talks-begin", "talks-resume"]:
        response = client.get(f"/briefings/{old}/")
        assert response.status_code == 301, old
        assert response["Location"] == "/briefings/talks-conclude/"
    briefing.slug = "talks-begin"  # back to its first address: served, not redirected
    briefing.save()
    assert client.get("/briefings/talks-begin/").status_code == 200
    assert client.get("/briefings/talks-conclude/").status_code == 301


def test_a_drafts_old_address_was_never_public_and_is_not_kept(client, make_briefing):
    draft = make_briefing(slug="first-idea", status=Status.DRAFT)
    draft.slug = "second-idea"
    draft.save()
    draft.status = Status.PUBLISHED
    draft.save()
    assert client.get("/briefings/first-idea/").status_code == 404


def test_a_deleted_briefing_is_gone_and_its_old_addresses_too(client, make_briefing):
    briefing = make_briefing(slug="old-name")
    briefing.slug = "withdrawn"
    briefing.save()
    briefing.delete()
    for slug in ["withdrawn", "old-name"]:
        response = client.get(f"/briefings/{slug}/")
        assert response.status_code == 410, slug
        assert "withdrawn" in response.content.decode()
    assert client.get("/briefings/never-was/").status_code == 404
    make_briefing(slug="withdrawn", title="A new briefing")
    assert "A new briefing" in client.get("/briefings/withdrawn/").content.decode()


def test_an_unpublished_briefings_old_address_is_not_found(client, make_briefing):
    briefing = make_briefing(slug="before")
    briefing.slug = "after"
    briefing.save()
    briefing.status = Status.DRAFT
    briefing.save()
    assert client.get("/briefings/before/").status_code == 404
