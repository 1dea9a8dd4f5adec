"""The tag admin: editors describe, rename, merge and remove tags."""

from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Exists, OuterRef

from .. import upkeep
from ..forms import TagAdminForm
from ..models import Tag, TaggedBriefing


class UnusedTagFilter(admin.SimpleListFilter):
    """Tags no briefing carries, drafts included: listed to be removed."""

    title = "use"
    parameter_name = "use"

    def lookups(self, request, model_admin):
        return [("unused", "Carried by no briefing")]

    def queryset(self, request, queryset):
        if self.value() != "unused":
            return queryset
        return queryset.exclude(Exists(TaggedBriefing.objects.filter(tag=OuterRef("pk"))))


@admin.register(Tag)
class TagAdmin(admin.ModelAdmin):
    form = TagAdminForm
    list_display = ["name", "slug", "published_count"]
    list_filter = [UnusedTagFilter]
    search_fields = ["name"]
    ordering = ["sort_key"]
    actions = ["merge_tags"]
    show_full_result_count = False

    @admin.action(
        description="Merge selected tags into the most used one", permissions=["change", "delete"]
    )
    def merge_tags(self, request, queryset):
        tags = list(queryset.order_by("-published_count", "pk"))
        if len(tags) < 2:
            self.message_user(request, "Select at least two tags to merge.", messages.WARNING)
            return
        keep, *merged = tags
        try:
            with transaction.atomic():
                names = ", ".join(f"“{tag.name}”" for tag in merged)
                self.log_change(request, keep, f"Merged {names} into it.")
                self.log_deletions(request, Tag.objects.filter(pk__in=[tag.pk for tag in merged]))
                upkeep.tags_merged(keep, merged)
        except ValidationError as error:
            self.message_user(request, " ".join(error.messages), messages.ERROR)
            return
        self.message_user(
            request, f"Merged {len(merged)} tag(s) into “{keep.name}”.", messages.SUCCESS
        )
