from django.contrib import admin, messages
from django.db import transaction
from django.db.models import Count
from taggit.models import Tag as TaggitTag

from .forms import BriefingAdminForm
from .models import Briefing, Tag

# Briefings use their own tag model; taggit's generic one would only confuse editors.
admin.site.unregister(TaggitTag)


@admin.register(Briefing)
class BriefingAdmin(admin.ModelAdmin):
    form = BriefingAdminForm
    list_display = ["title", "status", "published_at", "tag_names", "updated_at"]
    list_filter = ["status", "tags", "published_at"]
    search_fields = ["title", "standfirst", "body"]
    date_hierarchy = "published_at"
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
    list_display = ["name", "slug", "briefing_count"]
    search_fields = ["name"]
    ordering = ["name"]
    actions = ["merge_tags"]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(briefing_count=Count("tagged_briefings"))

    @admin.display(description="Briefings", ordering="briefing_count")
    def briefing_count(self, tag):
        return tag.briefing_count

    @admin.action(description="Merge selected tags into the most used one")
    def merge_tags(self, request, queryset):
        tags = list(queryset.order_by("-briefing_count", "pk"))
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
