"""Browsing by date: the archive by year and month, and each topic's timeline.

Months are the site's time zone's. The archive's counts are read from the index on
publication dates, one query a page; its pages are cached until any public change
(LATEST_LIST), as a briefing's date may move it between months.
"""

import datetime
from itertools import groupby
from typing import NamedTuple

from django.db.models import Count, Max, Min, Q
from django.http import Http404
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.dates import MONTHS

from .. import text
from ..caching.page_cache import page_number_key, public_page
from ..caching.surrogate_keys import LATEST_LIST, tag_page
from ..cards import listed_cards, listed_rows
from ..models import Briefing, briefing_url
from ..pagination import cursor_query_key, oldest_first
from ..tag_filters import tags_named
from .lookups import Answered, answers_lookups, numbered_page, same_page_for, tags_moved

MONTH_PAGE_SIZE = 30
TIMELINE_PAGE_SIZE = 50


class Period(NamedTuple):
    label: str  # "2025", "November 2025"
    url: str
    count: int


def month_start(year, month):
    """The first moment of a month in the site's time zone."""
    return timezone.make_aware(datetime.datetime(year, month, 1))


def next_month(year, month):
    return (year + 1, 1) if month == 12 else (year, month + 1)


def archive_years():
    """The first and last years of the public archive, or None if it is empty."""
    dates = Briefing.objects.published().aggregate(
        first=Min("published_at"), last=Max("published_at")
    )
    if dates["first"] is None:
        return None
    zone = timezone.get_current_timezone()
    return dates["first"].astimezone(zone).year, dates["last"].astimezone(zone).year


def counts_between(bounds):
    """How many public briefings fall in each [start, end) of `bounds`, in one query."""
    briefings = Briefing.objects.published().filter(
        published_at__gte=min(start for start, _ in bounds),
        published_at__lt=max(end for _, end in bounds),
    )
    counts = briefings.aggregate(
        **{
            f"n{number}": Count("pk", filter=Q(published_at__gte=start, published_at__lt=end))
            for number, (start, end) in enumerate(bounds)
        }
    )
    return [counts[f"n{number}"] for number in range(len(bounds))]


@public_page(depends_on=lambda: {LATEST_LIST})
def archive(request):
    """Every year with its number of briefings, newest first."""
    years = archive_years()
    periods = []
    if years:
        numbers = range(years[1], years[0] - 1, -1)
        bounds = [(month_start(year, 1), month_start(year + 1, 1)) for year in numbers]
        periods = [
            Period(str(year), reverse("briefings:archive_year", args=[year]), count)
            for year, count in zip(numbers, counts_between(bounds), strict=True)
            if count
        ]
    return render(request, "briefings/archive.html", {"years": periods})


def checked_year(year):
    """The year if the archive has briefings in it; else a 404."""
    years = archive_years()
    if not years or not years[0] <= year <= years[1]:
        raise Http404("The archive has no briefings from that year.")
    return years


@public_page(depends_on=lambda year: {LATEST_LIST})
def year_archive(request, year):
    """The months of a year with their numbers of briefings."""
    first, last = checked_year(year)
    bounds = [(month_start(year, month), month_start(*next_month(year, month))) for month in MONTHS]
    months = [
        Period(f"{MONTHS[month]} {year}",
               reverse("briefings:archive_month", args=[year, month]), count)
        for month, count in zip(MONTHS, counts_between(bounds), strict=True)
    ]  # fmt: skip
    context = {
        "year": year,
        "months": months,
        "total": sum(month.count for month in months),
        "earlier": year - 1 if year > first else None,
        "later": year + 1 if year < last else None,
    }
    return render(request, "briefings/archive_year.html", context)


@public_page(depends_on=lambda year, month: {LATEST_LIST}, query_key=page_number_key)
def month_archive(request, year, month):
    """A month's briefings in the order they came out, a page at a time."""
    if month not in MONTHS:
        raise Http404("There are twelve months.")
    checked_year(year)
    in_month = Briefing.objects.published().filter(
        published_at__gte=month_start(year, month),
        published_at__lt=month_start(*next_month(year, month)),
    )
    rows = listed_rows(in_month.order_by("published_at", "pk"))
    page = numbered_page(request, rows, MONTH_PAGE_SIZE)
    if not page.object_list:
        raise Http404("The archive has no briefings from that month.")
    context = {
        "title": f"{MONTHS[month]} {year}",
        "year": year,
        "page": page,
        "cards": listed_cards(list(page.object_list)),
    }
    return render(request, "briefings/archive_month.html", context)


# A topic's timeline: its briefings in the order they came out, by month.


class TimelineEntry(NamedTuple):
    id: int
    url: str
    title: str
    standfirst: str
    published_at: datetime.datetime


@public_page(depends_on=lambda slugs: {tag_page(slug) for slug in slugs},
             query_key=cursor_query_key)  # fmt: skip
@answers_lookups
def timeline(request, slugs):
    """The story so far on one topic: its briefings oldest first, grouped by month."""
    wanted = sorted({text.fold(slug) for slug in slugs})
    if len(wanted) != 1 or not text.is_unicode_slug(wanted[0]):
        raise Http404("A timeline follows one topic.")
    if wanted != slugs:
        raise Answered(same_page_for(request, wanted))
    found = [tag for tag in tags_named(wanted) if tag.published_count]
    if not found:
        raise Answered(tags_moved(request, wanted, found))
    tag = found[0]
    rows, earlier, later = oldest_first(request, [tag.pk], ENTRY_FIELDS, TIMELINE_PAGE_SIZE)
    entries = [TimelineEntry(pk, briefing_url(slug), title, standfirst, published_at)
               for pk, slug, title, standfirst, published_at in rows]  # fmt: skip
    zone = timezone.get_current_timezone()
    months = [
        (f"{MONTHS[month]} {year}", list(group))
        for (year, month), group in groupby(
            entries, key=lambda entry: _year_month(entry.published_at.astimezone(zone))
        )
    ]
    context = {"tag": tag, "months": months, "earlier": earlier, "later": later}
    return render(request, "briefings/timeline.html", context)


def _year_month(moment):
    return moment.year, moment.month


ENTRY_FIELDS = ("pk", "slug", "title", "standfirst", "published_at")
