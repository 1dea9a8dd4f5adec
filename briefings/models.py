from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models.functions import Lower
from django.db.models.signals import post_delete
from django.dispatch import receiver
from django.urls import reverse
from django.utils import timezone
from taggit.managers import TaggableManager
from taggit.models import ItemBase, TagBase

from . import images, text
from .page_cache import start_new_generation

TAG_SLUG_BASE_LENGTH = 90  # leaves room for taggit's "_2" suffix in a 100-character slug


def validate_tag_slug(value):
    if not text.is_unicode_slug(value):
        raise ValidationError(
            "Use letters, digits, hyphens and underscores only (any script).",
            code="invalid_tag_slug",
        )


class Tag(TagBase):
    """A topic. Names are unique whatever their case; slugs keep non-Latin scripts."""

    # Django's unicode slug validator rejects combining marks, so Hindi slugs
    # could not be saved through a form.
    slug = models.CharField(max_length=100, unique=True, validators=[validate_tag_slug])

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(Lower("name"), name="tag_name_unique_ignoring_case"),
        ]

    def get_absolute_url(self):
        return reverse("briefings:tag", kwargs={"slugs": [self.slug]})

    def slugify(self, tag, i=None):
        slug = text.unicode_slug(tag)[:TAG_SLUG_BASE_LENGTH] or "tag"
        return slug if i is None else f"{slug}_{i}"


class TaggedBriefing(ItemBase):
    tag = models.ForeignKey(Tag, on_delete=models.CASCADE, related_name="tagged_briefings")
    content_object = models.ForeignKey(
        "Briefing", on_delete=models.CASCADE, related_name="tagged_items"
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["content_object", "tag"], name="briefing_tag_once"),
        ]


class Status(models.TextChoices):
    DRAFT = "draft", "Draft"
    PUBLISHED = "published", "Published"


class BriefingQuerySet(models.QuerySet):
    def published(self):
        """What the public may see: published status and publication time reached."""
        return self.filter(status=Status.PUBLISHED, published_at__lte=timezone.now())

    def publish(self):
        """Publish these briefings, dating those without a date now; returns how many changed."""
        self.filter(published_at=None).update(published_at=timezone.now())
        return self._set_status(Status.PUBLISHED)

    def unpublish(self):
        """Move these briefings back to draft; returns how many changed."""
        return self._set_status(Status.DRAFT)

    def _set_status(self, status):
        count = self.exclude(status=status).update(status=status)
        start_new_generation()  # update() sends no save signals
        return count

    def for_listing(self):
        """Newest first, with what a list card shows: tags in one more query, no body."""
        return (
            self.order_by("-published_at", "-pk")
            .defer("body", "body_html")
            .prefetch_related("tags")
        )


class Briefing(models.Model):
    title = models.CharField(max_length=200)
    slug = models.SlugField(max_length=200, unique=True, help_text="The briefing's web address.")
    standfirst = models.TextField(
        max_length=400,
        help_text="One or two sentences; shown in lists and to search engines.",
    )
    body = models.TextField(
        help_text="Markdown: ## heading, *emphasis*, **strong**, [link](https://…), "
        "> quote, - list item."
    )
    body_html = models.TextField(editable=False, default="")
    reading_minutes = models.PositiveSmallIntegerField(editable=False, default=1)
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
        blank=True,
        help_text="Separate tags with commas: border talks, SCO. Without a comma, "
        'spaces separate tags, so quote a single name with spaces: "border talks".',
    )
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.DRAFT)
    published_at = models.DateTimeField(
        "publication date",
        null=True,
        blank=True,
        db_index=True,
        help_text="Leave empty to use the moment it is published; a future time schedules it.",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
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
        # Serves published() and its newest-first order from the index alone.
        indexes = [models.Index(fields=["status", "published_at"], name="briefing_published_idx")]
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
        self.stamp_publication_time()
        self.body_html = text.render_markdown(self.body)
        self.reading_minutes = text.reading_minutes(self.body_html)
        new_upload = self.lead_image and not self.lead_image._committed
        previous_image = self.stored_image() if new_upload or not self.lead_image else None
        if new_upload:
            cleaned = images.strip_metadata(self.lead_image)
            self.lead_image.save(cleaned.name, cleaned, save=False)
            self.renditions = images.make_renditions(self.lead_image)
        elif not self.lead_image:
            self.renditions = {}
        super().save(*args, **kwargs)
        if previous_image:
            transaction.on_commit(lambda: delete_image_files_if_unused(*previous_image))

    def get_absolute_url(self):
        return reverse("briefings:detail", kwargs={"slug": self.slug})

    def clean(self):
        # Before the constraint check that validation runs next.
        self.stamp_publication_time()
        if self.lead_image and not self.lead_image_alt.strip():
            raise ValidationError(
                {"lead_image_alt": "Describe the image for readers who cannot see it."}
            )

    def stored_image(self):
        """The lead image name and renditions in the database, before this save."""
        if self.pk is None:
            return None
        stored = type(self).objects.filter(pk=self.pk).values_list("lead_image", "renditions")
        name, renditions = stored.first() or ("", {})
        return (name, renditions) if name else None

    def stamp_publication_time(self):
        """A briefing published without a date goes out now."""
        if self.status == Status.PUBLISHED and self.published_at is None:
            self.published_at = timezone.now()

    @property
    def is_public(self):
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
    def sorted_tags(self):
        """Tags in alphabetical order, from the prefetched tags (taggit's prefetch has no order)."""
        return sorted(self.tags.all(), key=lambda tag: tag.name.casefold())

    @property
    def byline(self):
        """The author's full name; never the login name."""
        return self.author.get_full_name() if self.author else ""

    @property
    def was_updated(self):
        """Edited after it went out; saves within a minute count as publishing it.

        Content entered after its (back-dated) publication date counts from its
        creation, so an import is not shown as an update.
        """
        if self.published_at is None:
            return False
        went_out = max(self.published_at, self.created_at)
        return (self.updated_at - went_out).total_seconds() > 60


def delete_image_files_if_unused(original_name, renditions):
    """Remove a lead image's files once no briefing uses them (benchmark data shares them)."""
    if not Briefing.objects.filter(lead_image=original_name).exists():
        images.delete_files(images.stored_files(original_name, renditions))


@receiver(post_delete, sender=Briefing)
def remove_image_files_of_deleted_briefing(sender, instance, **kwargs):
    if instance.lead_image:
        name, renditions = instance.lead_image.name, instance.renditions
        transaction.on_commit(lambda: delete_image_files_if_unused(name, renditions))
