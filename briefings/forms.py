import functools
from datetime import UTC, datetime

from django import forms
from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.functional import cached_property
from django.utils.html import format_html, format_html_join
from django.utils.timezone import localtime
from reversion.models import Version
from taggit.forms import TagField, TagWidget

from . import conflicts, text, upkeep, workflow
from .models import (
    MAX_TAGS_PER_BRIEFING,
    Briefing,
    FormerAddress,
    Tag,
    hold_names,
    holder_of_name,
    holder_of_slug,
)
from .revisions import current_fields

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
        # Another name saves its topic: "ШОС" is SCO, and "SCO, ШОС" one topic.
        named = Tag.objects.named(names)
        self.saved_as = [
            (name, topic.name) for name in names
            if (topic := named.get(text.name_key(name))) and topic.name_key != text.name_key(name)
        ]  # fmt: skip
        unique = {}
        for name in names:
            topic = named.get(text.name_key(name))
            unique.setdefault(topic.name_key if topic else text.name_key(name), name)
        if len(unique) > MAX_TAGS_PER_BRIEFING:
            raise forms.ValidationError(
                "A briefing can carry at most %(limit)d topics; this list has %(count)d.",
                params={"limit": MAX_TAGS_PER_BRIEFING, "count": len(unique)},
                code="too_many_tags",
            )
        return list(unique.values())

    def has_changed(self, initial, data):
        """Changed when the set of topics changed, not their order or spelling's case."""
        initial_names = [getattr(tag, "name", tag) for tag in initial or []]
        try:
            typed = self.clean(data)
        except forms.ValidationError:
            return True
        return conflicts.comparable("tags", initial_names) != conflicts.comparable("tags", typed)


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

    # The briefing's updated_at when the form was opened, and its newest revision then:
    # if the first moved, the second is what "changed since" is measured from.
    opened_version = forms.CharField(widget=forms.HiddenInput, required=False)
    opened_revision = forms.CharField(widget=forms.HiddenInput, required=False)
    substantive_update = forms.BooleanField(
        required=False,
        help_text="Tell readers this published briefing was updated (shown with today’s "
        "date). Leave unticked for small fixes.",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.conflicts, self.kept_saved, self.saved_since = [], set(), []
        self.action = None
        if self.instance.pk:
            self.fields["opened_version"].initial = version_of(self.instance.updated_at)
            self.fields["opened_revision"].initial = str(
                conflicts.newest_version_id(self.instance) or ""
            )
        if "published_at" in self.fields:
            self.fields["published_at"].help_text += f" {time_zone_note()}"
        if "author" in self.fields:
            self.fields["author"].queryset = bylines_offered(self.instance.author_id)

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
        if self.action and self.action.clears_note:
            self.instance.review_note = ""  # answered: it stays in the history
        return super().save(commit)

    # The workflow actions this editor may take on this briefing (workflow.py): the
    # admin gives each form its own.
    allowed_actions = ()

    def clean(self):
        cleaned = super().clean()
        self.apply_action()
        if self.instance.pk:
            self.apply_choices()
            self.merge_with_saved()
        return cleaned

    def apply_action(self):
        """The state the chosen button leaves the briefing in, and what it needs.

        A form posted without a button (a script's, say) keeps the state it sends.
        """
        name = self.data.get("_action")
        if not name:
            return
        self.action = workflow.chosen(self.allowed_actions, name)
        if self.action is None:
            raise forms.ValidationError(
                "That action is not open to you on this briefing now.", code="action"
            )
        self.cleaned_data["status"] = self.action.status
        when = self.cleaned_data.get("published_at")
        future = when is not None and when > timezone.now()
        if self.action is workflow.SEND_BACK and not self.cleaned_data.get("review_note"):
            self.add_error("review_note", "Say what it needs: the writer reads this note.")
        elif self.action is workflow.SCHEDULE and not future:
            self.add_error("published_at", "Choose a date and time in the future to schedule it.")
        elif self.action is workflow.PUBLISH and future:
            self.add_error(
                "published_at",
                "This date is in the future: schedule it, or clear the date to publish now.",
            )
        elif self.action is workflow.PUBLISH_NOW:
            self.cleaned_data["published_at"] = timezone.now()
        if self.action.clears_note and "review_note" in self.cleaned_data:
            self.cleaned_data["review_note"] = ""

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

    def merge_with_saved(self):
        """If another save came in since the form was opened, compare three ways
        (conflicts.py): take the other editor's values where only they changed a field,
        keep yours where only you did, and refuse the save while both changed one.

        The admin validates and saves in one transaction: the row is locked from this
        check until the commit, so of two saves in the same instant the second waits,
        then sees the first.
        """
        stored = Briefing.objects.filter(pk=self.instance.pk)
        if transaction.get_connection().in_atomic_block:
            stored = stored.select_for_update(no_key=True)
        stored = stored.first()
        opened = self.data.get(self.add_prefix("opened_version"), "")
        now = version_of(stored.updated_at)
        if opened == now:
            return
        stored.tag_names = upkeep.tag_names_of(stored.pk)
        theirs = conflicts.form_values(current_fields(stored))
        opened_from = self.data.get(self.add_prefix("opened_revision"))
        base = conflicts.base_values(stored, opened_from)
        base = conflicts.form_values(base) if base else None
        yours = {name: self.cleaned_data[name] for name in self.merged_fields()}
        comparison = conflicts.compare(base, yours, theirs)
        self.saved_since = saves_since(stored, opened, opened_from if base else None)
        self.data = self.data.copy()
        for name in comparison.taken:
            self.cleaned_data[name] = theirs[name]
            self.show(name, theirs[name])
        self.kept_saved |= set(comparison.taken)
        # The next save starts from what is stored now.
        self.data[self.add_prefix("opened_version")] = now
        self.data[self.add_prefix("opened_revision")] = str(
            conflicts.newest_version_id(stored) or ""
        )
        if comparison.conflicts:
            self.show_conflicts(comparison.conflicts, theirs, yours)
            raise forms.ValidationError(conflict_message(self.saved_since), code="conflict")

    def apply_choices(self):
        """For each field shown in conflict, the version the editor chose to keep."""
        shown_in_conflict = self.data.get("conflicting", "").split(",")
        names = [name for name in self.merged_fields() if name in shown_in_conflict]
        if not names:
            return
        opened_from = self.data.get(self.add_prefix("opened_revision"))
        base = conflicts.base_values(self.instance, opened_from)
        theirs = conflicts.form_values(base) if base else None
        unchosen = []
        for name in names:
            choice = self.data.get(f"resolve-{name}")
            if choice == conflicts.THEIRS and theirs is not None:
                self.cleaned_data[name] = theirs[name]
                self.kept_saved.add(name)
            elif choice != conflicts.YOURS:
                unchosen.append(name)
        if unchosen and theirs is not None:
            yours = {name: self.cleaned_data[name] for name in unchosen}
            self.show_conflicts(unchosen, theirs, yours)
            raise forms.ValidationError(
                "Choose, for each field in both versions, which one to keep.", code="unchosen"
            )

    def merged_fields(self):
        """The fields compared three ways that this form holds, valid."""
        return [name for name in conflicts.MERGED_FIELDS if name in self.cleaned_data]

    def show_conflicts(self, names, theirs, yours):
        self.conflicts = [
            conflicts.conflict(name, self.fields[name].label, theirs[name], yours[name])
            for name in names
        ]
        self.data = self.data.copy()
        self.data["conflicting"] = ",".join(names)
        for name in names:
            self.add_error(name, "Saved differently by someone else: choose above which to keep.")

    def show(self, name, value):
        """Put a saved value into the form as a browser would send it, so that the
        form shows it."""
        key, widget = self.add_prefix(name), self.fields[name].widget
        if name == "tags":
            self.data[key] = conflicts.tags_as_typed(value)
        elif name == "lead_image":
            pass  # the stored image is the form's own until another is chosen
        elif isinstance(widget, forms.MultiWidget):
            for index, (part, part_value) in enumerate(
                zip(widget.widgets, widget.decompress(value), strict=True)
            ):
                self.data[f"{key}_{index}"] = part.format_value(part_value) or ""
        else:
            self.data[key] = "" if value is None else str(getattr(value, "pk", value))

    @cached_property
    def changed_data(self):
        """What this save changes: not the fields it took from another editor's save,
        nor the form's own bookkeeping."""
        left_out = {"opened_version", "opened_revision", *self.kept_saved}
        return [name for name in super().changed_data if name not in left_out]

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
            "review_note": forms.Textarea(attrs={"rows": 3}),
            "body": forms.Textarea(attrs={"rows": 28, "class": "writing-body"}),
        }


def bylines_offered(current_author_id):
    """Staff, and the briefing's author even if no longer staff: a save must never
    drop a byline."""
    return (
        get_user_model()
        .objects.filter(Q(is_staff=True) | Q(pk=current_author_id))
        .order_by("first_name", "last_name", "username")
    )


def version_of(updated_at):
    return updated_at.isoformat() if updated_at else ""


def saves_since(briefing, opened, opened_revision):
    """Who saved the briefing since the form was opened, and what they changed: the
    revisions after the one it was opened from, else those dated after its version."""
    saves = Version.objects.get_for_object(briefing).select_related("revision__user")
    try:
        saves = saves.filter(pk__gt=int(opened_revision))
    except (TypeError, ValueError):
        try:
            since = datetime.fromisoformat(opened)
        except ValueError:
            since = datetime.min.replace(tzinfo=UTC)  # no version sent: every save counts
        saves = saves.filter(revision__date_created__gt=since)
    described = [describe_save(version.revision) for version in saves.order_by("pk")]
    return described or ["someone, outside the admin"]


def conflict_message(saved_since):
    return format_html(
        "Someone else saved this briefing after you opened it: {}. Nothing of yours was "
        "saved yet. Fields only they changed now hold their version; for each field you "
        "both changed, choose above which version to keep, then save again.",
        "; ".join(saved_since),
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

    move_address = forms.BooleanField(
        required=False,
        label="Change the address to match the name",
        help_text="The old address then leads to the new one (301), combinations included.",
    )

    class Meta:
        model = Tag
        fields = ["name", "slug", "kind", "same_as", "description"]
        field_classes = {"same_as": functools.partial(forms.URLField, assume_scheme="https")}

    def full_clean(self):
        """Checked and saved (with its other names, the admin's inline) under
        hold_names: the admin validates and saves in one transaction."""
        if self.is_bound:
            hold_names()
        super().full_clean()

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("move_address") and cleaned.get("name"):
            slug = text.fold(text.unicode_slug(cleaned["name"]))
            self.refuse_if_taken(
                holder_of_slug(slug, excluding=self.instance),
                "The topic “%(other)s” already has the address "
                "this name would take: merge the two instead.",
            )
            cleaned["slug"] = slug
        return cleaned

    def clean_name(self):
        name = " ".join(self.cleaned_data["name"].split())
        refuse_if_folded_too_long(name)
        self.refuse_if_taken(
            holder_of_name(name, excluding=self.instance),
            "The topic “%(other)s” already has this name: merge the two instead.",
        )
        return name

    def clean_slug(self):
        refuse_if_folded_too_long(self.cleaned_data["slug"])
        slug = text.fold(self.cleaned_data["slug"])
        self.refuse_if_taken(
            holder_of_slug(slug, excluding=self.instance),
            "The topic “%(other)s” already has this address.",
        )
        return slug

    def refuse_if_taken(self, holder, message):
        """holder: the other topic that has the name or address (models.holder_of_…)."""
        if holder:
            raise forms.ValidationError(message, params={"other": holder.name}, code="taken")


class OtherNamesFormSet(forms.BaseInlineFormSet):
    """A topic's other names: two rows folding to one name are one name typed twice."""

    def clean(self):
        super().clean()
        seen = set()
        for form in self.forms:
            name = form.cleaned_data.get("name") if form.cleaned_data else None
            if not name or form.cleaned_data.get("DELETE"):
                continue
            if text.name_key(name) in seen:
                form.add_error("name", "This name is given twice.")
            seen.add(text.name_key(name))


def refuse_if_folded_too_long(name):
    message = text.folded_too_long(name)
    if message:
        raise forms.ValidationError(message, code="folded_too_long")
