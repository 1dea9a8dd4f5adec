import functools

from django.conf import settings
from django.contrib.postgres.search import SearchVectorField
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models import Count, Exists, F, OuterRef, Q
from django.urls import reverse
from django.utils import timezone
from reversion.models import Version
from taggit.managers import TaggableManager, _TaggableManager
from taggit.models import ItemBase, NaturalKeyManager, TagBase

from . import images, text

TAG_SLUG_BASE_LENGTH = 90  # leaves room for taggit's "_2" suffix in a 100-character slug
OTHER_INITIAL = "#"  # tags index section for names not starting with a Latin letter


def validate_tag_slug(value):
    if not text.is_unicode_slug(value):
        raise ValidationError(
            "Use letters, digits, hyphens and underscores only (any script).",
            code="invalid_tag_slug",
        )


class TagQuerySet(models.QuerySet):
    """Tag queries. Public code passes only published() briefings; the admin may pass any."""

    def in_use(self):
        """Tags that at least one public briefing carries."""
        return self.filter(published_count__gt=0)

    def by_use(self):
        """Most used first; the admin lists unused tags too."""
        return self.order_by("-published_count", "sort_key")

    def most_used(self):
        return self.in_use().by_use()

    def carried_by(self, briefings, limit, excluding=()):
        """Up to `limit` tags that these briefings carry, most carried first.

        Rows of (tag id, how many carry it), grouped from the links by id alone:
        starting from the tags table instead, SQLite would probe every tag in it,
        and grouping by name would sort every link's name.
        """
        return (
            TaggedBriefing.objects.filter(content_object__in=briefings)
            .exclude(tag__in=excluding)
            .values_list("tag")
            .annotate(count=Count("pk"))
            .order_by("-count", "tag")[:limit]
        )

    def with_names(self, names):
        """The tags with these names, matched ignoring case in every script."""
        return self.filter(name_key__in=[text.name_key(name) for name in names])

    def add_to_published_count(self, delta):
        return self.update(published_count=F("published_count") + delta)

    def recount_published(self):
        """Set these tags' published counts from scratch (after bulk loads, or to repair).

        One pass over the live links, grouped, rather than a count per tag.
        """
        counts = dict(
            TaggedBriefing.objects.filter(content_object__is_live=True, tag__in=self)
            .values_list("tag")
            .annotate(count=Count("pk"))
        )
        tags = list(self.only("pk", "published_count"))
        for tag in tags:
            tag.published_count = counts.get(tag.pk, 0)
        self.bulk_update(tags, ["published_count"], batch_size=1000)


class Tag(TagBase):
    """A topic. Names are unique ignoring case in every script; slugs keep non-Latin scripts."""

    # Django's unicode slug validator rejects combining marks, so Hindi slugs
    # could not be saved through a form.
    slug = models.CharField(max_length=100, unique=True, validators=[validate_tag_slug])
    # The database's LOWER() folds only ASCII on SQLite, so uniqueness ignoring case
    # rests on a folded copy of the name made in Python.
    name_key = models.CharField(max_length=100, unique=True, editable=False)
    # The order readers expect: ignoring case and accents (text.sort_key).
    sort_key = models.CharField(max_length=202, editable=False, default="")
    initial = models.CharField(max_length=1, editable=False, default=OTHER_INITIAL)
    published_count = models.PositiveIntegerField(
        "published briefings",
        default=0,
        editable=False,
        help_text="Kept up to date as briefings go live or leave the site.",
    )
    description = models.TextField(
        max_length=2000,
        blank=True,
        help_text="Optional, shown on the topic's page. Markdown: *emphasis*, [link](https://…).",
    )
    description_html = models.TextField(editable=False, default="")

    objects = TagQuerySet.as_manager()

    class Meta:
        ordering = ["sort_key"]
        indexes = [
            models.Index(fields=["-published_count", "sort_key"], name="tag_most_used_idx"),
            models.Index(fields=["initial", "sort_key"], name="tag_initial_idx"),
        ]

    def save(self, *args, **kwargs):
        self.fill_derived_fields()
        super().save(*args, **kwargs)

    def fill_derived_fields(self):
        self.name_key = text.name_key(self.name)
        self.sort_key = text.sort_key(self.name)
        self.initial = text.index_initial(self.name_key) or OTHER_INITIAL
        if self.slug:
            self.slug = text.fold(self.slug)
        self.description_html = text.render_markdown(self.description)

    def absorb(self, others):
        """Merge other tags into this one: their briefings carry it, their addresses lead
        to it, and they are deleted."""
        for other in others:
            for link in other.tagged_briefings.select_related("content_object"):
                link.content_object.tags.add(self)
            other.former_slugs.update(tag=self)
            FormerTagSlug.objects.update_or_create(slug=other.slug, defaults={"tag": self})
            other.delete()

    def get_absolute_url(self):
        return tag_filter_url((self.slug,))

    def slugify(self, tag, i=None):
        slug = text.unicode_slug(tag)[:TAG_SLUG_BASE_LENGTH] or "tag"
        return slug if i is None else f"{slug}_{i}"


@functools.lru_cache(maxsize=20_000)
def tag_filter_url(slugs):
    """The address of the page for these tag slugs (a sorted tuple); reversed once each."""
    return reverse("briefings:tag", kwargs={"slugs": list(slugs)})


@functools.lru_cache(maxsize=20_000)
def briefing_url(slug):
    return reverse("briefings:detail", kwargs={"slug": slug})


class CasefoldTagManager(_TaggableManager):
    """Finds the existing tag for a typed name ignoring case in any script.

    taggit matches names with the database's iexact, which folds only ASCII on SQLite:
    "École" would not find "école" there and would then break the uniqueness rule.
    """

    def _to_tag_model_instances(self, tags, tag_kwargs):
        names = [tag for tag in tags if isinstance(tag, str)]
        existing = {tag.name_key: tag for tag in Tag.objects.with_names(names)}
        resolved = []
        for tag in tags:
            if isinstance(tag, str):
                key = text.name_key(tag)
                if key not in existing:
                    existing[key], _ = Tag.objects.get_or_create(
                        name_key=key, defaults={"name": tag}
                    )
                tag = existing[key]
            resolved.append(tag)
        return super()._to_tag_model_instances(resolved, tag_kwargs)


class TaggedBriefingQuerySet(models.QuerySet):
    def live_with_all(self, tag_ids):
        """Links of the live briefings carrying every one of these tags, one per briefing.

        The ids come rarest tag first. Links are read newest first from the index of
        the rarest tag's live links, and each is checked for the other tags by the
        (briefing, tag) index, so a page of a popular tag or of a long-tail one costs
        about the same at any archive size.
        """
        rarest, *others = tag_ids
        links = self.filter(tag=rarest, is_live=True)
        for tag in others:
            carries = TaggedBriefing.objects.filter(
                tag=tag, content_object=OuterRef("content_object")
            )
            links = links.filter(Exists(carries))
        return links


class TaggedBriefing(ItemBase):
    tag = models.ForeignKey(Tag, on_delete=models.CASCADE, related_name="tagged_briefings")
    content_object = models.ForeignKey(
        "Briefing", on_delete=models.CASCADE, related_name="tagged_items"
    )
    # Copies of the briefing's, kept by publication.py, so that a tag's newest live
    # briefings come from one index without touching the briefings table.
    is_live = models.BooleanField(default=False, editable=False)
    published_at = models.DateTimeField(null=True, editable=False)

    objects = NaturalKeyManager.from_queryset(TaggedBriefingQuerySet)()  # taggit's, extended

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["content_object", "tag"], name="briefing_tag_once"),
        ]
        indexes = [
            models.Index(
                fields=["tag", "-published_at", "-content_object"],
                condition=Q(is_live=True),
                name="tag_newest_live_idx",
            ),
        ]


class TagPairQuerySet(models.QuerySet):
    def adjust(self, pairs, delta):
        """Add delta to the count of each (tag id, other tag id) pair."""
        if not pairs:
            return
        if delta > 0:
            new = [TagPair(tag_id=tag, other_id=other) for tag, other in pairs]
            self.bulk_create(new, ignore_conflicts=True)
        chosen = Q()
        for tag, other in pairs:
            chosen |= Q(tag_id=tag, other_id=other)
        self.filter(chosen).update(count=F("count") + delta)

    def shared_with(self, tag, limit):
        """Up to `limit` other tags most often found with this one: (name, slug, sort key,
        count)."""
        return (
            self.filter(tag=tag, count__gt=0)
            .order_by("-count", "other__sort_key")
            .values_list("other__name", "other__slug", "other__sort_key", "count")[:limit]
        )

    def recount(self):
        """Count every pair from scratch, after bulk loads or to repair."""
        together = (
            TaggedBriefing.objects.filter(content_object__is_live=True)
            .annotate(other=F("content_object__tagged_items__tag"))
            .exclude(other=F("tag"))
            .values_list("tag", "other")
            .annotate(count=Count("pk"))
        )
        self.all().delete()
        self.bulk_create(
            (TagPair(tag_id=tag, other_id=other, count=count) for tag, other, count in together),
            batch_size=5000,
        )


class TagPair(models.Model):
    """How many live briefings carry both tags, stored both ways round.

    It gives a tag page its exact "narrow down" counts with one indexed query.
    """

    tag = models.ForeignKey(Tag, on_delete=models.CASCADE, related_name="pairs")
    other = models.ForeignKey(Tag, on_delete=models.CASCADE, related_name="+")
    count = models.PositiveIntegerField(default=0)

    objects = TagPairQuerySet.as_manager()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["tag", "other"], name="tag_pair_once"),
        ]
        indexes = [models.Index(fields=["tag", "-count"], name="tag_pair_most_shared_idx")]

    def __str__(self):
        return f"{self.tag} & {self.other}: {self.count}"


class Status(models.TextChoices):
    """Draft -> in review -> published, and back to draft; published with a future
    date is scheduled."""

    DRAFT = "draft", "Draft"
    IN_REVIEW = "review", "In review"
    PUBLISHED = "published", "Published"


def public_now(prefix="", at=None):
    """What the public may see: published status and publication time reached.

    `prefix` applies it through a relation, as "content_object__" from a tag link;
    `at` is the time to judge by, now unless given.
    """
    return Q(
        **{
            f"{prefix}status": Status.PUBLISHED,
            f"{prefix}published_at__lte": at or timezone.now(),
        }
    )


class BriefingQuerySet(models.QuerySet):
    def published(self, at=None):
        return self.filter(public_now(at=at))

    def not_published(self):
        return self.exclude(public_now())

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
            for briefing in chosen.select_for_update():
                briefing.status = status
                briefing.save()
                changed.append(briefing)
        return changed


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
        'that holds a comma in double quotes: "Talks, round two".',
    )
    # The tags as an editor types them, written with each revision (briefings/revisions.py):
    # a revision keeps names, since a tag merged or deleted since has no id to go back to.
    tag_names = models.TextField(editable=False, default="")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.DRAFT)
    # Whether topic counts and cached lists include this briefing. It follows
    # published() through briefings/publication.py: on a save, and shortly after a
    # scheduled time comes, with no save.
    is_live = models.BooleanField(default=False, editable=False)
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
                fields=["published_at"], condition=Q(is_live=False), name="briefing_due_idx"
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
        self.fill_derived_fields()
        if not self._state.adding and kwargs.get("update_fields") is None:
            # is_live is changed only by conditional updates in publication.py;
            # writing back this instance's copy could undo one made meanwhile.
            kwargs["update_fields"] = [
                field.name
                for field in self._meta.concrete_fields
                if not field.primary_key and field.name != "is_live"
            ]
        new_upload = self.lead_image and not self.lead_image._committed
        previous_image = self.stored_image() if new_upload or not self.lead_image else None
        if new_upload:
            cleaned = images.strip_metadata(self.lead_image)
            self.lead_image.save(cleaned.name, cleaned, save=False)
            with self.lead_image.open("rb"):  # closed again once the renditions are made
                self.renditions = images.make_renditions(self.lead_image)
        elif not self.lead_image:
            self.renditions = {}
        try:
            super().save(*args, **kwargs)
        except Exception:
            if new_upload:  # files of a save that failed would be kept by no one
                images.delete_files(images.stored_files(self.lead_image.name, self.renditions))
            raise
        if previous_image:
            transaction.on_commit(lambda: delete_image_files_if_unused(*previous_image))

    def get_absolute_url(self):
        return briefing_url(self.slug)

    def clean(self):
        # Before the constraint check that validation runs next.
        self.stamp_publication_time()
        if self.lead_image and not self.lead_image_alt.strip():
            raise ValidationError(
                {"lead_image_alt": "Describe the image for readers who cannot see it."}
            )

    def fill_derived_fields(self):
        """Everything computed from what the editor typed: the one place that does it."""
        self.stamp_publication_time()
        self.body_html = text.render_markdown(self.body)
        self.reading_minutes = text.reading_minutes(self.body_html)

    def stored_image(self):
        """The lead image name and renditions in the database, before this save."""
        if self.pk is None:
            return None
        stored = type(self).objects.filter(pk=self.pk).values_list("lead_image", "renditions")
        name, renditions = stored.first() or ("", {})
        return (name, renditions) if name else None

    def stamp_publication_time(self):
        """A briefing published without a date goes out now; one taken back loses its
        date, so it is never listed as if it were out, and republishing dates it anew
        (its first date stays in its revisions)."""
        if self.status != Status.PUBLISHED:
            self.published_at = None
        elif self.published_at is None:
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
    def preview_image(self):
        """The image for link previews; images uploaded before there were preview
        renditions use their page rendition."""
        return images.picture(self.renditions, "preview") or self.page_image

    @property
    def byline(self):
        """The author's full name, or the desk's; never the login name, never blank."""
        name = self.author.get_full_name() if self.author else ""
        return name or settings.DESK_NAME


class FormerTagSlug(models.Model):
    """A tag's address before a rename or a merge: it leads to the tag with a 301."""

    slug = models.CharField(max_length=100, unique=True)
    tag = models.ForeignKey(Tag, on_delete=models.CASCADE, related_name="former_slugs")

    def __str__(self):
        return self.slug


class Correction(models.Model):
    """A dated public note of what a briefing got wrong, listed on it and on /corrections/."""

    briefing = models.ForeignKey(Briefing, on_delete=models.CASCADE, related_name="corrections")
    made_at = models.DateTimeField("date", default=timezone.now)
    text = models.TextField(
        max_length=2000, help_text="What was wrong and what the briefing says now."
    )

    class Meta:
        ordering = ["-made_at", "-pk"]
        indexes = [models.Index(fields=["-made_at", "-id"], name="correction_newest_idx")]

    def __str__(self):
        return f"Correction to {self.briefing}"


class FormerAddress(models.Model):
    """A briefing's address that the public knew and that is no longer in use.

    It answers with a 301 to the briefing that had it, or 410 Gone once that briefing
    is deleted (then `briefing` is empty). Kept by briefings/publication.py.
    """

    slug = models.SlugField(max_length=200, unique=True)
    briefing = models.ForeignKey(
        Briefing, on_delete=models.SET_NULL, null=True, related_name="former_addresses"
    )

    class Meta:
        verbose_name_plural = "former addresses"

    def __str__(self):
        return self.slug


class SearchEntry(models.Model):
    """A live briefing's text as search reads it, kept by briefings/search.py.

    On SQLite an FTS5 table mirrors these rows through triggers; on PostgreSQL `vector`
    holds their weighted, stemmed words under a GIN index (both made by migration 0014).
    """

    briefing = models.OneToOneField(
        Briefing, on_delete=models.CASCADE, primary_key=True, related_name="search_entry"
    )
    title = models.TextField()
    tags = models.TextField()  # the tag names, comma-separated
    standfirst = models.TextField()
    body = models.TextField()  # plain text, without markup
    vector = SearchVectorField(null=True)  # PostgreSQL only

    class Meta:
        verbose_name_plural = "search entries"

    def __str__(self):
        return self.title


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
