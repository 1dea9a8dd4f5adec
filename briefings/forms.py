from datetime import UTC, datetime

from django import forms
from django.db import transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import format_html, format_html_join
from django.utils.timezone import localtime
from reversion.models import Version
from taggit.forms import TagField, TagWidget

from . import text
from .models import MAX_TAGS_PER_BRIEFING, Briefing, FormerAddress, Tag

TAG_NAME_MAX_LENGTH = Tag._meta.get_field("name").max_length
EXISTING_TAGS_SHOWN = 60


class TagNamesField(TagField):
    """Tag names as taggit parses them, checked against the database's limits.

    Names that text.name_key folds alike are one tag: the first spelling typed wins.
    At most MAX_TAGS_PER_BRIEFING, as everywhere a briefing is tagged.
    """

    def clean(self, value):
        if value and len(value) > text.MAX_TAGS_TYPED:
            raise forms.ValidationError("The list of tags is too long.", code="tags_too_long")
        names = super().clean(value)
        too_long = [name for name in names if len(name) > TAG_NAME_MAX_LENGTH]
        if too_long:
            raise forms.ValidationError(
                "Tag names can be at most %(limit)d characters; shorten “%(name)s…”.",
                params={"limit": TAG_NAME_MAX_LENGTH, "name": too_long[0][:30]},
                code="tag_too_long",
            )
        for name in names:
            refuse_if_folded_too_long(name)
        unique = {}
        for name in names:
            unique.setdefault(text.name_key(name), name)
        if len(unique) > MAX_TAGS_PER_BRIEFING:
            raise forms.ValidationError(
                "A briefing can carry at most %(limit)d topics; this list has %(count)d.",
                params={"limit": MAX_TAGS_PER_BRIEFING, "count": len(unique)},
                code="too_many_tags",
            )
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
    """The briefing form; refuses to overwrite a change saved since it was opened."""

    # The briefing's updated_at when the form was opened: a save is refused if it moved.
    opened_version = forms.CharField(widget=forms.HiddenInput, required=False)
    substantive_update = forms.BooleanField(
        required=False,
        help_text="Tell readers this published briefing was updated (shown with today’s "
        "date). Leave unticked for small fixes.",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["opened_version"].initial = version_of(self.instance.updated_at)
        if "published_at" in self.fields:
            self.fields["published_at"].help_text += f" {time_zone_note()}"

    def full_clean(self):
        super().full_clean()
        if self.errors and self.files.get(self.add_prefix("lead_image")):
            # Browsers never send a file back: say so rather than lose it quietly.
            self.add_error(
                "lead_image" if "lead_image" not in self.errors else None,
                "The form has errors, so the image you chose was not saved: choose it "
                "again before saving.",
            )

    def save(self, commit=True):
        if self.cleaned_data.get("substantive_update") and self.instance.is_published_now:
            self.instance.revised_at = timezone.now()
        return super().save(commit)

    def clean(self):
        cleaned = super().clean()
        if self.instance.pk:
            self.refuse_a_lost_update()
        return cleaned

    def clean_body(self):
        body = self.cleaned_data["body"]
        # A text saved before the limit may stay as long, or be shortened.
        stored = len(self.instance.body) if self.instance.pk else 0
        if len(body) > text.MAX_BODY_LENGTH and len(body) > stored:
            raise forms.ValidationError(
                "The text can be at most %(limit)s characters; it has %(length)s. "
                "Split it into two briefings, or shorten it.",
                params={"limit": f"{text.MAX_BODY_LENGTH:,}", "length": f"{len(body):,}"},
                code="body_too_long",
            )
        return body

    def clean_slug(self):
        """Refuse an address readers once knew for another briefing: it keeps leading
        there (301), or telling them that briefing is gone (410)."""
        slug = self.cleaned_data["slug"]
        others = FormerAddress.objects.filter(slug=slug)
        if self.instance.pk:
            others = others.exclude(briefing=self.instance.pk)
        former = others.first()
        if former is None:
            return slug
        if former.briefing_id is None:
            told = "belonged to a deleted briefing, and readers who follow it are told it is gone"
        else:
            told = "belonged to another briefing, and readers who follow it are taken there"
        raise forms.ValidationError(f"This address {told}: choose another.", code="former_address")

    def refuse_a_lost_update(self):
        """Refuse the save if another was stored since the form was opened.

        The admin validates and saves in one transaction: the row is locked from this
        check until the commit, so of two saves in the same instant the second waits,
        then sees the first and is refused.
        """
        opened = self.data.get(self.add_prefix("opened_version"), "")
        stored = Briefing.objects.filter(pk=self.instance.pk)
        if transaction.get_connection().in_atomic_block:
            stored = stored.select_for_update(no_key=True)
        stored = stored.values_list("updated_at", flat=True)
        now = version_of(stored.first())
        if opened == now:
            return
        # The next save is measured against what is stored now, once the editor has
        # merged by hand what they want to keep.
        self.data = self.data.copy()
        self.data[self.add_prefix("opened_version")] = now
        raise forms.ValidationError(changed_since_message(self.instance, opened), code="conflict")

    class Meta:
        model = Briefing
        fields = [
            "title", "slug", "standfirst", "body", "tags",
            "lead_image", "lead_image_alt", "lead_image_caption", "lead_image_credit",
            "status", "published_at", "author",
        ]  # fmt: skip
        field_classes = {"tags": TagNamesField}
        widgets = {
            "title": forms.TextInput(attrs={"class": "writing-title"}),
            "tags": ExistingTagsWidget(attrs={"size": 80, "autocomplete": "off"}),
            "standfirst": forms.Textarea(attrs={"rows": 3}),
            "body": forms.Textarea(attrs={"rows": 28, "class": "writing-body"}),
        }


def version_of(updated_at):
    return updated_at.isoformat() if updated_at else ""


def changed_since_message(briefing, opened):
    """Who changed the briefing since the form was opened, and what they changed."""
    try:
        since = datetime.fromisoformat(opened)
    except ValueError:
        since = datetime.min.replace(tzinfo=UTC)  # no version sent: every save counts
    saves = (
        Version.objects.get_for_object(briefing)
        .filter(revision__date_created__gt=since)
        .select_related("revision__user")
        .order_by("revision__date_created")
    )
    who = "; ".join(describe_save(version.revision) for version in saves)
    return format_html(
        "Someone else saved this briefing after you opened it: {}. Nothing of yours was "
        "saved, and your text is still in the form. Compare it with the saved version in "
        "the history, keep what you need, and save again.",
        who or "someone, outside the admin",
    )


def describe_save(revision):
    """ "Asha Rao at 10:42 (Changed Title.)": who saved, when, and the admin's summary."""
    user = revision.user
    name = (user.get_full_name() or user.get_username()) if user else "a script"
    when = date_format(localtime(revision.date_created), "TIME_FORMAT")
    return f"{name} at {when} ({revision.get_comment() or 'saved'})"


def time_zone_note():
    """Said beside every date the newsroom enters or reads."""
    zone = timezone.get_current_timezone()
    return f"Times are in {zone.key} ({timezone.localtime().tzname()})."


class TagAdminForm(forms.ModelForm):
    """A topic's name and slug, refused with a message when another topic has them
    (compared as text.name_key and text.fold compare them)."""

    class Meta:
        model = Tag
        fields = ["name", "slug", "description"]

    def clean_name(self):
        name = " ".join(self.cleaned_data["name"].split())
        refuse_if_folded_too_long(name)
        self.refuse_if_taken(
            Tag.objects.with_names([name]),
            "The topic “%(other)s” already has this name: merge the two instead.",
        )
        return name

    def clean_slug(self):
        refuse_if_folded_too_long(self.cleaned_data["slug"])
        slug = text.fold(self.cleaned_data["slug"])
        self.refuse_if_taken(
            Tag.objects.filter(slug=slug), "The topic “%(other)s” already has this address."
        )
        return slug

    def refuse_if_taken(self, holders, message):
        clash = holders.exclude(pk=self.instance.pk).first()
        if clash:
            raise forms.ValidationError(message, params={"other": clash.name}, code="taken")


def refuse_if_folded_too_long(name):
    message = text.folded_too_long(name)
    if message:
        raise forms.ValidationError(message, code="folded_too_long")
