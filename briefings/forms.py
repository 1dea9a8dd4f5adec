from django import forms
from django.utils.html import format_html, format_html_join
from taggit.forms import TagField, TagWidget

from .models import Briefing, Tag

TAG_NAME_MAX_LENGTH = Tag._meta.get_field("name").max_length
EXISTING_TAGS_SHOWN = 60


class TagNamesField(TagField):
    """Tag names as taggit parses them, checked against the database's limits.

    Names that differ only in case are one tag: the first spelling typed wins.
    """

    def clean(self, value):
        names = super().clean(value)
        too_long = [name for name in names if len(name) > TAG_NAME_MAX_LENGTH]
        if too_long:
            raise forms.ValidationError(
                "Tag names can be at most %(limit)d characters; shorten “%(name)s…”.",
                params={"limit": TAG_NAME_MAX_LENGTH, "name": too_long[0][:30]},
                code="tag_too_long",
            )
        unique = {}
        for name in names:
            unique.setdefault(name.casefold(), name)
        return list(unique.values())


class ExistingTagsWidget(TagWidget):
    """The tag text box, followed by the most used tags so editors reuse them.

    Without JavaScript the list is a reading aid; with it, a click adds the tag.
    """

    class Media:
        js = ["briefings/admin_tags.js"]

    def render(self, name, value, attrs=None, renderer=None):
        text_box = super().render(name, value, attrs, renderer)
        tags = Tag.objects.by_use()[:EXISTING_TAGS_SHOWN]
        if not tags:
            return text_box
        buttons = format_html_join(
            "",
            '<li><button type="button" class="existing-tag" data-tag="{}">'
            "{} <span>({})</span></button></li>",
            ((tag.name, tag.name, tag.published_count) for tag in tags),
        )
        return format_html(
            '<div class="tag-field">{}<div class="existing-tags" data-for="{}">'
            "<p>Most used tags (click to add):</p><ul>{}</ul></div></div>",
            text_box,
            attrs.get("id", "") if attrs else "",
            buttons,
        )


class BriefingAdminForm(forms.ModelForm):
    class Meta:
        model = Briefing
        fields = [
            "title", "slug", "standfirst", "body", "tags",
            "lead_image", "lead_image_alt", "lead_image_caption", "lead_image_credit",
            "status", "published_at", "author",
        ]  # fmt: skip
        field_classes = {"tags": TagNamesField}
        widgets = {
            "tags": ExistingTagsWidget(attrs={"size": 80}),
            "standfirst": forms.Textarea(attrs={"rows": 3}),
        }
