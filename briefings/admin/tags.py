"""The tag admin: editors describe, rename, merge and remove tags."""

from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, Exists, OuterRef
from django.template.response import TemplateResponse

from .. import upkeep
from ..forms import OtherNamesFormSet, TagAdminForm
from ..models import OtherName, Tag, TaggedBriefing


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


class OtherNameInline(admin.TabularInline):
    model = OtherName
    formset = OtherNamesFormSet
    fields = ["name", "lang"]
    extra = 1
    verbose_name = "other name"
    verbose_name_plural = "Other names, in any script (typing one saves this topic)"


@admin.register(Tag)
class TagAdmin(admin.ModelAdmin):
    form = TagAdminForm
    inlines = [OtherNameInline]
    list_display = ["name", "kind", "slug", "published_count"]
    list_filter = ["kind", UnusedTagFilter]
    search_fields = ["name", "other_names__name"]
    ordering = ["sort_key"]
    actions = ["merge_tags"]
    show_full_result_count = False

    def get_fields(self, request, obj=None):
        fields = super().get_fields(request, obj)
        if obj is None:
            return [field for field in fields if field != "move_address"]  # none yet
        return fields

    @admin.action(description="Merge selected topics…", permissions=["change", "delete"])
    def merge_tags(self, request, queryset):
        """Ask first: which name survives, with what each carries; then merge."""
        tags = list(
            queryset.order_by("-published_count", "sort_key").prefetch_related("other_names")
        )
        if len(tags) < 2:
            self.message_user(request, "Select at least two topics to merge.", messages.WARNING)
            return None
        if request.POST.get("post") != "yes":
            return self.merge_confirmation(request, tags)
        keep = next((tag for tag in tags if str(tag.pk) == request.POST.get("keep")), tags[0])
        merged = [tag for tag in tags if tag.pk != keep.pk]
        try:
            with transaction.atomic():
                names = ", ".join(f"“{tag.name}”" for tag in merged)
                self.log_change(request, keep, f"Merged {names} into it.")
                self.log_deletions(request, Tag.objects.filter(pk__in=[tag.pk for tag in merged]))
                upkeep.tags_merged(keep, merged)
        except ValidationError as error:
            self.message_user(request, " ".join(error.messages), messages.ERROR)
            return None
        self.message_user(
            request, f"Merged {len(merged)} topic(s) into “{keep.name}”.", messages.SUCCESS
        )
        return None

    def merge_confirmation(self, request, tags):
        carried = dict(
            TaggedBriefing.objects.filter(tag__in=tags)
            .values_list("tag")
            .annotate(count=Count("pk"))
            .order_by()
        )
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": "Merge topics",
            "tags": [(tag, carried.get(tag.pk, 0)) for tag in tags],
            "keep": tags[0],
            "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
        }
        return TemplateResponse(request, "admin/briefings/tag/merge_confirmation.html", context)
