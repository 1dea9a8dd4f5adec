from django.core.paginator import Paginator
from django.db.models import Count
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.cache import add_never_cache_headers

from .models import Briefing, Tag
from .page_cache import cached_public_page

PAGE_SIZE = 12
MAX_FILTER_TAGS = 6
HOME_TOPIC_COUNT = 12


@cached_public_page
def home(request):
    briefings = Briefing.objects.published().for_listing()
    context = {
        "page": paginate(request, briefings),
        "topics": tag_counts(Briefing.objects.published())[:HOME_TOPIC_COUNT],
    }
    return render(request, "briefings/home.html", context)


@cached_public_page
def briefing_detail(request, slug):
    """A published briefing; staff may also preview drafts and scheduled ones."""
    briefings = Briefing.objects.select_related("author").prefetch_related("tags")
    if not request.user.is_staff:
        briefings = briefings.published()
    briefing = get_object_or_404(briefings, slug=slug)
    response = render(request, "briefings/detail.html", {"briefing": briefing})
    if not briefing.is_public:
        add_never_cache_headers(response)
    return response


@cached_public_page
def tag_index(request):
    tags = tag_counts(Briefing.objects.published()).order_by("name")
    return render(request, "briefings/tag_index.html", {"tags": tags})


@cached_public_page
def tag_filter(request, slugs):
    """Published briefings that carry every tag in the URL, with ways to narrow further."""
    wanted = sorted(set(slugs) - {""})
    if not 0 < len(wanted) <= MAX_FILTER_TAGS:
        raise Http404(f"A filter names one to {MAX_FILTER_TAGS} tags.")
    if wanted != slugs:
        return redirect("briefings:tag", slugs=wanted, permanent=True)
    published = Briefing.objects.published()
    selected = list(
        Tag.objects.filter(slug__in=wanted, tagged_briefings__content_object__in=published)
        .distinct()
        .order_by("slug")
    )
    if len(selected) != len(wanted):
        raise Http404("No such tag.")
    briefings = briefings_with_all_tags(published, selected)
    context = {
        "selected": [
            {"tag": tag, "remove_url": filter_url(wanted, remove=tag.slug)} for tag in selected
        ],
        "page": paginate(request, briefings.for_listing()),
        "narrowing": narrowing_links(briefings, selected),
    }
    return render(request, "briefings/tag_filter.html", context)


def narrowing_links(briefings, selected):
    """Each further tag among these briefings, with the count adding it would leave."""
    if len(selected) >= MAX_FILTER_TAGS:
        return []
    slugs = [tag.slug for tag in selected]
    return [
        {"tag": tag, "count": tag.briefing_count, "add_url": filter_url(slugs, add=tag.slug)}
        for tag in tag_counts(briefings).exclude(pk__in=[tag.pk for tag in selected])
    ]


def paginate(request, queryset):
    """The requested page; a missing, malformed or out-of-range number gives a real page."""
    return Paginator(queryset, PAGE_SIZE).get_page(request.GET.get("page"))


def briefings_with_all_tags(briefings, tags):
    for tag in tags:
        briefings = briefings.filter(tags=tag)
    return briefings


def tag_counts(briefings):
    """Tags carried by these briefings, each with how many of them carry it."""
    return (
        Tag.objects.filter(tagged_briefings__content_object__in=briefings)
        .annotate(briefing_count=Count("tagged_briefings"))
        .order_by("-briefing_count", "name")
    )


def filter_url(slugs, add=None, remove=None):
    """The filter page for these slugs with one added or removed; home when none remain."""
    new_slugs = sorted({*slugs, add} - {remove, None})
    if not new_slugs:
        return reverse("briefings:home")
    return reverse("briefings:tag", kwargs={"slugs": new_slugs})
