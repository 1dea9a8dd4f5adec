"""What the content API answers and takes: the contract clients rely on, and what the
OpenAPI document says of it."""

from datetime import date, datetime

from ninja import Field, Schema
from pydantic import BaseModel

from ..models import MAX_TAGS_PER_BRIEFING, Kind
from ..tag_filters import MAX_FILTER_TAGS

DEFAULT_PAGE_SIZE = 20
MAX_PAGE_SIZE = 50
MAX_QUERY_LENGTH = 500  # as the search page's box
MAX_CURSOR_LENGTH = 300
# Room for MAX_FILTER_TAGS slugs of 100 characters and their commas.
MAX_TOPICS_LENGTH = MAX_FILTER_TAGS * 101


class TopicRef(Schema):
    slug: str
    name: str
    kind: Kind


class Correction(Schema):
    date: datetime = Field(description="When the correction was made.")
    text: str


class Author(Schema):
    id: int
    name: str
    url: str = Field(description="The author's page on the site.")


class Rendition(Schema):
    kind: str = Field(description="thumb (3:2, for lists), page (as uploaded), preview (1.91:1).")
    url: str
    width: int
    height: int


class Image(Schema):
    alt: str
    caption: str
    credit: str
    renditions: list[Rendition]


class BriefingItem(Schema):
    id: int
    url: str = Field(description="The briefing's public page.")
    title: str
    standfirst: str
    body_html: str = Field(description="The text as the page shows it, sanitised HTML.")
    topics: list[TopicRef] = Field(max_length=MAX_TAGS_PER_BRIEFING)
    published_at: datetime
    revised_at: datetime | None = Field(
        description="When readers were last told of a substantive update; null if never."
    )
    corrections: list[Correction] = Field(description="Oldest first.")
    author: Author | None = Field(description="Null for the desk's briefings.")
    image: Image | None


class BriefingPage(Schema):
    results: list[BriefingItem]
    next: str | None = Field(description="The next page's address; null on the last page.")


class OtherName(Schema):
    name: str
    lang: str = Field(description="Its language as a code (ru, zh, hi); empty if not given.")


class TopicItem(Schema):
    slug: str
    name: str
    kind: Kind
    url: str = Field(description="The topic's public page.")
    other_names: list[OtherName]
    count: int = Field(description="How many public briefings carry it.")


class TopicDetail(TopicItem):
    description_html: str = Field(description="The editors' description, as HTML; may be empty.")
    same_as: str = Field(description="A reference address for what it is (Wikidata, say).")


class TopicPage(Schema):
    results: list[TopicItem]
    next: str | None


class Problem(Schema):
    error: str = Field(description="What was wrong, in words.")


# Query parameters are plain pydantic models: the page cache reads a list's canonical
# query from them on every hit, and ninja's Schema adds a validator that costs more
# than the rest of the hit.
class BriefingFilters(BaseModel):
    topics: str | None = Field(
        None, max_length=MAX_TOPICS_LENGTH,
        description=f"Comma-separated topic slugs (another name's slug will do); briefings "
        f"carrying all of them. At most {MAX_FILTER_TAGS}.",
    )  # fmt: skip
    author: int | None = Field(None, gt=0, lt=2**63, description="An author's id.")
    since: date | None = Field(None, description="Published on or after this day (the newsroom's).")
    until: date | None = Field(None, description="Published on or before this day.")
    q: str | None = Field(
        None, max_length=MAX_QUERY_LENGTH,
        description="Search words: briefings with every word, best first (at most 500).",
    )  # fmt: skip
    page_size: int = Field(DEFAULT_PAGE_SIZE, ge=1, le=MAX_PAGE_SIZE)
    cursor: str | None = Field(
        None, max_length=MAX_CURSOR_LENGTH, description="From a previous page's `next`."
    )


class TopicFilters(BaseModel):
    kind: Kind | None = None
    page_size: int = Field(DEFAULT_PAGE_SIZE, ge=1, le=MAX_PAGE_SIZE)
    cursor: str | None = Field(None, max_length=MAX_CURSOR_LENGTH)
