"""The JSON the writing screen calls (static/briefings/admin_writing.js): the body as the
page will show it, the topics a typed list will save, who else has a briefing open. The
form works without them."""

from django.core.exceptions import PermissionDenied
from django.http import HttpResponseNotAllowed, JsonResponse
from django.shortcuts import get_object_or_404
from django.utils.decorators import method_decorator
from django_ratelimit.decorators import ratelimit

from .. import presence, text
from ..forms import TAG_NAME_MAX_LENGTH
from ..models import Briefing, Tag

MAX_PREVIEWED = 200_000  # characters of a body or tag list the helpers look at
TAG_SUGGESTIONS = 10
# The writing screen previews as an editor pauses typing: a few times a minute.
PREVIEWS_PER_EDITOR = "60/m"


class WritingEndpoints:
    """Views of BriefingAdmin, routed by its get_urls."""

    @method_decorator(ratelimit(key="user", rate=PREVIEWS_PER_EDITOR, block=True))
    def body_preview_view(self, request):
        """The body rendered exactly as the page will show it, with its length."""
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        self.refuse_unless_writing(request)
        html = text.render_markdown(request.POST.get("body", "")[:MAX_PREVIEWED])
        return JsonResponse(
            {"html": html, "words": text.word_count(html), "minutes": text.reading_minutes(html)}
        )

    def tags_typed_view(self, request):
        """The tags a typed list will save (existing spellings reused) and suggestions
        for the name being typed, matched ignoring case."""
        self.refuse_unless_writing(request)
        typed = request.GET.get("typed", "")[:MAX_PREVIEWED]
        names = text.parse_tag_names(typed)
        existing = {tag.name_key: tag.name for tag in Tag.objects.with_names(names)}
        will_save = [
            {"name": existing.get(text.name_key(name), name),
             "new": text.name_key(name) not in existing}
            for name in names
        ]  # fmt: skip
        fragment = text.name_key(typed.rsplit(",", 1)[-1].strip(' "'))
        suggestions = (
            list(Tag.objects.filter(name_key__startswith=fragment).by_use()
                 .values_list("name", flat=True)[:TAG_SUGGESTIONS])
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
