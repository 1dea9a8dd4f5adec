"""Search: one interface, two engines.

The text of each public briefing (title, topics' names and other names, standfirst,
body as plain text) is
copied into a SearchEntry after every commit that changes what the public sees
(briefings/upkeep.py decides when; write_entries writes). On SQLite an FTS5
table mirrors the entries through triggers; on PostgreSQL each entry carries a weighted
tsvector under a GIN index (migration 0014 makes both). Both stem English words, so
"talks" finds "talk".

A reader's query is words, never syntax: it is cut into runs of letters, marks and
digits, the first MAX_WORDS of them kept, and a briefing matches when it has every word.
Quotes, `*`, `-`, NEAR, OR, AND and brackets are only text to either engine.

Results are ranked by relevance, a match in the title or tags counting more than one in
the standfirst, and that more than one in the body, then the most recently written
first. A word in every briefing would make an engine rank the whole archive, so each
ranks only the MAX_CANDIDATES most recently written matches (highest ids: both engines
read matches in that order cheaply) and returns at most MAX_RESULTS. Within topics, the
candidates are those of the newest MAX_SCANNED matches that carry them, so a search in a
topic costs about what the same search without it does.
"""

import functools
import operator
import unicodedata

from django.contrib.postgres.search import SearchHeadline, SearchQuery, SearchRank, SearchVector
from django.db import connection, transaction
from django.db.models import F
from django.utils.html import escape
from markupsafe import Markup

from . import text

MAX_WORDS = 8
MAX_WORD_LENGTH = 60
MAX_CANDIDATES = 1000
# Within topics: the candidates are those of the newest MAX_SCANNED matches that carry them.
MAX_SCANNED = 3 * MAX_CANDIDATES
MAX_RESULTS = 500
SNIPPET_WORDS = 30
POSTGRES_CONFIG = "english"
# Relevance weights: title, tags, standfirst, body.
WEIGHTS = {"title": 10.0, "tags": 8.0, "standfirst": 3.0, "body": 1.0}
POSTGRES_LABELS = {"title": "A", "tags": "A", "standfirst": "B", "body": "D"}
POSTGRES_RANK_WEIGHTS = [0.1, 0.2, 0.3, 1.0]  # D, C, B, A
# Highlight marks that no briefing text holds: highlighting happens before escaping.
MARK_START, MARK_END = "\ue000", "\ue001"
FTS_TABLE = "briefings_search_fts"
ENTRY_TABLE = "briefings_searchentry"
TAG_LINK_TABLE = "briefings_taggedbriefing"


def query_words(query, limit=MAX_WORDS):
    """The distinct words of a reader's query, folded, in order: at most `limit` of them."""
    words, current = [], []
    for character in text.fold(query) + " ":
        if unicodedata.category(character)[0] in "LMN":
            current.append(character)
        elif current:
            words.append("".join(current)[:MAX_WORD_LENGTH])
            current = []
    return list(dict.fromkeys(words))[:limit]


def ranked_ids(words, tag_ids=()):
    """Ids of public briefings that have all these words and carry all these tags, best first."""
    if not words:
        return []
    if connection.vendor == "postgresql":
        return _postgres_ranked(words, tag_ids)
    return _sqlite_ranked(words, tag_ids)


def finds_any(words, tag_ids=()):
    """Whether ranked_ids would find anything: cheaper, as nothing is ranked."""
    if not words:
        return False
    if connection.vendor == "postgresql":
        return _postgres_matches(words, tag_ids).exists()
    return _sqlite_finds_any(words, tag_ids)


def snippets(words, briefing_ids):
    """For each of these briefings whose body has the words, a passage around them with
    the words marked (<mark>), as safe HTML."""
    if not words or not briefing_ids:
        return {}
    if connection.vendor == "postgresql":
        found = _postgres_snippets(words, briefing_ids)
    else:
        found = _sqlite_snippets(words, briefing_ids)
    return {pk: _marked(passage) for pk, passage in found if MARK_START in passage}


def _marked(passage):
    html = escape(passage).replace(MARK_START, "<mark>").replace(MARK_END, "</mark>")
    return Markup(html)


# SQLite: FTS5, ranked by bm25 with a weight per column.


def _fts_query(words):
    """Each word as an FTS5 string: the engine reads its content as text alone."""
    return " ".join('"' + word.replace('"', '""') + '"' for word in words)


def _sqlite_ranked(words, tag_ids):
    weights = ", ".join(str(weight) for weight in WEIGHTS.values())
    # FTS5 reads its matches in rowid (briefing id) order and honours a rowid range, so
    # the candidates cost a walk of at most MAX_SCANNED matches, and bm25 is worked out
    # for them alone. CROSS JOIN keeps FTS5 the outer loop, each match checked for the
    # tags by the (briefing, tag) index: left to choose, SQLite walks a tag's links and
    # asks FTS5 for each briefing in turn, which re-runs the whole match every time.
    carries = _carrying(f"{FTS_TABLE}.rowid", tag_ids)
    sql = f"""
        SELECT {FTS_TABLE}.rowid FROM {FTS_TABLE} {carries}
        WHERE {FTS_TABLE} MATCH %s AND {FTS_TABLE}.rowid >= (
            SELECT min(rowid) FROM (
                SELECT {FTS_TABLE}.rowid FROM {FTS_TABLE} {carries}
                WHERE {FTS_TABLE} MATCH %s AND {FTS_TABLE}.rowid >= (
                    SELECT min(rowid) FROM (
                        SELECT rowid FROM {FTS_TABLE} WHERE {FTS_TABLE} MATCH %s
                        ORDER BY rowid DESC LIMIT {MAX_SCANNED}
                    )
                )
                ORDER BY {FTS_TABLE}.rowid DESC LIMIT {MAX_CANDIDATES}
            )
        )
        ORDER BY bm25({FTS_TABLE}, {weights}), {FTS_TABLE}.rowid DESC
        LIMIT {MAX_RESULTS}
    """
    match = _fts_query(words)
    with connection.cursor() as cursor:
        cursor.execute(sql, [*tag_ids, match, *tag_ids, match, match])
        return [pk for (pk,) in cursor.fetchall()]


def _carrying(rowid, tag_ids):
    """Joins that keep the rows whose briefing (`rowid`) carries every one of the tags."""
    return "".join(
        f" CROSS JOIN {TAG_LINK_TABLE} AS carries{number}"
        f" ON carries{number}.content_object_id = {rowid}"
        f" AND carries{number}.tag_id = %s AND carries{number}.counts_as_public"
        for number in range(len(tag_ids))
    )


def _sqlite_finds_any(words, tag_ids):
    # Among the matches ranked_ids would look at: the newest MAX_SCANNED.
    sql = f"""
        SELECT 1 FROM (
            SELECT rowid FROM {FTS_TABLE} WHERE {FTS_TABLE} MATCH %s
            ORDER BY rowid DESC LIMIT {MAX_SCANNED}
        ) AS scanned {_carrying("scanned.rowid", tag_ids)}
        LIMIT 1
    """
    with connection.cursor() as cursor:
        cursor.execute(sql, [_fts_query(words), *tag_ids])
        return cursor.fetchone() is not None


def _sqlite_snippets(words, briefing_ids):
    column = list(WEIGHTS).index("body")
    placeholders = ", ".join(["%s"] * len(briefing_ids))
    sql = f"""
        SELECT rowid, snippet({FTS_TABLE}, {column}, %s, %s, '…', {SNIPPET_WORDS})
        FROM {FTS_TABLE} WHERE {FTS_TABLE} MATCH %s AND rowid IN ({placeholders})
    """
    with connection.cursor() as cursor:
        cursor.execute(sql, [MARK_START, MARK_END, _fts_query(words), *briefing_ids])
        return cursor.fetchall()


# PostgreSQL: a stored tsvector, ranked by ts_rank with a weight per label.


def _postgres_query(words):
    return SearchQuery(" ".join(words), search_type="plain", config=POSTGRES_CONFIG)


def _postgres_matches(words, tag_ids):
    from .models import SearchEntry, TaggedBriefing

    matches = SearchEntry.objects.filter(vector=_postgres_query(words))
    for tag_id in tag_ids:
        carriers = TaggedBriefing.objects.filter(tag=tag_id, counts_as_public=True)
        matches = matches.filter(briefing__in=carriers.values("content_object"))
    return matches


def _postgres_ranked(words, tag_ids):
    from .models import SearchEntry

    query = _postgres_query(words)
    newest = _postgres_matches(words, tag_ids).order_by("-pk").values("pk")[:MAX_CANDIDATES]
    ranked = SearchEntry.objects.filter(pk__in=newest).annotate(
        score=SearchRank(F("vector"), query, weights=POSTGRES_RANK_WEIGHTS)
    )
    with transaction.atomic(), connection.cursor() as cursor:
        # The planner takes testing a stored vector for cheap, but each test reads it
        # from TOAST, so walking the id index and testing row after row is the slow
        # plan; the GIN index's bitmap is bounded even for a word in every briefing,
        # so it is the plan for every query.
        cursor.execute("SET LOCAL enable_indexscan = off; SET LOCAL enable_seqscan = off")
        found = list(ranked.order_by("-score", "-pk").values_list("pk", flat=True)[:MAX_RESULTS])
        # Within an outer transaction SET LOCAL would outlast this block.
        cursor.execute("SET LOCAL enable_indexscan = DEFAULT; SET LOCAL enable_seqscan = DEFAULT")
    return found


def _postgres_snippets(words, briefing_ids):
    from .models import SearchEntry

    headline = SearchHeadline(
        "body",
        _postgres_query(words),
        config=POSTGRES_CONFIG,
        start_sel=MARK_START,
        stop_sel=MARK_END,
        max_words=SNIPPET_WORDS,
        min_words=SNIPPET_WORDS // 2,
        max_fragments=2,
        fragment_delimiter=" … ",
    )
    entries = SearchEntry.objects.filter(pk__in=briefing_ids).annotate(passage=headline)
    return entries.values_list("pk", "passage")


# Writing the entries (briefings/upkeep.py decides when).


ENTRY_FIELDS = ("title", "tags", "standfirst", "body")


def write_entries(briefing_ids):
    """Write the entries of those of these briefings that are public, and remove the
    others'. Insert-or-update, so writing one twice, or at once from two workers, leaves
    one entry."""
    from .models import SearchEntry

    texts = entry_texts(briefing_ids)
    SearchEntry.objects.filter(briefing__in=briefing_ids).exclude(briefing__in=texts).delete()
    SearchEntry.objects.bulk_create(
        [SearchEntry(briefing_id=pk, **dict(zip(ENTRY_FIELDS, fields, strict=True)))
         for pk, fields in texts.items()],
        update_conflicts=True,
        unique_fields=["briefing"],
        update_fields=ENTRY_FIELDS,
    )  # fmt: skip
    if connection.vendor == "postgresql" and texts:
        SearchEntry.objects.filter(pk__in=list(texts)).update(vector=vector())


def entry_texts(briefing_ids):
    """What the entries of these briefings should hold: ENTRY_FIELDS by briefing id, for
    the public ones only."""
    from .models import Briefing, OtherName, TaggedBriefing

    public = Briefing.objects.filter(pk__in=briefing_ids, counts_as_public=True)
    rows = list(public.values_list("pk", "title", "standfirst", "body_html"))
    names = {}
    links = list(
        TaggedBriefing.objects.filter(content_object__in=[row[0] for row in rows])
        .values_list("content_object", "tag", "tag__name")
    )  # fmt: skip
    other_names = {}  # a topic's other names find its briefings too
    for tag_id, name in OtherName.objects.filter(
        tag__in={tag_id for _, tag_id, _ in links}
    ).values_list("tag", "name"):
        other_names.setdefault(tag_id, []).append(name)
    for briefing_id, tag_id, name in links:
        names.setdefault(briefing_id, []).extend([name, *other_names.get(tag_id, [])])
    return {
        pk: (
            _searchable(title),
            _searchable(", ".join(sorted(names.get(pk, [])))),
            _searchable(standfirst),
            _searchable(text.plain_text(body_html)),
        )
        for pk, title, standfirst, body_html in rows
    }


def stored_entry_texts(briefing_ids):
    """What the entries of these briefings hold: (briefing id, ENTRY_FIELDS) rows."""
    from .models import SearchEntry

    stored = SearchEntry.objects.filter(pk__in=briefing_ids).values_list("pk", *ENTRY_FIELDS)
    return [(pk, tuple(fields)) for pk, *fields in stored]


def vector():
    """The weighted words PostgreSQL stores for an entry."""
    return functools.reduce(
        operator.add,
        (
            SearchVector(field, weight=label, config=POSTGRES_CONFIG)
            for field, label in POSTGRES_LABELS.items()
        ),
    )


def _searchable(value):
    return value.replace(MARK_START, "").replace(MARK_END, "")
