"""What a security review sent, kept as tests: each gets a clear answer, never a 500."""

import pytest

from briefings.pagination import MAX_CURSOR

PROBES = {
    # FTS5 syntax, and a query far longer than any reader's.
    "/search/?q=NEAR(talks%20border)%20OR%20*%20-india%20%22%20(": 200,
    "/search/?q=" + "talks%20" * 700: 200,
    # NUL and bidirectional controls in queries, topics and paths.
    "/search/?q=talks%00border": 200,
    "/search/?q=%E2%80%AEtalks%E2%80%AC": 200,
    "/search/?q=talks&tag=sco%00": 404,
    "/tags/sco%00/": 404,
    "/tags/%E2%80%AEsco/": 404,
    "/briefings/talks%00/": 404,
    # Cursors at and past the largest id either engine stores.
    f"/?before={MAX_CURSOR}": 404,
    f"/?before={MAX_CURSOR + 1}": 404,
    "/?before=-1": 404,
    f"/tags/sco/?after={2**64}": 404,
    # One topic more than a filter takes.
    "/tags/" + "+".join(f"t{n}" for n in range(7)) + "/": 404,
    "/tags/" + "+".join(f"t{n}" for n in range(7)) + "/feed/rss/": 404,
}


@pytest.mark.parametrize("url, status", PROBES.items(), ids=range(len(PROBES)))
def test_hostile_probes_get_clear_answers(client, make_briefing, url, status):
    make_briefing(title="Border talks", tags=["SCO"])
    assert client.get(url).status_code == status, url
