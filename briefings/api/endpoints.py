"""The content API's endpoints: published briefings and topics in use, exactly what
readers can see, read-only, for apps, newsletters, partner sites and data desks.

Built with django-ninja: its views answer plain Django responses, so the page cache
keeps and purges them with the pages they mirror (the same surrogate keys), and its
pydantic schemas give the OpenAPI document. Lists are keyset-paged newest first (a
cursor names the last item's date and id), so the thousandth page costs what the first
does; a search (`q=`) is ranked within the search bound and paged through its capped
results. Every answer may be read from any origin (CORS), and every error is JSON.
"""

import base64
from datetime import datetime, time, timedelta

from django.db.models import Q
from django.http import Http404, HttpResponseGone, HttpResponsePermanentRedirect
from django.urls import reverse
from django.utils import timezone
from django_ratelimit.core import is_ratelimited
from ninja import NinjaAPI, Query
from ninja.errors import ValidationError

from .. import search, text
from ..caching.page_cache import depends_also_on, public_page
from ..caching.surrogate_keys import LATEST_LIST, TAG_COUNTS, briefing_page, tag_page
from ..feeds import dated_now
from ..models import Briefing, Tag
from ..pagination import id_column, listing
from ..tag_filters import MAX_FILTER_TAGS, rarest_first, tags_named, topics_moved
from ..views.lookups import briefing_formerly_at, public_address
from ..views.search import SEARCHES_PER_ADDRESS
from . import schemas
from .items import briefing_items, topic_items


class ContentAPI(NinjaAPI):
    def create_response(self, request, data, *, status=None, temporal_response=None):
        response = super().create_response(
            request, data, status=status, temporal_response=temporal_response
        )
        return readable_anywhere(response)


def readable_anywhere(response):
    """Any site's pages may read the API (it is public and read-only), the ETag too;
    dated when it was made, as feeds are (feeds.dated_now says why)."""
    response["Access-Control-Allow-Origin"] = "*"
    response["Access-Control-Expose-Headers"] = "ETag"
    return dated_now(response)


api = ContentAPI(
    title="Briefings content API",
    version="1",
    description="Published briefings and their topics, read-only: exactly what readers "
    'see on the site. Errors are JSON: `{"error": "…"}`.',
    urls_namespace="api",
    docs_url="/docs/",
    openapi_url="/openapi.json",
)


class ApiError(Exception):
    def __init__(self, status, message):
        super().__init__(message)
        self.status = status


@api.exception_handler(ApiError)
def api_error(request, error):
    return api.create_response(request, {"error": str(error)}, status=error.status)


@api.exception_handler(ValidationError)
def bad_parameters(request, error):
    said = "; ".join(
        f"{'.'.join(str(part) for part in problem['loc'][1:]) or 'request'}: {problem['msg']}"
        for problem in error.errors
    )
    return api.create_response(request, {"error": said}, status=400)


@api.exception_handler(Http404)
def not_found(request, error):
    return api.create_response(request, {"error": str(error) or "Not found."}, status=404)


def not_found_anywhere(request, rest=""):
    """Any other address under the API: a 404 in JSON too."""
    return readable_anywhere(
        api.create_response(request, {"error": "No such address in the API."}, status=404)
    )


# Cursors: opaque to clients, parts joined and encoded.


def encode_cursor(*parts):
    joined = "|".join(str(part) for part in parts)
    return base64.urlsafe_b64encode(joined.encode()).decode().rstrip("=")


def decode_cursor(cursor, count):
    """The `count` parts of a cursor; ValueError if it does not parse."""
    try:
        joined = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
    except (ValueError, UnicodeDecodeError):
        raise ValueError("cursor does not parse") from None
    parts = joined.rsplit("|", count - 1)  # the first part may hold "|" (a name's key)
    if len(parts) != count:
        raise ValueError("cursor does not parse")
    return parts


def next_address(request, cursor):
    """The address of the page after this one: the same query with the new cursor."""
    if cursor is None:
        return None
    query = request.GET.copy()
    query["cursor"] = cursor
    # The site's address, never the request's Host: the page is kept for everyone.
    return public_address() + request.path + "?" + query.urlencode()


# Briefings.


def list_query_key(query):
    """The canonical query of a list the page cache keeps; None for a search (not kept);
    ValueError if malformed."""
    filters = schemas.BriefingFilters(**{key: query.get(key) for key in query})
    if filters.q and filters.q.strip():
        return None
    if filters.cursor:
        read_list_cursor(filters.cursor)
    slugs = ",".join(topic_slugs(filters.topics))
    return (
        f"topics={slugs}&author={filters.author or ''}&since={filters.since or ''}"
        f"&until={filters.until or ''}&page_size={filters.page_size}&cursor={filters.cursor or ''}"
    )


def topic_slugs(typed):
    """The distinct topic slugs of a `topics=` value, folded and sorted."""
    slugs = sorted({text.fold(slug.strip()) for slug in (typed or "").split(",")} - {""})
    if len(slugs) > MAX_FILTER_TAGS:
        raise ValueError(f"topics: at most {MAX_FILTER_TAGS} at once.")
    for slug in slugs:
        if not text.is_unicode_slug(slug):
            raise ValueError(f"topics: no topic in use has the address {slug!r}.")
    return slugs


def read_list_cursor(cursor):
    """(published_at, id) from a list's cursor; ValueError if it does not parse."""
    when, pk = decode_cursor(cursor, 2)
    moment = datetime.fromisoformat(when)
    if moment.tzinfo is None or not pk.isdigit():
        raise ValueError("cursor does not parse")
    return moment, int(pk)


@api.get(
    "/briefings/", response={200: schemas.BriefingPage, 400: schemas.Problem, 429: schemas.Problem},
    operation_id="listBriefings", summary="Published briefings, newest first",
    url_name="briefings",
)  # fmt: skip
@public_page(depends_on=lambda: {LATEST_LIST}, query_key=list_query_key)
def list_briefings(request, filters: Query[schemas.BriefingFilters]):
    """Filtered by topics (all of them), author and days; with `q=`, the search's
    results, best first."""
    try:
        slugs = topic_slugs(filters.topics)
    except ValueError as error:
        raise ApiError(400, str(error)) from None
    topics = topics_in_use(slugs)
    since, until = day_bounds(filters)
    if filters.q and filters.q.strip():
        return searched(request, filters, topics, since, until)
    cursor = None
    if filters.cursor:
        try:
            cursor = read_list_cursor(filters.cursor)
        except ValueError:
            raise ApiError(400, "cursor: it does not parse; take it from a page's next.") from None
    found = newest(rarest_first(topics), filters.author, since, until, cursor, filters.page_size)
    shown = found[: filters.page_size]
    # What the page shows, named before it is read (see depends_also_on).
    depends_also_on(request, {briefing_page(slug) for _, _, slug in shown}
                    | {tag_page(tag.slug) for tag in topics})  # fmt: skip
    items = briefing_items(Briefing.objects.published().filter(pk__in=[row[0] for row in shown]))
    more = len(found) > filters.page_size
    after = encode_cursor(shown[-1][1].isoformat(), shown[-1][0]) if more else None
    results = [items[pk] for pk, _, _ in shown if pk in items]
    return {"results": results, "next": next_address(request, after)}


def topics_in_use(slugs):
    """The topics in use these slugs name: their own, another name's or a former one
    (one more query, only then). A 400 for any that names none."""
    if not slugs:
        return []
    found = [tag for tag in tags_named(slugs) if tag.published_count]
    missing = set(slugs) - {tag.slug for tag in found}
    if missing:
        moved = topics_moved(missing)
        found += moved.values()
        missing -= set(moved)
    if missing:
        raise ApiError(400, f"topics: no topic in use has the address {sorted(missing)[0]!r}.")
    return list({tag.pk: tag for tag in found}.values())


def day_bounds(filters):
    """since/until as moments: the start of the first day and of the day after the
    last, in the newsroom's time zone."""
    if filters.since and filters.until and filters.until < filters.since:
        raise ApiError(400, "until: it comes before since.")
    zone = timezone.get_current_timezone()

    def start_of(day):
        return timezone.make_aware(datetime.combine(day, time.min), zone)

    since = start_of(filters.since) if filters.since else None
    until = start_of(filters.until + timedelta(days=1)) if filters.until else None
    return since, until


def newest(tag_ids, author, since, until, cursor, size):
    """(id, published_at, slug) of up to size + 1 public briefings, newest first, after
    the cursor: from the briefings' index, or the rarest topic's links."""
    at = timezone.now() if cursor is None else min(timezone.now(), cursor[0])
    rows, briefing = listing(at, list(tag_ids))
    column = id_column(briefing)
    prefix = "" if briefing == "pk" else "content_object__"
    if author:
        rows = rows.filter(**{f"{prefix}author": author})
    if since:
        rows = rows.filter(published_at__gte=since)
    if until:
        rows = rows.filter(published_at__lt=until)
    if cursor:
        moment, pk = cursor
        rows = rows.filter(
            Q(published_at__lte=moment)
            & (Q(published_at__lt=moment) | Q(published_at=moment, **{f"{column}__lt": pk}))
        )
    ordered = rows.order_by("-published_at", f"-{column}")
    return list(ordered.values_list(column, "published_at", f"{prefix}slug")[: size + 1])


def searched(request, filters, topics, since, until):
    """A page of the search's results, best first; the cursor is where it starts."""
    if is_ratelimited(request, group="search", key="ip", rate=SEARCHES_PER_ADDRESS,
                      increment=True):  # fmt: skip
        raise ApiError(429, "Too many searches: try again in a minute.")
    start = 0
    if filters.cursor:
        try:
            kind, start = decode_cursor(filters.cursor, 2)
            start = int(start)
        except ValueError:
            kind = None
        if kind != "rank" or start < 0:
            raise ApiError(400, "cursor: it does not parse; take it from a page's next.")
    ranked = search.ranked_ids(search.query_words(filters.q), rarest_first(topics))
    public = Briefing.objects.published().filter(pk__in=ranked)
    if filters.author:
        public = public.filter(author=filters.author)
    if since:
        public = public.filter(published_at__gte=since)
    if until:
        public = public.filter(published_at__lt=until)
    kept = set(public.values_list("pk", flat=True)) if (filters.author or since or until) else None
    ranked = [pk for pk in ranked if kept is None or pk in kept]
    shown = ranked[start : start + filters.page_size]
    items = briefing_items(Briefing.objects.published().filter(pk__in=shown))
    more = start + filters.page_size < len(ranked)
    after = encode_cursor("rank", start + filters.page_size) if more else None
    response = api.create_response(
        request,
        {"results": [items[pk] for pk in shown if pk in items],
         "next": next_address(request, after)},
        status=200,
    )  # fmt: skip
    response["X-Robots-Tag"] = "noindex"
    return response


@api.get(
    "/briefings/{slug}/",
    response={200: schemas.BriefingItem, 301: None, 404: schemas.Problem, 410: schemas.Problem},
    operation_id="getBriefing", summary="One published briefing", url_name="briefing",
)  # fmt: skip
@public_page(depends_on=lambda slug: {briefing_page(slug)})
def get_briefing(request, slug: str):
    """A former address answers 301 to the briefing's own, a deleted one 410."""
    if not text.is_unicode_slug(slug):
        raise Http404("No such briefing.")
    items = briefing_items(Briefing.objects.published().filter(slug=slug))
    if items:
        return next(iter(items.values()))
    briefing = briefing_formerly_at(slug)
    if briefing is None:
        gone = HttpResponseGone(b'{"error": "This briefing was deleted."}',
                                content_type="application/json")  # fmt: skip
        return readable_anywhere(gone)
    return moved(request, "api:briefing", briefing.slug)


def moved(request, view_name, slug):
    address = reverse(view_name, kwargs={"slug": slug})
    query = request.META.get("QUERY_STRING", "")
    return readable_anywhere(
        HttpResponsePermanentRedirect(f"{address}?{query}" if query else address)
    )


# Topics.


def topic_query_key(query):
    filters = schemas.TopicFilters(**{key: query.get(key) for key in query})
    if filters.cursor:
        read_topic_cursor(filters.cursor)
    return f"kind={filters.kind or ''}&page_size={filters.page_size}&cursor={filters.cursor or ''}"


def read_topic_cursor(cursor):
    """(sort key, id) from a topic list's cursor; ValueError if it does not parse."""
    sort_key, pk = decode_cursor(cursor, 2)
    if not pk.isdigit():
        raise ValueError("cursor does not parse")
    return sort_key, int(pk)


@api.get(
    "/topics/", response={200: schemas.TopicPage, 400: schemas.Problem},
    operation_id="listTopics", summary="Topics in use, by name", url_name="topics",
)  # fmt: skip
@public_page(depends_on=lambda: {TAG_COUNTS}, query_key=topic_query_key)
def list_topics(request, filters: Query[schemas.TopicFilters]):
    """Those that public briefings carry, in name order; `kind=` lists one kind."""
    tags = Tag.objects.in_use()
    if filters.kind:
        tags = tags.filter(kind=filters.kind)
    if filters.cursor:
        try:
            sort_key, pk = read_topic_cursor(filters.cursor)
        except ValueError:
            raise ApiError(400, "cursor: it does not parse; take it from a page's next.") from None
        tags = tags.filter(Q(sort_key__gt=sort_key) | Q(sort_key=sort_key, pk__gt=pk))
    found = list(tags.order_by("sort_key", "pk")[: filters.page_size + 1])
    shown = found[: filters.page_size]
    more = len(found) > filters.page_size
    after = encode_cursor(shown[-1].sort_key, shown[-1].pk) if more else None
    return {"results": topic_items(shown), "next": next_address(request, after)}


@api.get(
    "/topics/{slug}/",
    response={200: schemas.TopicDetail, 301: None, 404: schemas.Problem},
    operation_id="getTopic", summary="One topic in use", url_name="topic",
)  # fmt: skip
@public_page(depends_on=lambda slug: {tag_page(slug)})
def get_topic(request, slug: str):
    """Another name's address, or a former one, answers 301 to the topic's own."""
    if not text.is_unicode_slug(slug):
        raise Http404("No such topic.")
    if text.fold(slug) != slug:  # one address per topic, so that its purge finds it
        return moved(request, "api:topic", text.fold(slug))
    tag = Tag.objects.in_use().filter(slug=slug).first()
    if tag is None:
        moved_to = topics_moved([slug]).get(slug)
        if moved_to is None:
            raise Http404("No such topic.")
        return moved(request, "api:topic", moved_to.slug)
    (item,) = topic_items([tag])
    return item | {"description_html": tag.description_html, "same_as": tag.same_as}
