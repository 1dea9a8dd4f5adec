"""Author pages: each author's public briefings, linked from the byline."""

from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone

from briefings.models import Status


@pytest.fixture
def meera(member):
    return member("Writer", "meera")


def test_the_byline_links_to_the_authors_briefings(client, make_briefing, meera):
    briefing = make_briefing(title="Talks resume", author=meera)
    make_briefing(title="Older talks", author=meera,
                  published_at=timezone.now() - timedelta(days=5))  # fmt: skip
    make_briefing(title="Secret draft", author=meera, status=Status.DRAFT)
    make_briefing(title="Someone else's", author=None)
    html = client.get(briefing.get_absolute_url()).content.decode()
    assert f'By <a href="/authors/{meera.pk}/">Meera Smith</a>' in html
    page = client.get(f"/authors/{meera.pk}/").content.decode()
    assert "<h1>Meera Smith</h1>" in page
    assert page.index("Talks resume") < page.index("Older talks")
    assert "Secret draft" not in page and "Someone else" not in page


def test_author_pages_are_paged_and_bad_addresses_are_not_found(client, make_briefing, meera):
    for _ in range(13):
        make_briefing(author=meera)
    assert "?page=2" in client.get(f"/authors/{meera.pk}/").content.decode()
    assert client.get(f"/authors/{meera.pk}/", {"page": "2"}).status_code == 200
    for page in ["3", "x", "0"]:
        assert client.get(f"/authors/{meera.pk}/", {"page": page}).status_code == 404, page
    assert client.get("/authors/999999/").status_code == 404
    nameless = get_user_model().objects.create(username="login-only")
    assert client.get(f"/authors/{nameless.pk}/").status_code == 404, "never the login name"


def test_only_authors_with_public_briefings_have_a_page(client, make_briefing, meera, admin_user):
    admin_user.first_name, admin_user.last_name = "Ada", "Admin"
    admin_user.save()
    make_briefing(title="Unfinished", author=meera, status=Status.DRAFT)
    assert client.get(f"/authors/{admin_user.pk}/").status_code == 404, "wrote nothing"
    assert client.get(f"/authors/{meera.pk}/").status_code == 404, "only a draft"
    make_briefing(title="Out now", author=meera)
    assert client.get(f"/authors/{meera.pk}/").status_code == 200


def test_numbers_in_addresses_have_one_spelling(client, make_briefing, meera):
    briefing = make_briefing(title="Out now", author=meera)
    year, month = briefing.published_at.year, briefing.published_at.month
    assert client.get(f"/authors/{meera.pk}/").status_code == 200
    assert client.get(f"/archive/{year}/{month}/").status_code == 200
    for url in [f"/authors/0{meera.pk}/", f"/archive/0{year}/", f"/archive/{year}/0{month}/",
                f"/archive/{year}/00{month}/", "/authors/0/"]:  # fmt: skip
        assert client.get(url).status_code == 404, url
