from django.contrib import admin, messages
from django.db import transaction
from taggit.models import Tag as TaggitTag

from .forms import BriefingAdminForm
from .models import Briefing, Tag

# Briefings use their own tag model; taggit's generic one would only confuse editors.
admin.site.unregister(TaggitTag)


class MostUsedTagFilter(admin.SimpleListFilter):
    """The most used tags, not all of them: a filter listing 20,000 tags helps nobody.

    Any other tag is found by typing its name in the search box.
    """

    title = "tag"
    parameter_name = "tag"
    shown = 20

    def lookups(self, request, model_admin):
        tags = list(Tag.objects.by_use()[: self.shown])
        chosen = self.value()
        if chosen and chosen not in {tag.slug for tag in tags}:
            tags += Tag.objects.filter(slug=chosen)
        return [(tag.slug, tag.name) for tag in tags]

    def queryset(self, request, queryset):
        return queryset.filter(tags__slug=self.value()) if self.value() else queryset


@admin.register(Briefing)
class BriefingAdmin(admin.ModelAdmin):
    form = BriefingAdminForm
    list_display = ["title", "status", "published_at", "tag_names", "updated_at"]
    list_filter = ["status", MostUsedTagFilter, "published_at"]
    search_fields = ["title", "standfirst", "body", "tags__name"]
    date_hierarchy = "published_at"
    show_full_result_count = False  # no COUNT(*) over the whole archive per page
    prepopulated_fields = {"slug": ["title"]}
    readonly_fields = ["created_at", "updated_at"]
    actions = ["publish", "unpublish"]
    list_per_page = 50
    fieldsets = [
        (None, {"fields": ["title", "slug", "standfirst", "body", "tags"]}),
        (
            "Lead image",
            {"fields": ["lead_image", "lead_image_alt", "lead_image_caption", "lead_image_credit"]},
        ),
        (
            "Publishing",
            {"fields": ["status", "published_at", "author", "created_at", "updated_at"]},
        ),
    ]

    class Media:
        css = {"all": ["briefings/admin.css"]}

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("tags")

    def get_changeform_initial_data(self, request):
        return {"author": request.user, **super().get_changeform_initial_data(request)}

    @admin.display(description="Tags")
    def tag_names(self, briefing):
        return ", ".join(tag.name for tag in briefing.tags.all())

    @admin.action(description="Publish selected briefings", permissions=["change"])
    def publish(self, request, queryset):
        count = queryset.publish()
        self.message_user(request, f"Published {count} briefing(s).", messages.SUCCESS)

    @admin.action(description="Unpublish selected briefings", permissions=["change"])
    def unpublish(self, request, queryset):
        count = queryset.unpublish()
        self.message_user(request, f"Moved {count} briefing(s) back to draft.", messages.SUCCESS)


@admin.register(Tag)
class TagAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "published_count"]
    search_fields = ["name"]
    ordering = ["name_key"]
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
        with transaction.atomic():
            for tag in merged:
                for item in tag.tagged_briefings.select_related("content_object"):
                    item.content_object.tags.add(keep)
                tag.delete()
        self.message_user(
            request, f"Merged {len(merged)} tag(s) into “{keep.name}”.", messages.SUCCESS
        )
