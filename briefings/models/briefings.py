"""Briefings, and the one rule of what readers may see: `published_condition`.

Derived columns (the rendered body, the card, the public flag, the tag names as typed)
are written by briefings/upkeep.py alone; `save` keeps the image files.
"""

import functools

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from reversion.models import Version
from taggit.managers import TaggableManager

from .. import images
from .tags import MAX_TAGS_PER_BRIEFING, CasefoldTagManager, TaggedBriefing


class Status(models.TextChoices):
    """Draft -> in review -> published, and back to draft; published with a future
    date is scheduled."""

    DRAFT = "draft", "Draft"
    IN_REVIEW = "review", "In review"
    PUBLISHED = "published", "Published"


def published_condition(prefix="", at=None):
    """What readers may see: published status and publication time reached.

    The one definition: published(), the admin's state filter and is_published_now
    all come from it. `prefix` applies it through a relation ("content_object__" from
    a tag link); `at` is the time to judge by, now unless given.
    """
    return Q(
        **{
            f"{prefix}status": Status.PUBLISHED,
            f"{prefix}published_at__lte": at or timezone.now(),
        }
    )


class BriefingQuerySet(models.QuerySet):
    def published(self, at=None):
        return self.filter(published_condition(at=at))

    def not_published(self):
        return self.exclude(published_condition())

    def publish(self):
        """Publish these briefings, dated now; returns the briefings that changed."""
        return self._set_status(Status.PUBLISHED)

    def unpublish(self):
        """Move these briefings back to draft, undated; returns the briefings that changed."""
        return self._set_status(Status.DRAFT)

    def _set_status(self, status):
        # One save each, so that counts, cached pages and history follow as for any edit.
        changed = []
        with transaction.atomic():
            # Locked by primary key: the admin may pass a DISTINCT queryset (a search
            # across tags), which FOR UPDATE refuses.
            chosen = Briefing.objects.filter(pk__in=self.values("pk")).exclude(status=status)
            for briefing in chosen.select_for_update().order_by("pk"):
                briefing.status = status
                briefing.save()
                changed.append(briefing)
        return changed


@functools.lru_cache(maxsize=20_000)
def briefing_url(slug):
    return reverse("briefings:detail", kwargs={"slug": slug})


# Written by upkeep.py's own updates, never by a save of a whole instance.
KEPT_BY_UPKEEP = {"counts_as_public", "card_html", "card_format", "tag_names"}


class Briefing(models.Model):
    title = models.CharField(max_length=200)
    slug = models.SlugField(max_length=200, unique=True, help_text="The briefing's web address.")
    standfirst = models.TextField(
        max_length=400,
        help_text="One or two sentences; shown in lists and to search engines.",
    )
    body = models.TextField(
        help_text="Markdown: ## heading · *emphasis* · **strong** · [link text](https://…) · "
        "> quotation · - list item · 1. numbered item · | table | row | · a footnote[^1] "
        "with [^1]: its text below."
    )
    body_html = models.TextField(editable=False, default="")
    reading_minutes = models.PositiveSmallIntegerField(editable=False, default=1)
    # Its card in lists, rendered when anything it shows changes (briefings/cards.py),
    # and the format it was rendered in: a card of another format is rendered afresh.
    card_html = models.TextField(editable=False, default="")
    card_format = models.CharField(max_length=16, editable=False, default="")
    lead_image = models.ImageField(
        upload_to="briefings/originals/",
        max_length=255,
        blank=True,
        validators=[images.validate_upload],
        help_text="JPEG, PNG or WebP, up to 20 MB and 40 megapixels.",
    )
    lead_image_alt = models.CharField(
        "alt text",
        max_length=250,
        blank=True,
        help_text="What the image shows, for readers who cannot see it.",
    )
    lead_image_caption = models.CharField("caption", max_length=300, blank=True)
    lead_image_credit = models.CharField("credit", max_length=200, blank=True)
    renditions = models.JSONField(editable=False, default=dict)
    tags = TaggableManager(
        through=TaggedBriefing,
        manager=CasefoldTagManager,
        blank=True,
        help_text="Separate tags with commas: Tianjin summit, border talks. Put a name "
        f'that holds a comma in double quotes: "Talks, round two". At most '
        f"{MAX_TAGS_PER_BRIEFING}.",
    )
    # The tags as an editor types them, kept by upkeep.py for revisions (revisions.py):
    # a revision keeps names, since a tag merged or deleted since has no id to go back to.
    tag_names = models.TextField(editable=False, default="")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.DRAFT)
    # Whether topic counts and cached lists include this briefing. It follows
    # published() through briefings/upkeep.py: on a save, and when a scheduled time
    # comes, with no save (`manage.py release_due`).
    counts_as_public = models.BooleanField(default=False, editable=False)
    published_at = models.DateTimeField(
        "publication date",
        null=True,
        blank=True,
        db_index=True,
        help_text="Leave empty to use the moment it is published; a future time schedules it. "
        "Only published briefings have one.",
    )
    is_lead = models.BooleanField(
        "lead story",
        default=False,
        help_text="Lead the home page with this briefing while it is the newest published "
        "lead story; without one, the newest briefing leads.",
    )
    review_note = models.TextField(
        "note to the writer",
        blank=True,
        help_text="Why a briefing goes back to its writer, and what it needs; the writer "
        "sees it on this form.",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    # Set only when an editor marks an edit as a substantive update: shown to readers as
    # "Updated". Other saves change updated_at alone.
    revised_at = models.DateTimeField("updated for readers", null=True, editable=False)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="briefings",
    )

    objects = BriefingQuerySet.as_manager()

    class Meta:
        ordering = ["-published_at", "-pk"]
        indexes = [
            # Serves published() and its newest-first, keyset-paginated order.
            models.Index(fields=["status", "-published_at", "-id"], name="briefing_published_idx"),
            # The lead stories, newest first: few, so the home page finds its lead at once.
            models.Index(
                fields=["-published_at"], condition=Q(is_lead=True), name="briefing_lead_idx"
            ),
            # Finds briefings whose scheduled time has come but that are not live yet:
            # the dated ones among those not live (only published briefings keep a date).
            # A condition on the status would keep SQLite from using the index, as the
            # status comes to it as a query parameter.
            models.Index(
                fields=["published_at"],
                condition=Q(counts_as_public=False),
                name="briefing_due_idx",
            ),
        ]
        permissions = [("publish_briefing", "Can publish, schedule and unpublish briefings")]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(status=Status.PUBLISHED, published_at=None),
                name="published_briefing_has_date",
            ),
            models.CheckConstraint(
                condition=models.Q(lead_image="") | ~models.Q(lead_image_alt=""),
                name="lead_image_has_alt_text",
            ),
        ]

    def __str__(self):
        return self.title

    def save(self, *args, **kwargs):
        if not self._state.adding and kwargs.get("update_fields") is None:
            # Derived columns change only through upkeep.py's own updates; writing back
            # this instance's copies could undo one made meanwhile.
            kwargs["update_fields"] = [
                field.name
                for field in self._meta.concrete_fields
                if not field.primary_key and field.name not in KEPT_BY_UPKEEP
            ]
        new_upload = images.saves_new_upload(self, self.lead_image)
        previous_image = self.stored_image() if new_upload or not self.lead_image else None
        if images.is_new_upload(self.lead_image):
            self.renditions = images.store_upload(self.lead_image)
        elif not self.lead_image:
            self.renditions = {}
        with images.kept_only_if_saved(self.lead_image, self.renditions, new_upload):
            super().save(*args, **kwargs)
        if previous_image:
            transaction.on_commit(lambda: delete_image_files_if_unused(*previous_image))

    def get_absolute_url(self):
        return briefing_url(self.slug)

    def clean(self):
        # Before the constraint check that validation runs next.
        stamp_publication_time(self)
        if self.lead_image and not self.lead_image_alt.strip():
            raise ValidationError(
                {"lead_image_alt": "Describe the image for readers who cannot see it."}
            )

    def full_clean(self, *args, **kwargs):
        super().full_clean(*args, **kwargs)
        images.store_for_form(self, "lead_image")  # once all else holds

    def stored_image(self):
        """The lead image name and renditions in the database, before this save."""
        if self.pk is None:
            return None
        stored = type(self).objects.filter(pk=self.pk).values_list("lead_image", "renditions")
        name, renditions = stored.first() or ("", {})
        return (name, renditions) if name else None

    @property
    def is_published_now(self):
        """published_condition() read off this instance as it is in memory (a test
        holds the two to the same answers)."""
        return (
            self.status == Status.PUBLISHED
            and self.published_at is not None
            and self.published_at <= timezone.now()
        )

    @property
    def thumbnail(self):
        return images.picture(self.renditions, "thumb")

    @property
    def page_image(self):
        return images.picture(self.renditions, "page")

    @property
    def preview_image(self):
        """The image for link previews; images uploaded before there were preview
        renditions use their page rendition."""
        return images.picture(self.renditions, "preview") or self.page_image

    @property
    def byline(self):
        """The author's full name, or the desk's; never the login name, never blank."""
        name = self.author.get_full_name() if self.author else ""
        return name or settings.DESK_NAME


def stamp_publication_time(briefing):
    """A briefing published without a date goes out now; one taken back loses its
    date, so it is never listed as if it were out, and republishing dates it anew
    (its first date stays in its revisions)."""
    if briefing.status != Status.PUBLISHED:
        briefing.published_at = None
    elif briefing.published_at is None:
        briefing.published_at = timezone.now()


def delete_image_files_if_unused(original_name, renditions):
    """Remove a lead image's files once no briefing uses them (benchmark data shares them).

    The original stays while a revision refers to it, so restoring that revision can make
    its renditions again; `manage.py clean_media` removes it once none does.
    """
    if Briefing.objects.filter(lead_image=original_name).exists():
        return
    images.delete_files(images.rendition_files(renditions))
    if not revisions_refer_to(original_name):
        images.delete_files([original_name])


def revisions_refer_to(file_name):
    return (
        Version.objects.get_for_model(Briefing).filter(serialized_data__contains=file_name).exists()
    )
