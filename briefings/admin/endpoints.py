"""What the writing screen calls (static/briefings/admin_writing.js): the page as it
will look with the form's unsaved values, and as JSON the body's length, the topics a
typed list will save and who else has a briefing open. The form works without them."""

from csp.decorators import csp_replace
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import Http404, HttpResponseNotAllowed, JsonResponse
from django.shortcuts import get_object_or_404
from django.utils.decorators import method_decorator
from django.utils.text import slugify
from django.views.decorators.clickjacking import xframe_options_sameorigin
from django_ratelimit.decorators import ratelimit

from .. import presence, text, upkeep
from ..bodies import render_body
from ..forms import TAG_NAME_MAX_LENGTH
from ..models import Briefing, Kind, LibraryImage, Status, Tag, TopicRow
from ..views.briefings import briefing_response, briefing_to_show

MAX_PREVIEWED = 200_000  # characters of a body or tag list the helpers look at
TAG_SUGGESTIONS = 10
LIBRARY_SHOWN = 12
MAX_LIBRARY_QUERY, MAX_LIBRARY_WORDS = 200, 5
# The writing screen counts as an editor pauses typing, and previews on demand: a few
# times a minute.
PREVIEWS_PER_EDITOR = "60/m"


class WritingEndpoints:
    """Views of BriefingAdmin, routed by its get_urls."""

    @method_decorator(ratelimit(key="user", rate=PREVIEWS_PER_EDITOR, block=True))
    def body_length_view(self, request):
        """The body's length in words and reading time, counted as the page counts them."""
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        self.refuse_unless_writing(request)
        html = render_body(request.POST.get("body", "")[:MAX_PREVIEWED])
        return JsonResponse({"words": text.word_count(html), "minutes": text.reading_minutes(html)})

    @method_decorator(ratelimit(key="user", rate=PREVIEWS_PER_EDITOR, block=True))
    @method_decorator(xframe_options_sameorigin)
    @method_decorator(csp_replace({"frame-ancestors": ["'self'"]}))
    def page_preview_view(self, request, object_id=None):
        """The public page, rendered by its own template and stylesheet from the form's
        unsaved values (posted into the writing screen's frame, the one page the admin
        may frame)."""
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        stored = None
        if object_id is not None:
            stored = briefing_to_show(Briefing.objects.filter(pk=object_id))
            if stored is None:
                raise Http404("No such briefing.")
            if not self.has_view_or_change_permission(request, stored):
                raise PermissionDenied
        else:
            self.refuse_unless_writing(request)
        briefing = unsaved_briefing(request, stored)
        return briefing_response(request, briefing, typed_tag_rows(request.POST.get("tags", "")))

    def library_view(self, request):
        """Library images whose title or alt text holds the words typed, newest first,
        with the line that shows each in a body."""
        self.refuse_unless_writing(request)
        words = request.GET.get("q", "")[:MAX_LIBRARY_QUERY].split()
        found = LibraryImage.objects.all()
        for word in words[:MAX_LIBRARY_WORDS]:
            found = found.filter(Q(title__icontains=word) | Q(alt__icontains=word))
        return JsonResponse({"images": [
            {"title": image.title, "alt": image.alt, "markdown": image.markdown,
             "thumbnail": (image.thumbnail or {}).get("src", "")}
            for image in found[:LIBRARY_SHOWN]
        ]})  # fmt: skip

    def tags_typed_view(self, request):
        """The tags a typed list will save (existing spellings reused, other names
        resolved to their topics) and suggestions for the name being typed, matched
        ignoring case, by name or other name."""
        self.refuse_unless_writing(request)
        typed = request.GET.get("typed", "")[:MAX_PREVIEWED]
        names = text.parse_tag_names(typed)
        existing = {key: tag.name for key, tag in Tag.objects.named(names).items()}
        will_save = [
            {"name": existing.get(text.name_key(name), name), "typed": name,
             "new": text.name_key(name) not in existing}
            for name in names
        ]  # fmt: skip
        fragment = text.name_key(typed.rsplit(",", 1)[-1].strip(' "'))
        suggestions = (
            list(Tag.objects.filter(Q(name_key__startswith=fragment)
                                    | Q(other_names__name_key__startswith=fragment))
                 .distinct().by_use().values_list("name", flat=True)[:TAG_SUGGESTIONS])
            if 0 < len(fragment) <= TAG_NAME_MAX_LENGTH else []
        )  # fmt: skip
        return JsonResponse({"will_save": will_save, "suggestions": suggestions})

    def refuse_unless_writing(self, request):
        if not (self.has_add_permission(request) or self.has_change_permission(request)):
            raise PermissionDenied

    def presence_view(self, request, object_id):
        """The change form's script says it is still open (or closed): who else has it open."""
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        briefing = get_object_or_404(Briefing, pk=object_id)
        if not self.has_view_or_change_permission(request, briefing):
            raise PermissionDenied
        if request.POST.get("closed"):
            presence.note_closed(briefing.pk, request.user)
            return JsonResponse({"others": []})
        return JsonResponse({"others": presence.note_open(briefing.pk, request.user)})


PREVIEWED_FIELDS = {
    "title": 300, "slug": 200, "standfirst": 600, "body": text.MAX_BODY_LENGTH,
    "lead_image_alt": 300, "lead_image_caption": 300, "lead_image_credit": 200,
}  # fmt: skip


def unsaved_briefing(request, stored):
    """The briefing as the form holds it now, not saved: its text over what is stored
    (or a new draft of this user's)."""
    briefing = stored or Briefing(author=request.user, status=Status.DRAFT)
    for name, limit in PREVIEWED_FIELDS.items():
        if name in request.POST:
            setattr(briefing, name, request.POST[name][:limit])
    # As the form fills it from the title; the page links to itself by it.
    briefing.slug = slugify(briefing.slug) or slugify(briefing.title) or "new-briefing"
    upkeep.fill_briefing_fields(briefing)
    return briefing


def typed_tag_rows(typed):
    """A TopicRow of each typed topic, as a page lists them: an existing topic's own, a
    new one's as a save would make it."""
    names = text.parse_tag_names(typed)
    existing = Tag.objects.named(names)
    rows = []
    for name in names:
        tag = existing.get(text.name_key(name))
        if tag is not None and any(row.id == tag.pk for row in rows):
            continue  # named twice, by another name
        if tag is None:
            rows.append(TopicRow(None, name, text.unicode_slug(name), 0, Kind.SUBJECT, ""))
        else:
            rows.append(TopicRow(tag.pk, tag.name, tag.slug, tag.published_count, tag.kind,
                                 tag.same_as))  # fmt: skip
    return rows
