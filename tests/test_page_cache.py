"""The page cache: what it stores, for whom, and exactly which pages a change retires."""

import re
import time
from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.core.cache import caches
from django.core.signals import request_started
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone

import site_config.wsgi
from briefings import roles
from briefings.caching.page_cache import release_schedule, serve_cached_pages
from briefings.caching.surrogate_keys import LATEST_LIST, shared_versions, version_key
from briefings.forms import version_of
from briefings.models import Status, Tag
from tests.helpers import is_cached

PUBLIC_URLS = ["/", "/tags/", "/tags/sco/"]


@pytest.fixture
def renewals(monkeypatch):
    """The sets of things each renewal of page versions named, in order."""
    calls = []
    purge = shared_versions.purge

    def record(things):
        calls.append(set(things))
        purge(things)

    monkeypatch.setattr(shared_versions, "purge", record)
    return calls


def stored_pages():
    return len(caches["pages"]._cache)


def edit_form(briefing, **changes):
    moment = briefing.published_at
    fields = {
        "title": briefing.title, "slug": briefing.slug, "standfirst": briefing.standfirst,
        "body": briefing.body, "tags": ", ".join(tag.name for tag in briefing.tags.all()),
        "lead_image_alt": "", "lead_image_caption": "", "lead_image_credit": "",
        "status": briefing.status, "author": "",
        "published_at_0": moment.strftime("%Y-%m-%d") if moment else "",
        "published_at_1": moment.strftime("%H:%M:%S") if moment else "",
        "opened_version": version_of(briefing.updated_at),
        "corrections-TOTAL_FORMS": "0", "corrections-INITIAL_FORMS": "0",
    }  # fmt: skip
    return {**fields, **changes}


def test_repeat_views_are_served_from_the_cache(client, make_briefing, clock):
    briefing = make_briefing(tags=["SCO"])
    for url in [*PUBLIC_URLS, briefing.get_absolute_url()]:
        first = client.get(url)
        again = client.get(url)
        assert again.content == first.content
        assert again["Cache-Control"].startswith("public, max-age=0, s-maxage=")


def test_cached_pages_cost_no_query(client, make_briefing, clock, django_assert_num_queries):
    briefing = make_briefing(tags=["SCO"])
    for url in [*PUBLIC_URLS, briefing.get_absolute_url()]:
        client.get(url)
        assert is_cached(client, url, django_assert_num_queries), url


def test_pages_are_cached_only_when_enabled(
    client, settings, make_briefing, clock, django_assert_num_queries
):
    settings.PAGE_CACHE_SECONDS = 0
    make_briefing()
    client.get("/")
    assert not is_cached(client, "/", django_assert_num_queries)


def test_browsers_revalidate_and_get_304(client, make_briefing):
    make_briefing()
    response = client.get("/")
    assert not response.has_header("Expires")
    again = client.get("/", headers={"if-none-match": response["ETag"]})
    assert again.status_code == 304


def test_an_edit_shows_at_once_in_this_worker(client, make_briefing, committed):
    briefing = make_briefing(title="Before", tags=["SCO"])
    for url in [*PUBLIC_URLS, briefing.get_absolute_url()]:
        client.get(url)
    with committed():
        briefing.title = "After"
        briefing.save()
    for url in ["/", "/tags/sco/", briefing.get_absolute_url()]:
        assert "After" in client.get(url).content.decode(), url


def test_a_change_retires_pages_once_and_only_after_commit(
    admin_client, make_briefing, renewals, django_capture_on_commit_callbacks
):
    briefing = make_briefing(title="Before", tags=["SCO"])
    renewals.clear()
    change_url = reverse("admin:briefings_briefing_change", args=[briefing.pk])
    with django_capture_on_commit_callbacks() as after_commit:
        response = admin_client.post(
            change_url, edit_form(briefing, title="After", tags="SCO, India")
        )
        assert response.status_code == 302
        assert renewals == [], "nothing is retired before the transaction commits"
    for callback in after_commit:
        callback()
    assert renewals == [
        {
            f"briefing:{briefing.slug}",
            LATEST_LIST,
            "tag:sco",
            "tag:india",
            "tag-counts",
            "corrections",
        }
    ]


def test_saving_drafts_and_scheduled_briefings_retires_nothing(
    admin_client, make_briefing, renewals, committed
):
    draft = make_briefing(status=Status.DRAFT, published_at=None, tags=["SCO"])
    later = timezone.now() + timedelta(days=2)
    scheduled = make_briefing(published_at=later, tags=["SCO"])
    with committed():
        for briefing in (draft, scheduled):
            change_url = reverse("admin:briefings_briefing_change", args=[briefing.pk])
            form = edit_form(briefing, title="Still not public", tags="SCO, India")
            assert admin_client.post(change_url, form).status_code == 302
        admin_client.post(reverse("admin:briefings_briefing_add"), edit_form(draft, slug="new"))
    assert renewals == []


def test_unaffected_pages_stay_cached(
    client, make_briefing, committed, clock, django_assert_num_queries
):
    edited = make_briefing(title="Edited", tags=["SCO"])
    other = make_briefing(title="Other", tags=["India"])
    urls = ["/", "/tags/sco/", "/tags/india/", "/tags/", edited.get_absolute_url(),
            other.get_absolute_url()]  # fmt: skip
    for url in urls:
        client.get(url)
    with committed():
        edited.title = "Edited again"
        edited.save()
    for url in ["/tags/india/", "/tags/", other.get_absolute_url()]:
        assert is_cached(client, url, django_assert_num_queries), url
    for url in ["/", "/tags/sco/", edited.get_absolute_url()]:
        assert "Edited again" in client.get(url).content.decode(), url


def test_a_renamed_tag_retires_every_page(client, make_briefing, committed, clock):
    briefing = make_briefing(tags=["SCO", "India"])
    for url in ["/", "/tags/india/", briefing.get_absolute_url()]:
        client.get(url)
    with committed():
        tag = Tag.objects.get(name="SCO")
        tag.name = "Shanghai Cooperation Organisation"
        tag.save()
    for url in ["/", "/tags/india/", briefing.get_absolute_url()]:
        assert "Shanghai Cooperation Organisation" in client.get(url).content.decode(), url


def test_public_pages_are_cached_for_everyone_whatever_their_cookies(
    client, make_briefing, member, clock, django_assert_num_queries
):
    make_briefing(title="Public", tags=["SCO"])
    draft = make_briefing(title="Secret draft", status=Status.DRAFT)
    client.get("/")
    client.force_login(member(roles.EDITOR))
    assert is_cached(client, "/", django_assert_num_queries), "an editor reads the same page"
    assert client.get(draft.get_absolute_url()).status_code == 404, "previews are in the admin"
    client.get("/tags/sco/")
    client.logout()
    assert is_cached(client, "/tags/sco/", django_assert_num_queries), "and fills it"
    client.cookies["sessionid"] = "forged" * 6
    assert is_cached(client, "/", django_assert_num_queries), "a forged cookie costs no miss"


def test_junk_parameters_and_host_spellings_share_one_entry(
    client, settings, make_briefing, clock, django_assert_num_queries
):
    settings.ALLOWED_HOSTS = ["testserver", "localhost", "127.0.0.1"]
    briefings = [make_briefing() for _ in range(14)]
    client.get("/")
    client.get(f"/?before={briefings[11].pk}")
    entries = stored_pages()
    cursor = briefings[11].pk
    for url in ["/?utm_source=newsletter", "/?utm_medium=x&ref=y", "/?page=7", "/?x=" + "y" * 500,
                f"/?before=0{cursor}", f"/?before={cursor}&utm_source=z"]:  # fmt: skip
        assert is_cached(client, url, django_assert_num_queries), url
    for host in ["localhost", "LOCALHOST", "127.0.0.1", "127.0.0.1:8000", "testserver."]:
        assert is_cached(client, "/", django_assert_num_queries, host=host), host
    assert stored_pages() == entries


def test_hostile_requests_get_clean_answers_and_never_grow_the_cache(client, make_briefing):
    for n in range(8):
        make_briefing(tags=[f"Topic {n}"])
    unrelated = "+".join(f"topic-{n}" for n in range(6))
    answers = {
        f"/tags/{unrelated}/": 404,
        "/tags/" + "+".join(f"topic-{n}" for n in range(7)) + "/": 404,
        "/?" + "&".join(f"p{n}=1" for n in range(3000)): 400,
        "/tags/TOPIC-1/": 301,
        "/tags/topic-1/?before=" + "9" * 3000: 404,
        "/tags/?section=zz": 404,
        "/tags/?section=t&after=no-such-topic": 404,
    }
    responses = {url: client.get(url) for url in answers}
    for host in ["evil.example", "a" * 5000]:
        answers[host] = 400
        responses[host] = client.get("/", headers={"host": host})
    for url, response in responses.items():
        assert response.status_code == answers[url], url
        for header in SECURITY_HEADERS:  # error answers too
            assert header in response, (url, header)
    assert stored_pages() == 0, "no answer above is kept"


SECURITY_HEADERS = ["Content-Security-Policy", "X-Frame-Options", "X-Content-Type-Options"]


def test_what_a_worker_remembers_of_versions_stays_bounded(client, make_briefing, monkeypatch):
    monkeypatch.setattr("briefings.caching.surrogate_keys.REMEMBERED_AT_MOST", 5)
    make_briefing(tags=["SCO"])
    for n in range(20):
        assert client.get(f"/tags/no-such-tag-{n}/").status_code == 404
    assert len(shared_versions.known) <= 5
    assert client.get("/tags/sco/").status_code == 200


def test_an_empty_combination_is_a_helpful_404_that_is_not_cached(
    client, make_briefing, clock, django_assert_num_queries
):
    make_briefing(tags=["SCO", "India"])
    make_briefing(tags=["India", "China"])
    make_briefing(tags=["SCO", "China"])
    response = client.get("/tags/china+india+sco/")
    assert response.status_code == 404
    html = response.content.decode()
    for url in ["/tags/china/", "/tags/india/", "/tags/sco/", "/tags/india+sco/",
                "/tags/china+sco/", "/tags/china+india/"]:  # fmt: skip
        assert f'href="{url}"' in html, url
    assert not is_cached(client, "/tags/china+india+sco/", django_assert_num_queries)


def test_another_workers_change_shows_here_within_a_second(
    client, make_briefing, clock, django_assert_num_queries
):
    make_briefing()
    client.get("/")
    caches["default"].set(version_key(LATEST_LIST), "renewed-by-another-worker")
    assert is_cached(client, "/", django_assert_num_queries), "remembered for up to a second"
    clock.shift(1.01)
    assert not is_cached(client, "/", django_assert_num_queries)


def test_a_shared_store_that_lost_everything_never_brings_back_a_page_from_before_an_edit(
    client, make_briefing, clock, committed
):
    briefing = make_briefing(title="Old title")
    caches["default"].clear()  # a Redis restarted empty
    clock.shift(1.01)
    assert "Old title" in client.get("/").content.decode()  # stored under what it reads now
    briefing.title = "New title"
    with committed():
        briefing.save()
    caches["default"].clear()  # lost again, purge and all
    clock.shift(1.01)
    html = client.get("/").content.decode()
    assert "New title" in html and "Old title" not in html


def test_a_scheduled_briefing_appears_on_cached_pages_when_its_time_comes(
    client, make_briefing, clock, committed
):
    make_briefing(title="Out already", tags=["SCO"])
    soon = timezone.now() + timedelta(seconds=10)
    make_briefing(title="Embargoed", tags=["SCO"], published_at=soon)
    for url in ["/", "/tags/sco/", "/tags/"]:
        assert "Embargoed" not in client.get(url).content.decode()
    assert re.search(r">SCO <span class=\"count\">\(1<", client.get("/tags/").content.decode())
    clock.shift(10)
    with committed():
        client.get("/tags/")  # the first request after the time brings the briefing in
    for url in ["/", "/tags/sco/"]:
        assert "Embargoed" in client.get(url).content.decode(), url
    assert re.search(r">SCO <span class=\"count\">\(2<", client.get("/tags/").content.decode())


def test_redirects_and_security_headers_follow_the_scheme_on_cached_pages(
    client, settings, make_briefing
):
    settings.SECURE_SSL_REDIRECT = True
    settings.SECURE_HSTS_SECONDS = 3600
    make_briefing()
    assert "Strict-Transport-Security" in client.get("/", secure=True)
    assert "Strict-Transport-Security" in client.get("/", secure=True), "the cached copy"
    assert client.get("/").status_code == 301, "plain HTTP is redirected, not served"


# serve_cached_pages: cached pages answered before Django's handler.


class DjangoHandler:
    """Stands for Django behind the front: records what reached it."""

    def __init__(self):
        self.paths = []

    def __call__(self, environ, start_response):
        self.paths.append(environ["PATH_INFO"])
        start_response("200 OK", [])
        return [b"from Django"]


def call_wsgi(application, path="/", **headers):
    """(status, headers, body) of a GET through a WSGI application."""
    environ = RequestFactory().get(path, headers=headers).environ
    answer = {}

    def start_response(status, response_headers):
        answer.update(status=status, headers=dict(response_headers))

    body = b"".join(application(environ, start_response))
    return answer["status"], answer["headers"], body


@pytest.fixture
def front():
    django = DjangoHandler()
    return serve_cached_pages(django), django


def test_the_front_answers_a_cached_page_as_django_would(client, make_briefing, clock, front):
    front, django = front
    make_briefing(title="Summit opens", tags=["SCO"])
    for url in ["/", "/tags/sco/"]:
        from_django = client.get(url)
        status, headers, body = call_wsgi(front, url)
        assert (status, body) == ("200 OK", from_django.content), url
        assert headers == dict(from_django.headers), url
        assert {"X-Frame-Options", "Referrer-Policy", "ETag", "Cache-Control"} <= set(headers)
    etag = client.get("/")["ETag"]
    assert call_wsgi(front, "/", if_none_match=etag)[0] == "304 Not Modified"
    assert django.paths == []


def test_the_front_leaves_to_django_what_needs_more_than_memory(
    client, make_briefing, clock, front, django_assert_num_queries
):
    front, django = front
    make_briefing()
    client.get("/")
    call_wsgi(front, "/")
    assert django.paths == []
    staff = get_user_model().objects.create(username="editor", is_staff=True)
    client.force_login(staff)
    call_wsgi(front, "/", cookie=f"sessionid={client.cookies['sessionid'].value}")
    assert django.paths == [], "the same page for the newsroom"
    call_wsgi(front, "/", host="evil.example")
    call_wsgi(front, "/?" + "&".join(f"p{n}=1" for n in range(3000)))
    call_wsgi(front, "/tags/")  # not cached yet
    assert len(django.paths) == 3
    clock.shift(1.01)  # the page's versions are due for a look in the shared store
    release_schedule.next_check = time.time() + 1  # (but not a release)
    with django_assert_num_queries(0):
        call_wsgi(front, "/")
    assert len(django.paths) == 4
    client.logout()
    client.get("/")
    release_schedule.next_check = 0.0  # scheduled briefings are due for a release
    call_wsgi(front, "/")
    assert len(django.paths) == 5


def test_the_site_serves_cached_pages_through_the_front(client, make_briefing, clock):
    make_briefing()
    client.get("/")
    started = []

    def note(sender, **kwargs):
        started.append(sender)

    request_started.connect(note, weak=False)
    try:
        status, _, body = call_wsgi(site_config.wsgi.application, "/")
    finally:
        request_started.disconnect(note)
    assert (status, body) == ("200 OK", client.get("/").content)
    assert started == [], "Django's handler never saw the request"
