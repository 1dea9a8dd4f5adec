"""Topics (`Tag` in code), the links that put them on briefings, and how often they meet.

The counts on topics and pairs and the copies on links are derived values: written by
briefings/upkeep.py alone, checked and repaired by `manage.py rebuild_derived`.
"""

import functools
import re
from typing import NamedTuple

from django.core.exceptions import ValidationError
from django.db import connection, models
from django.db.models import Count, Exists, OuterRef, Q
from django.urls import reverse
from taggit.managers import _TaggableManager
from taggit.models import ItemBase, NaturalKeyManager, TagBase

from .. import text

TAG_SLUG_BASE_LENGTH = 90  # leaves room for taggit's "_2" suffix in a 100-character slug
OTHER_INITIAL = "#"  # tags index section for names not starting with a Latin letter
# The most topics one briefing may carry: every path that tags a briefing holds it.
MAX_TAGS_PER_BRIEFING = 30
NAMES_LOCK = 0x6E616D6573  # PostgreSQL's advisory lock for hold_names ("names")


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
        and grouping by name would sort every link's name (a search's 500 results:
        four times as long, names read after).
        """
        return (
            TaggedBriefing.objects.filter(content_object__in=briefings)
            .exclude(tag__in=excluding)
            .values_list("tag")
            .annotate(count=Count("pk"))
            .order_by("-count", "tag")[:limit]
        )

    def get_by_natural_key(self, name):
        """For backups, whose rows name their topics (TagBase.natural_key)."""
        return self.get(name=name)

    def with_names(self, names):
        """The tags with these names, matched as text.name_key folds them."""
        return self.filter(name_key__in=[text.name_key(name) for name in names])

    def named(self, names):
        """{name key: topic} for those of these names that name a topic, by its name or
        one of its other names (as text.name_key folds them)."""
        keys = {text.name_key(name) for name in names}
        found = {tag.name_key: tag for tag in self.filter(name_key__in=keys)}
        others = OtherName.objects.filter(name_key__in=keys - set(found)).select_related("tag")
        return found | {other.name_key: other.tag for other in others}


class Kind(models.TextChoices):
    """What a topic is, and the schema.org type that says so to search engines."""

    SUBJECT = "subject", "Subject"
    COUNTRY = "country", "Country"
    ORGANISATION = "organisation", "Organisation"
    PERSON = "person", "Person"
    PLACE = "place", "Place"
    EVENT = "event", "Event"

    @property
    def schema_type(self):
        return SCHEMA_TYPES[self]

    @property
    def plural(self):
        return PLURALS[self]


PLURALS = {
    Kind.SUBJECT: "Subjects", Kind.COUNTRY: "Countries", Kind.ORGANISATION: "Organisations",
    Kind.PERSON: "People", Kind.PLACE: "Places", Kind.EVENT: "Events",
}  # fmt: skip
SCHEMA_TYPES = {
    Kind.SUBJECT: "Thing", Kind.COUNTRY: "Country", Kind.ORGANISATION: "Organization",
    Kind.PERSON: "Person", Kind.PLACE: "Place", Kind.EVENT: "Event",
}  # fmt: skip


class TopicRow(NamedTuple):
    """What a page shows of a topic it lists: id (None for one not saved yet), name,
    slug, public count, kind and reference address."""

    id: int | None
    name: str
    slug: str
    count: int
    kind: str
    same_as: str


class Tag(TagBase):
    """A topic. Names are unique as text.name_key folds them; slugs keep every script."""

    # Django's unicode slug validator rejects combining marks, so Hindi slugs
    # could not be saved through a form.
    slug = models.CharField(
        max_length=text.MAX_NAME_LENGTH, unique=True, validators=[validate_tag_slug]
    )
    # The database's LOWER() folds only ASCII on SQLite, so uniqueness ignoring case
    # rests on a folded copy of the name made in Python.
    name_key = models.CharField(max_length=text.MAX_NAME_LENGTH, unique=True, editable=False)
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
    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.SUBJECT)
    same_as = models.URLField(
        "reference address",
        max_length=500,
        blank=True,
        help_text="Optional: the topic's page elsewhere that says what it is, such as its "
        "Wikidata page (https://www.wikidata.org/wiki/Q…), given to search engines.",
    )

    objects = TagQuerySet.as_manager()

    class Meta:
        ordering = ["sort_key"]
        indexes = [
            models.Index(fields=["-published_count", "sort_key"], name="tag_most_used_idx"),
            models.Index(fields=["initial", "sort_key"], name="tag_initial_idx"),
            # The topics in use by name, all or of one kind (the index by kind, the API).
            models.Index(
                fields=["sort_key", "id"],
                condition=Q(published_count__gt=0),
                name="tag_in_use_by_name_idx",
            ),
            models.Index(
                fields=["kind", "sort_key", "id"],
                condition=Q(published_count__gt=0),
                name="tag_kind_in_use_idx",
            ),
        ]

    def get_absolute_url(self):
        return tag_filter_url((self.slug,))

    @property
    def kind_choice(self):
        return Kind(self.kind)

    def save(self, *args, **kwargs):
        if self._state.adding and not self.slug:
            self.slug = free_slug(self.name)  # taggit's would not see other names' slugs
        super().save(*args, **kwargs)

    def slugify(self, tag, i=None):
        return slug_for(tag, i)


@functools.lru_cache(maxsize=20_000)
def tag_filter_url(slugs):
    """The address of the page for these tag slugs (a sorted tuple); reversed once each."""
    return reverse("briefings:tag", kwargs={"slugs": list(slugs)})


class CasefoldTagManager(_TaggableManager):
    """Finds the existing tag for a typed name as text.name_key folds it, by its name or
    one of its other names.

    taggit matches names with the database's iexact, which folds only ASCII on SQLite:
    "École" would not find "école" there and would then break the uniqueness rule.
    """

    def _to_tag_model_instances(self, tags, tag_kwargs):
        names = [tag for tag in tags if isinstance(tag, str)]
        existing = Tag.objects.named(names)
        if {text.name_key(name) for name in names} - set(existing):
            hold_names()  # a new topic: its name must still be free when it is made
            existing = Tag.objects.named(names)
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
    def public_with_all(self, tag_ids):
        """Links of the public briefings carrying every one of these tags, one per briefing.

        The ids come rarest tag first. Links are read newest first from the index of
        the rarest tag's public links, and each is checked for the other tags by the
        (briefing, tag) index, so a page of a popular tag or of a long-tail one costs
        about the same at any archive size.
        """
        rarest, *others = tag_ids
        links = self.filter(tag=rarest, counts_as_public=True)
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
    # Copies of the briefing's, kept by upkeep.py, so that a tag's newest public
    # briefings come from one index without touching the briefings table.
    counts_as_public = models.BooleanField(default=False, editable=False)
    published_at = models.DateTimeField(null=True, editable=False)

    objects = NaturalKeyManager.from_queryset(TaggedBriefingQuerySet)()  # taggit's, extended

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["content_object", "tag"], name="briefing_tag_once"),
        ]
        indexes = [
            models.Index(
                fields=["tag", "-published_at", "-content_object"],
                condition=Q(counts_as_public=True),
                name="tag_newest_live_idx",
            ),
        ]


class TagPairQuerySet(models.QuerySet):
    def shared_with(self, tag, limit):
        """Up to `limit` other tags most often found with this one: (name, slug, sort key,
        count)."""
        return (
            self.filter(tag=tag, count__gt=0)
            .order_by("-count", "other__sort_key")
            .values_list("other__name", "other__slug", "other__sort_key", "count")[:limit]
        )


class TagPair(models.Model):
    """How many public briefings carry both tags, stored both ways round.

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


def validate_language(value):
    if not re.fullmatch(r"[a-zA-Z]{2,3}(-[a-zA-Z0-9]{2,8})*", value):
        raise ValidationError(
            "Give the language as a code, such as ru, zh-Hans or hi.", code="invalid_language"
        )


class OtherName(models.Model):
    """Another name of a topic, in any script ("ШОС" for SCO): typed in a briefing's
    topics it saves the topic, its slug leads to the topic's page, and search finds the
    topic's briefings by it. Names and slugs follow the one rule of holder_of_name and
    holder_of_slug."""

    tag = models.ForeignKey(Tag, on_delete=models.CASCADE, related_name="other_names")
    name = models.CharField(max_length=text.MAX_NAME_LENGTH)
    name_key = models.CharField(max_length=text.MAX_NAME_LENGTH, unique=True, editable=False)
    # None where the slug would lead to the topic anyway (its own slug, say): unique
    # among those that lead somewhere, which only NULL (not "") leaves out.
    slug = models.CharField(max_length=100, unique=True, null=True, editable=False)  # noqa: DJ001
    lang = models.CharField(
        "language", max_length=35, blank=True, validators=[validate_language],
        help_text="Optional: its language as a code (ru, zh, hi), so browsers and screen "
        "readers say it right.",
    )  # fmt: skip

    class Meta:
        ordering = ["name_key"]

    def __str__(self):
        return self.name

    def clean(self):
        """Refused when any topic has this name already, or another topic the address
        it would take."""
        tag = getattr(self, "tag", None)  # unsaved with a topic being added
        if not self.name or tag is None:
            return
        key, slug = text.name_key(self.name), text.unicode_slug(self.name)
        if key == text.name_key(tag.name) or (
            tag.pk and tag.other_names.filter(name_key=key).exclude(pk=self.pk).exists()
        ):
            raise ValidationError({"name": "The topic has this name already."})
        holder = holder_of_name(self.name, excluding=tag)
        if holder:
            raise ValidationError({"name": f"The topic “{holder.name}” already has this name: "
                                           "merge the two instead."})  # fmt: skip
        holder = holder_of_slug(slug, excluding=tag) if slug else None
        if holder:
            raise ValidationError({"name": f"Its address, {tag_filter_url((slug,))}, is the "
                                           f"topic “{holder.name}”'s already."})  # fmt: skip


def hold_names():
    """Until the transaction ends, no other editor gives a topic a name or an address,
    so that the checks that one is free (holder_of_name, holder_of_slug) and the save
    that takes it see the same names: without it, two editors giving one name to two
    topics at once would both pass the checks, and the second save would fail.

    PostgreSQL takes a transaction-level advisory lock; SQLite needs none, as each
    transaction holds the database's write lock from its BEGIN (transaction_mode
    IMMEDIATE in settings).
    """
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [NAMES_LOCK])


def holder_of_name(name, excluding=None):
    """The topic that has this name, as its name or another name (compared as
    text.name_key folds them: case, Unicode spelling and width); None if none other
    than `excluding` has it."""
    key = text.name_key(name)
    holders = Tag.objects.filter(Q(name_key=key) | Q(other_names__name_key=key))
    return holders.exclude(pk=getattr(excluding, "pk", None)).first()


def holder_of_slug(slug, excluding=None):
    """The topic that this slug is the address of, as its own slug or another name's;
    None if none other than `excluding`. One rule for both: former slugs give way to
    either (their topic's old address then stops leading to it)."""
    holders = Tag.objects.filter(Q(slug=slug) | Q(other_names__slug=slug))
    return holders.exclude(pk=getattr(excluding, "pk", None)).first()


def slug_for(name, number=None):
    """A topic's slug made from its name: "sco", or "sco_2" where that is taken."""
    slug = text.unicode_slug(name)[:TAG_SLUG_BASE_LENGTH] or "tag"
    return slug if number is None else f"{slug}_{number}"


def free_slug(name):
    """A slug for a new topic named so, held by no topic nor another name."""
    base = slug_for(name)
    taken = set(Tag.objects.filter(slug__startswith=base).values_list("slug", flat=True))
    taken |= set(OtherName.objects.filter(slug__startswith=base).values_list("slug", flat=True))
    slug, number = base, 1
    while slug in taken:
        number += 1
        slug = slug_for(name, number)
    return slug


class IndexSection(models.Model):
    """How many topics in use start with one initial ("#" for the rest), so the topics
    index links only the letters that hold some with one small read. A row per section,
    made by the migration (or by upkeep on first use, after a flush); the count is kept
    by upkeep where a topic comes into use or leaves it, is renamed under another letter
    or is deleted."""

    initial = models.CharField(max_length=1, primary_key=True)
    topics_in_use = models.IntegerField(default=0)

    def __str__(self):
        return f"{self.initial}: {self.topics_in_use}"


class FormerTagSlug(models.Model):
    """A tag's address before a rename or a merge: it leads to the tag with a 301."""

    slug = models.CharField(max_length=100, unique=True)
    tag = models.ForeignKey(Tag, on_delete=models.CASCADE, related_name="former_slugs")

    def __str__(self):
        return self.slug
