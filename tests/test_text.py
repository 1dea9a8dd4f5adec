import re
import time
from types import SimpleNamespace

import pytest

from briefings import text
from briefings.text import MAX_BODY_LENGTH, reading_minutes, render_markdown, unicode_slug


def test_markdown_renders_headings_lists_links_quotes_and_emphasis():
    html = render_markdown(
        "# Talks\n\nSome *emphasis* and **strong** text with a [link](https://example.org).\n\n"
        "- one\n- two\n\n1. first\n2. second\n\n> quoted line\n"
    )
    assert '<h2 id="body-talks">Talks</h2>' in html
    assert "<em>emphasis</em>" in html and "<strong>strong</strong>" in html
    assert '<a href="https://example.org" rel="noopener noreferrer">link</a>' in html
    assert "<ul>\n<li>one</li>" in html and "<ol>\n<li>first</li>" in html
    assert "<blockquote>\n<p>quoted line</p>\n</blockquote>" in html


@pytest.mark.parametrize(
    "source, forbidden",
    [
        ("<script>alert(1)</script>", "<script"),
        ('<img src="x" onerror="alert(1)">', "onerror"),
        ("[click](javascript:alert(1))", 'href="javascript:'),
        ('<a href="javascript:alert(1)">x</a>', 'href="javascript:'),
        ('<p onclick="alert(1)">x</p>', "onclick"),
        ("<iframe src='https://evil.example'></iframe>", "<iframe"),
        ("<style>body{display:none}</style>", "<style"),
    ],
)
def test_markdown_output_is_sanitised(source, forbidden):
    assert forbidden not in render_markdown(source)


def test_reading_minutes_counts_words_at_200_a_minute():
    assert reading_minutes("<p>" + "word " * 200 + "</p>") == 1
    assert reading_minutes("<p>" + "word " * 201 + "</p>") == 2
    assert reading_minutes("") == 1


@pytest.mark.parametrize(
    "name, slug",
    [
        ("Border talks", "border-talks"),
        ("75th anniversary", "75th-anniversary"),
        ("SCO", "sco"),
        ("भारत", "भारत"),
        ("中印关系", "中印关系"),
        ("  India / China  ", "india-china"),
        ("<script>", "script"),
    ],
)
def test_unicode_slug_keeps_every_script(name, slug):
    assert unicode_slug(name) == slug


@pytest.mark.parametrize(
    ("typed", "names"),
    [
        ("Tianjin summit, border talks", ["Tianjin summit", "border talks"]),
        ("border talks", ["border talks"]),
        ('"Talks, round two", SCO', ["Talks, round two", "SCO"]),
        ("SCO,, sco ,\n India ,", ["SCO", "sco", "India"]),
        ('"unbalanced, quote', ["unbalanced, quote"]),
        ("", []),
    ],
)
def test_tags_are_separated_by_commas_only(typed, names):
    assert text.parse_tag_names(typed) == names


def test_tag_names_read_back_as_they_were():
    names = ["border talks", 'The "Spirit", of Shanghai', "SCO"]
    tags = [SimpleNamespace(name=name) for name in names]
    assert sorted(text.parse_tag_names(text.tag_names_text(tags))) == sorted(names)


@pytest.mark.parametrize(
    "source", ["[" * 20_000, "[^1]" * 5_000, "*a" * 10_000, "> " * 5_000 + "x", "`" * 20_000]
)
def test_markdown_built_to_be_slow_does_not_hang_a_worker(source):
    # A guard against a hang, not a speed target: python-markdown spent about 46 s of
    # CPU on the first of these; the parser in use takes a small fraction of a second.
    started = time.process_time()
    render_markdown(source)
    assert time.process_time() - started < 10


# Inputs that once took a worker's whole timeout: heading anchors were quadratic in the
# number of equal headings, typographic quotes in the number of quotes in a paragraph.
PATHOLOGICAL = {
    "equal headings": "## a\n",
    "quotes and dashes": "\"'--- ",
    "list items": "- a\n",
    "emphasis": "*a* ",
    "brackets": "[",
    "footnote references": "[^1]",
}


@pytest.mark.parametrize("unit", PATHOLOGICAL.values(), ids=PATHOLOGICAL.keys())
def test_markdown_takes_time_linear_in_its_length(unit):
    """Eight times the text takes about eight times as long (64 if it were quadratic);
    the margins are wide, for a noisy machine, and the largest body takes well under a
    second."""
    small, large = (unit * (size // len(unit)) for size in (MAX_BODY_LENGTH // 8, MAX_BODY_LENGTH))
    small_seconds, large_seconds = (
        cpu_seconds(render_markdown, small),
        cpu_seconds(render_markdown, large),
    )
    assert large_seconds < 24 * small_seconds + 0.05, (small_seconds, large_seconds)
    assert large_seconds < 1


def cpu_seconds(work, argument):
    started = time.process_time()
    work(argument)
    return time.process_time() - started


def test_equal_headings_get_distinct_anchors():
    html = render_markdown("## Talks\n\n## Talks\n\n## Talks-1\n\n## Talks")
    assert re.findall(r'id="([^"]+)"', html) == [
        "body-talks", "body-talks-1", "body-talks-1-1", "body-talks-2",
    ]  # fmt: skip


def test_footnotes_and_anchors_link_within_the_text_and_never_take_the_pages_ids():
    html = render_markdown(
        "# Content\n\nAs agreed.[^1] See [the talks](#content).\n\n[^1]: In Tianjin."
    )
    ids = re.findall(r'id="([^"]+)"', html)
    assert ids and all(anchor.startswith("body-") for anchor in ids), ids
    links = re.findall(r'href="#([^"]+)"', html)
    assert links and set(links) <= set(ids), (links, ids)
