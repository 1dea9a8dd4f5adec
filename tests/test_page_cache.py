from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.urls import reverse

from briefings.models import Briefing, Status, Tag
from briefings.page_cache import GENERATION_KEY

PUBLIC_URLS = ["/", "/tags/", "/tags/sco/"]


def test_repeat_views_are_served_from_the_cache(client, make_briefing, django_assert_num_queries):
    briefing = make_briefing(tags=["SCO"])
    for url in [*PUBLIC_URLS, briefing.get_absolute_url()]:
        first = client.get(url)
        with django_assert_num_queries(0):
            again = client.get(url)
        assert again.content == first.content


def test_pages_are_cached_only_when_enabled(
    client, settings, make_briefing, django_assert_num_queries
):
    settings.PAGE_CACHE_SECONDS = 0
    make_briefing()
    client.get("/")
    with django_assert_num_queries(4):
        client.get("/")


def test_an_edit_shows_at_once(client, make_briefing):
    briefing = make_briefing(title="Before", tags=["SCO"])
    for url in PUBLIC_URLS:
        client.get(url)
    briefing.title = "After"
    briefing.save()
    assert "After" in client.get("/").content.decode()
    assert "After" in client.get("/tags/sco/").content.decode()


def test_tag_changes_show_at_once(client, make_briefing):
    briefing = make_briefing(tags=["SCO"])
    client.get("/tags/")
    briefing.tags.add("India")
    assert "India" in client.get("/tags/").content.decode()
    tag = Tag.objects.get(name="India")
    tag.name = "Republic of India"
    tag.save()
    assert "Republic of India" in client.get("/tags/").content.decode()


def test_bulk_publish_and_unpublish_show_at_once(admin_client, client, make_briefing):
    draft = make_briefing(title="Waiting", status=Status.DRAFT, published_at=None)
    assert "Waiting" not in client.get("/").content.decode()
    changelist = reverse("admin:briefings_briefing_changelist")
    admin_client.post(changelist, {"action": "publish", "_selected_action": [draft.pk]})
    assert "Waiting" in client.get("/").content.decode()
    admin_client.post(changelist, {"action": "unpublish", "_selected_action": [draft.pk]})
    assert "Waiting" not in client.get("/").content.decode()


def test_deleting_a_briefing_removes_it_at_once(client, make_briefing):
    briefing = make_briefing(title="Withdrawn")
    assert client.get(briefing.get_absolute_url()).status_code == 200
    briefing.delete()
    assert client.get(briefing.get_absolute_url()).status_code == 404


def test_browsers_revalidate_and_get_304(client, make_briefing):
    make_briefing()
    response = client.get("/")
    assert response["Cache-Control"] == "max-age=0, must-revalidate"
    assert not response.has_header("Expires")
    again = client.get("/", headers={"if-none-match": response["ETag"]})
    assert again.status_code == 304


def test_staff_previews_are_never_cached_for_the_public(client, make_briefing):
    draft = make_briefing(title="Secret draft", status=Status.DRAFT)
    staff = get_user_model().objects.create(username="editor", is_staff=True)
    client.force_login(staff)
    assert client.get(draft.get_absolute_url()).status_code == 200
    client.logout()
    assert client.get(draft.get_absolute_url()).status_code == 404
    assert Briefing.objects.published().count() == 0


def test_a_save_in_another_worker_replaces_this_workers_pages(
    client, make_briefing, django_assert_num_queries
):
    # Another worker's save changes only the shared generation (Redis in production);
    # this worker's page memory is keyed by it, so its copies are no longer used.
    make_briefing()
    client.get("/")
    cache.set(GENERATION_KEY, "set-by-another-worker", timeout=None)
    with django_assert_num_queries(4):
        client.get("/")


def test_an_unreachable_shared_cache_degrades_to_uncached_pages(
    client, settings, make_briefing, django_assert_num_queries
):
    settings.CACHES = {
        **settings.CACHES,
        "default": {  # nothing listens on port 1
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": "redis://127.0.0.1:1/0",
        },
    }
    briefing = make_briefing(title="Saved while Redis is down")
    for _ in range(2):
        with django_assert_num_queries(4):
            assert "Saved while Redis is down" in client.get("/").content.decode()
    assert client.get(briefing.get_absolute_url()).status_code == 200
