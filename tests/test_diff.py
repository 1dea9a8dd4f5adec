"""Comparing revisions: paragraphs, then words inside changed ones, in bounded time."""

import re
import time

import pytest

from briefings.diff import opcodes, text_diff


def test_words_changed_inside_a_paragraph_are_marked_and_the_rest_kept():
    old = "Talks resumed in Beijing.\n\nThey met twice.\n\nMore later."
    new = "Talks resumed in Delhi.\n\nThey met twice.\n\nA new paragraph.\n\nMore later."
    html = text_diff(old, new)
    assert "Talks resumed in <del>Beijing.</del><ins>Delhi.</ins>" in html
    assert "They met twice." in html and "<ins>A new paragraph." in html
    assert re.sub(r"<del>.*?</del>|</?ins>", "", html, flags=re.S) == new


def test_text_is_escaped():
    assert text_diff("<b>", "<i>") == "<del>&lt;b&gt;</del><ins>&lt;i&gt;</ins>"


def test_opcodes_rebuild_the_new_list_from_the_old():
    old, new = list("abcdefghij" * 3), list("abXdefYhij" * 2 + "zz")
    rebuilt = []
    for operation, a, b, c, d in opcodes(old, new):
        rebuilt.extend(old[a:b] if operation == "equal" else new[c:d])
    assert rebuilt == new


def body(paragraphs, changed_every):
    return "\n\n".join(
        f"Paragraph {n} on the border talks."
        if n % changed_every
        else f"Paragraph {n}, rewritten with new words."
        for n in range(paragraphs)
    )


SHAPES = {
    # Each changed paragraph between two unchanged ones: difflib took a minute on this.
    "every other paragraph changed": lambda n: (body(n, 1_000_000), body(n, 2)),
    "one long paragraph with many words changed": lambda n: (
        " ".join(f"w{i}" for i in range(n * 6)),
        " ".join(f"w{i}" if i % 3 else "x" for i in range(n * 6)),
    ),
    "the same word over and over": lambda n: ("talks " * n * 6, "talks border " * n * 3),
}


@pytest.mark.parametrize("shape", SHAPES.values(), ids=SHAPES.keys())
def test_comparing_takes_time_about_linear_in_the_texts(shape):
    """Eight times the text takes about eight times as long (64 if it were quadratic); the
    margins are wide, for a noisy machine. Every changed paragraph is shown in full."""
    seconds = []
    for paragraphs in (500, 4000):  # the larger about the largest allowed body
        old, new = shape(paragraphs)
        started = time.process_time()
        html = text_diff(old, new)
        seconds.append(time.process_time() - started)
        assert re.sub(r"<del>.*?</del>|</?ins>", "", html, flags=re.S) == new
    assert seconds[1] < 24 * seconds[0] + 0.05, seconds
    assert seconds[1] < 2, seconds
