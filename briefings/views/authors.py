"""An author's page: their public briefings under the name readers see."""

from django.contrib.auth import get_user_model
from django.http import Http404
from django.shortcuts import get_object_or_404, render

from ..caching.page_cache import page_number_key, public_page
from ..caching.surrogate_keys import LATEST_LIST
from ..cards import listed_cards, listed_rows
from ..models import Briefing
from .lookups import numbered_page

AUTHOR_BRIEFINGS_PER_PAGE = 12


@public_page(depends_on=lambda author_id: {LATEST_LIST}, query_key=page_number_key)
def author(request, author_id):
    """An author's public briefings, newest first, under the name readers see."""
    writer = get_object_or_404(get_user_model(), pk=author_id)
    if not writer.get_full_name():
        raise Http404("Briefings without an author's name are the desk's.")
    briefings = Briefing.objects.published().filter(author=writer).order_by("-published_at", "-pk")
    page = numbered_page(request, listed_rows(briefings), AUTHOR_BRIEFINGS_PER_PAGE)
    if not page.object_list:
        # Only those with public briefings have a page: ids are not a staff directory.
        raise Http404("No public briefings by this author.")
    context = {"name": writer.get_full_name(), "page": page,
               "cards": listed_cards(list(page.object_list))}  # fmt: skip
    return render(request, "briefings/author.html", context)
