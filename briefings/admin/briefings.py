"""The briefing admin: the newsroom's roles, workflow, revisions and writing screen (its
JSON helpers are in endpoints.py)."""

import json
from contextlib import contextmanager

import reversion
from csp.decorators import csp_update
from django.contrib import admin, messages
from django.contrib.admin.models import LogEntry
from django.contrib.admin.options import IS_POPUP_VAR
from django.contrib.admin.widgets import AdminFileWidget
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction
from django.forms import HiddenInput, Textarea
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.decorators import method_decorator
from django.utils.formats import date_format
from django.utils.html import format_html
from taggit.models import Tag as TaggitTag

from .. import presence, revisions, roles, upkeep, workflow
from ..forms import BriefingAdminForm, time_zone_note
from ..models import Briefing, Correction, Status
from ..views.briefings import briefing_response, briefing_to_show
from .endpoints import WritingEndpoints
from .filters import MostUsedTagFilter, StateFilter, WhoseFilter

# Briefings use their own tag model; taggit's generic one would only confuse editors.
admin.site.unregister(TaggitTag)


class LeadImageInput(AdminFileWidget):
    """The stored lead image shown by its thumbnail rendition: the original it is
    rendered from is never public, so it is not linked."""

    template_name = "briefings/widgets/lead_image.html"


class CorrectionInline(admin.TabularInline):
    """Dated public corrections, listed on the briefing and on /corrections/."""

    model = Correction
    extra = 0
    fields = ["made_at", "text"]
    formfield_overrides = {models.TextField: {"widget": Textarea(attrs={"rows": 2, "cols": 80})}}


@admin.register(Briefing)
class BriefingAdmin(WritingEndpoints, admin.ModelAdmin):
    form = BriefingAdminForm
    list_display = ["title", "state", "byline", "tag_list", "changed"]
    list_select_related = ["author"]
    list_filter = [WhoseFilter, StateFilter, MostUsedTagFilter, "published_at"]
    search_fields = ["title", "standfirst", "body", "tags__name"]
    date_hierarchy = "published_at"
    show_full_result_count = False  # no COUNT(*) over the whole archive per page
    prepopulated_fields = {"slug": ["title"]}
    readonly_fields = ["created_at", "updated_at", "revised_at"]
    actions = ["publish", "unpublish"]
    list_per_page = 50
    # The writing column (the text) beside the rest; one column on phones. A note sent
    # back heads the writer's column (get_fieldsets).
    fieldsets = [
        ("From the editor", {"fields": ["review_note"]}),
        (None, {
            "fields": ["title", "slug", "standfirst", "body", "opened_version", "opened_revision"],
            "classes": ["writing-column"],
        }),
        ("Topics", {"fields": ["tags"]}),
        (
            "Publishing",
            {
                "fields": [
                    "status", "published_at", "substantive_update", "is_lead", "author",
                    "created_at", "updated_at", "revised_at",
                ]
            },
        ),
        (
            "Lead image",
            {"fields": ["lead_image", "lead_image_alt", "lead_image_caption", "lead_image_credit"]},
        ),
    ]  # fmt: skip
    inlines = [CorrectionInline]
    formfield_overrides = {models.ImageField: {"widget": LeadImageInput}}

    class Media:
        css = {"all": ["briefings/admin.css"]}
        js = ["briefings/admin_editing.js", "briefings/admin_writing.js"]

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("tags")

    # The workflow: buttons named for the actions this user may take (workflow.py).

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change, **kwargs)
        allowed = workflow.actions_for(request.user, obj)
        return type(form.__name__, (form,), {"allowed_actions": allowed})

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        context["page_preview_url"] = (
            reverse("admin:briefings_briefing_page_preview", args=[obj.pk])
            if obj
            else reverse("admin:briefings_briefing_new_page_preview")
        )
        context["workflow_actions"] = workflow.actions_for(request.user, obj)
        context["workflow_state"] = self.state(obj) if obj else "New draft"
        return super().render_change_form(request, context, add, change, form_url, obj)

    def response_add(self, request, obj, post_url_continue=None):
        return self.response_to_action(request, obj) or super().response_add(
            request, obj, post_url_continue
        )

    def response_change(self, request, obj):
        return self.response_to_action(request, obj) or super().response_change(request, obj)

    def response_to_action(self, request, obj):
        """Say what the action did; stay on the page to go on writing, else go back to
        the list. None for a form posted without an action."""
        action = workflow.chosen(workflow.ALL, request.POST.get("_action"))
        if action is None or IS_POPUP_VAR in request.POST:
            return None
        self.message_user(request, action.message(obj), messages.SUCCESS)
        if action.stays:
            return redirect(reverse("admin:briefings_briefing_change", args=[obj.pk]))
        return redirect(reverse("admin:briefings_briefing_changelist"))

    def construct_change_message(self, request, form, formsets, add=False):
        """What the action did, then what changed: "Submitted for review. Changed Body."
        A note sent back is kept in the history with it."""
        changes = super().construct_change_message(request, form, formsets, add)
        action = form.action
        if action is None:
            return changes
        said = [action.logged]
        if action is workflow.SEND_BACK:
            said.append(f"Note to the writer: {form.cleaned_data.get('review_note', '')}")
        listed = LogEntry(change_message=json.dumps(changes)).get_change_message()
        if listed and not add:
            said.append(listed)
        return " ".join(said)

    # Every request that may save opens a revision, which records who saved what.

    @method_decorator(csp_update({"frame-src": ["'self'"]}))  # the page preview's frame
    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        if object_id and request.method == "GET":
            others = presence.note_open(object_id, request.user)
            extra_context = {**(extra_context or {}), "also_editing": others}
        with revision_by(request.user):
            return super().changeform_view(request, object_id, form_url, extra_context)

    def changelist_view(self, request, extra_context=None):
        with revision_by(request.user):
            return super().changelist_view(request, extra_context)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        revisions.record(form.instance)  # with the tags just saved
        saved_as = getattr(form.fields.get("tags"), "saved_as", [])
        if saved_as:
            said = "; ".join(f"{typed} saved as {name}" for typed, name in saved_as)
            self.message_user(request, f"Other names of topics: {said}.", messages.INFO)

    def log_addition(self, request, obj, message):
        entry = super().log_addition(request, obj, message)
        if reversion.is_active():
            reversion.set_comment(entry.get_change_message() or "Created.")
        return entry

    def log_change(self, request, obj, message):
        entry = super().log_change(request, obj, message)
        if reversion.is_active():
            reversion.set_comment(entry.get_change_message() or "Saved without changes.")
        return entry

    def history_view(self, request, object_id, extra_context=None):
        briefing = get_object_or_404(Briefing, pk=object_id)
        extra_context = {**(extra_context or {}), "revisions": revisions.history(briefing)}
        return super().history_view(request, object_id, extra_context)

    def view_on_site(self, briefing):
        """The page as readers see it, or will: the preview, whatever its state."""
        return reverse("admin:briefings_briefing_preview", args=[briefing.pk])

    def preview_view(self, request, object_id):
        """The briefing's page as readers will see it, for those who may view it here;
        public pages never depend on who asks."""
        briefing = briefing_to_show(Briefing.objects.filter(pk=object_id))
        if briefing is None:
            raise Http404("No such briefing.")
        if not self.has_view_or_change_permission(request, briefing):
            raise PermissionDenied
        return briefing_response(request, briefing)

    def get_urls(self):
        compare = self.admin_site.admin_view(self.revision_view)
        editing = self.admin_site.admin_view(self.presence_view)
        return [
            path("<int:object_id>/preview/", self.admin_site.admin_view(self.preview_view),
                 name="briefings_briefing_preview"),
            path("<int:object_id>/revisions/<int:version_id>/", compare,
                 name="briefings_briefing_revision"),
            path("<int:object_id>/editing/", editing, name="briefings_briefing_editing"),
            path("writing/length/", self.admin_site.admin_view(self.body_length_view),
                 name="briefings_briefing_body_length"),
            path("writing/page/", self.admin_site.admin_view(self.page_preview_view),
                 name="briefings_briefing_new_page_preview"),
            path("<int:object_id>/page/", self.admin_site.admin_view(self.page_preview_view),
                 name="briefings_briefing_page_preview"),
            path("writing/tags/", self.admin_site.admin_view(self.tags_typed_view),
                 name="briefings_briefing_tags_typed"),
            path("writing/images/", self.admin_site.admin_view(self.library_view),
                 name="briefings_briefing_library"),
            *super().get_urls(),
        ]  # fmt: skip

    def revision_view(self, request, object_id, version_id):
        """A revision beside the briefing as it is now; restored on POST."""
        briefing = get_object_or_404(Briefing, pk=object_id)
        if not self.has_view_or_change_permission(request, briefing):
            raise PermissionDenied
        version = get_object_or_404(revisions.history(briefing), pk=version_id)
        may_restore = self.has_change_permission(request, briefing)
        if request.method == "POST":
            if not may_restore:
                raise PermissionDenied
            return self.restore(request, briefing, version)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": f"Revision of {local_time(version.revision.date_created)}",
            "briefing": briefing,
            "version": version,
            "differences": revisions.differences(
                revisions.stored_fields(version), revisions.current_fields(briefing)
            ),
            "may_restore": may_restore,
        }
        return TemplateResponse(request, "admin/briefings/briefing/revision.html", context)

    def restore(self, request, briefing, version):
        saved = local_time(version.revision.date_created)
        try:
            with transaction.atomic(), revision_by(request.user):
                revisions.restore(briefing, version)
                self.log_change(request, briefing, f"Restored the revision of {saved}.")
        except ValidationError as error:
            self.message_user(request, " ".join(error.messages), messages.ERROR)
            return redirect(request.path)
        self.message_user(request, f"Restored the revision of {saved}.", messages.SUCCESS)
        return redirect(reverse("admin:briefings_briefing_change", args=[briefing.pk]))

    def get_changeform_initial_data(self, request):
        return {"author": request.user, **super().get_changeform_initial_data(request)}

    # What a Writer may not do, refused here on the server whatever the browser sends.

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and may_edit(request.user, obj)

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and may_edit(request.user, obj)

    def has_publish_permission(self, request):
        return roles.can_publish(request.user)

    def get_actions(self, request):
        actions = super().get_actions(request)
        if not roles.can_publish(request.user):
            # Bulk deletion checks no briefing in particular: a Writer deletes a draft
            # from its own page.
            actions.pop("delete_selected", None)
        return actions

    def get_inlines(self, request, obj):
        return self.inlines if obj is not None else []  # nothing to correct yet

    def get_fieldsets(self, request, obj=None):
        """What this user can use on this briefing; times name their zone."""
        left_out = set()
        if not self.has_change_permission(request, obj):
            # Nothing can be saved.
            left_out |= {"opened_version", "opened_revision", "substantive_update"}
        if obj is None or not obj.is_published_now:
            left_out.add("substantive_update")  # an update is news only once it is out
        if not roles.can_publish(request.user):
            left_out.add("is_lead")  # what leads the site is an editor's choice
        if obj is None or not (obj.review_note or roles.can_publish(request.user)):
            left_out.add("review_note")  # no note to read, none to write
        fieldsets = []
        for name, options in super().get_fieldsets(request, obj):
            fields = [field for field in options["fields"] if field not in left_out]
            if name == "Publishing":
                options = {**options, "description": time_zone_note()}
            if name == "From the editor" and not roles.can_publish(request.user):
                options = {**options, "classes": ["writing-column"]}  # what came back
            if fields:
                fieldsets.append((name, {**options, "fields": fields}))
        return fieldsets

    def get_readonly_fields(self, request, obj=None):
        fields = super().get_readonly_fields(request, obj)
        if roles.can_publish(request.user):
            return fields
        return [*fields, "published_at", "author", "review_note"]

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        formfield = super().formfield_for_dbfield(db_field, request, **kwargs)
        if db_field.name == "author" and formfield:
            # Authors by the name readers see; users are managed in their own admin.
            formfield.label_from_instance = author_label  # offered as forms.bylines_offered
            widget = formfield.widget
            widget.can_add_related = widget.can_change_related = False
            widget.can_delete_related = widget.can_view_related = False
        return formfield

    def formfield_for_choice_field(self, db_field, request, **kwargs):
        if db_field.name == "status":
            kwargs["widget"] = HiddenInput  # set by the workflow's buttons
            if not roles.can_publish(request.user):
                kwargs["choices"] = [(state.value, state.label) for state in WRITER_STATES]
        return super().formfield_for_choice_field(db_field, request, **kwargs)

    def get_ordering(self, request):
        """A Writer's work by last change; the archive by publication date."""
        if roles.can_publish(request.user):
            return super().get_ordering(request)
        return ["-updated_at", "-pk"]

    def save_model(self, request, obj, form, change):
        if not change and not roles.can_publish(request.user):
            obj.author = request.user  # a Writer's own briefing
        upkeep.briefing_editing(obj.pk, form.cleaned_data.get("tags", []))
        super().save_model(request, obj, form, change)
        if form.kept_saved:
            kept = ", ".join(str(form.fields[name].label) for name in sorted(form.kept_saved))
            self.message_user(
                request,
                f"Saved with what others saved since you opened it ({'; '.join(form.saved_since)}"
                f"): their {kept} kept.",
                messages.INFO,
            )

    @admin.display(description="State", ordering="published_at")
    def state(self, briefing):
        """The state as an editor thinks of it, with its date when it has one."""
        if briefing.status != Status.PUBLISHED:
            return briefing.get_status_display()
        when = short_time(briefing.published_at)
        label = "Published" if briefing.is_published_now else "Scheduled for"
        return format_html("{}<br>{}", label, when)

    @admin.display(description="Topics")
    def tag_list(self, briefing):
        names = [tag.name for tag in briefing.tags.all()]
        shown = ", ".join(names[:LISTED_TOPICS])
        return f"{shown} +{len(names) - LISTED_TOPICS}" if len(names) > LISTED_TOPICS else shown

    @admin.display(description="Author", ordering="author__first_name")
    def byline(self, briefing):
        if briefing.author is None:
            return "—"
        return briefing.author.get_full_name() or briefing.author.get_username()

    @admin.display(description="Changed", ordering="updated_at")
    def changed(self, briefing):
        return short_time(briefing.updated_at)

    @admin.action(description="Publish selected briefings", permissions=["publish"])
    def publish(self, request, queryset):
        changed = queryset.publish()
        for briefing in changed:
            revisions.record(briefing)
            self.log_change(request, briefing, "Published.")
        self.message_user(request, f"Published {len(changed)} briefing(s).", messages.SUCCESS)

    @admin.action(description="Unpublish selected briefings", permissions=["publish"])
    def unpublish(self, request, queryset):
        changed = queryset.unpublish()
        for briefing in changed:
            revisions.record(briefing)
            self.log_change(request, briefing, "Unpublished: back to draft.")
        self.message_user(
            request, f"Moved {len(changed)} briefing(s) back to draft.", messages.SUCCESS
        )


WRITER_STATES = [Status.DRAFT, Status.IN_REVIEW]
LISTED_TOPICS = 3  # in the change list; the rest counted


@contextmanager
def revision_by(user):
    """A revision of whatever is saved in the block, recorded as this user's."""
    with reversion.create_revision():
        reversion.set_user(user)
        yield


def short_time(moment):
    """A time in a change list's narrow column, in the newsroom's zone."""
    return date_format(timezone.localtime(moment), "j M Y, H:i")


def local_time(moment):
    """A time as the newsroom reads it, in its own zone (stored times are UTC)."""
    return date_format(timezone.localtime(moment), "DATETIME_FORMAT")


def author_label(user):
    name = user.get_full_name()
    return name or f"{user.get_username()} (no full name: bylined as the desk)"


def may_edit(user, briefing):
    """Editors edit any briefing; a Writer only their own drafts (not in review or out)."""
    return (
        briefing is None
        or roles.can_publish(user)
        or (briefing.author_id == user.pk and briefing.status == Status.DRAFT)
    )
