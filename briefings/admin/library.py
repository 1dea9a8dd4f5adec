"""The image library's admin: upload once, find by title or alt text, show in any body
by the line the list gives."""

from django.contrib import admin, messages
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.html import format_html

from ..bodies import showing
from ..models import LibraryImage
from .briefings import LeadImageInput


@admin.register(LibraryImage)
class LibraryImageAdmin(admin.ModelAdmin):
    list_display = ["picture", "title", "alt", "credit", "in_body"]
    list_display_links = ["picture", "title"]
    search_fields = ["title", "alt", "caption"]
    fields = ["file", "title", "alt", "caption", "credit", "in_body"]
    readonly_fields = ["in_body"]
    list_per_page = 50
    show_full_result_count = False
    formfield_overrides = {
        LibraryImage._meta.get_field("file").__class__: {"widget": LeadImageInput}
    }

    @admin.display(description="Image")
    def picture(self, image):
        thumbnail = image.thumbnail
        if not thumbnail:
            return "—"
        return format_html(
            '<img class="library-thumbnail" src="{}" width="{}" height="{}" alt="">',
            thumbnail["src"], thumbnail["width"], thumbnail["height"],
        )  # fmt: skip

    @admin.display(description="To show it in a body, put this on a line of its own")
    def in_body(self, image):
        return format_html("<code>{}</code>", image.markdown) if image.pk else "—"

    def save_model(self, request, obj, form, change):
        if not change:
            obj.uploaded_by = request.user
        super().save_model(request, obj, form, change)

    def get_actions(self, request):
        actions = super().get_actions(request)
        actions.pop("delete_selected", None)  # one at a time, each checked for use
        return actions

    def delete_view(self, request, object_id, extra_context=None):
        """Refused while a body shows the image: its figure would vanish unannounced."""
        image = self.get_object(request, object_id)
        carriers = showing(image.pk) if image else []
        if carriers:
            self.message_user(
                request,
                f"“{image.title}” is shown in {len(carriers)} briefing(s): take it out of "
                "their text before deleting it.",
                messages.ERROR,
            )
            return redirect(reverse("admin:briefings_libraryimage_change", args=[image.pk]))
        return super().delete_view(request, object_id, extra_context)
