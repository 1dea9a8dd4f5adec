"""The schema as migrations 0001-0019 left it, for new databases; databases that
applied those go on from them.

It holds no data migration: a new database has no rows to move. It makes what the
models do not say: the database cache's table, search's FTS5 table and triggers
(SQLite) or GIN index (PostgreSQL), and fresh planner statistics.
"""

import django.contrib.postgres.search
import django.db.models.deletion
import django.utils.timezone
import taggit.managers
from django.conf import settings
from django.core.management.commands.createcachetable import Command as CreateCacheTable
from django.db import migrations, models

import briefings.images
import briefings.models.tags

CACHE_TABLE = "briefings_shared_cache"  # the default cache without REDIS_URL
FTS_TABLE = "briefings_search_fts"
ENTRY_TABLE = "briefings_searchentry"
FTS_COLUMNS = "title, tags, standfirst, body"
NEW_ROW = "new.briefing_id, new.title, new.tags, new.standfirst, new.body"
OLD_ROW = "old.briefing_id, old.title, old.tags, old.standfirst, old.body"
SEARCH_INDEX = {
    # FTS5 reads the entries table for snippets ("external content"); the triggers keep
    # its index in step with every insert, update and delete there.
    "sqlite": [
        f"""CREATE VIRTUAL TABLE {FTS_TABLE} USING fts5({FTS_COLUMNS},
            content='{ENTRY_TABLE}', content_rowid='briefing_id',
            tokenize='porter unicode61 remove_diacritics 2')""",
        f"""CREATE TRIGGER briefings_search_insert AFTER INSERT ON {ENTRY_TABLE} BEGIN
            INSERT INTO {FTS_TABLE}(rowid, {FTS_COLUMNS}) VALUES ({NEW_ROW}); END""",
        f"""CREATE TRIGGER briefings_search_delete AFTER DELETE ON {ENTRY_TABLE} BEGIN
            INSERT INTO {FTS_TABLE}({FTS_TABLE}, rowid, {FTS_COLUMNS})
            VALUES ('delete', {OLD_ROW}); END""",
        f"""CREATE TRIGGER briefings_search_update AFTER UPDATE ON {ENTRY_TABLE} BEGIN
            INSERT INTO {FTS_TABLE}({FTS_TABLE}, rowid, {FTS_COLUMNS})
            VALUES ('delete', {OLD_ROW});
            INSERT INTO {FTS_TABLE}(rowid, {FTS_COLUMNS}) VALUES ({NEW_ROW}); END""",
    ],
    # Long values are kept out of line, so a search reads a narrow table.
    "postgresql": [
        f"CREATE INDEX briefings_search_vector_idx ON {ENTRY_TABLE} USING gin (vector)",
        f"ALTER TABLE {ENTRY_TABLE} SET (toast_tuple_target = 128)",
    ],
}
SEARCH_INDEX_UNDO = {
    "sqlite": [
        "DROP TRIGGER briefings_search_insert",
        "DROP TRIGGER briefings_search_delete",
        "DROP TRIGGER briefings_search_update",
        f"DROP TABLE {FTS_TABLE}",
    ],
    "postgresql": ["DROP INDEX briefings_search_vector_idx"],
}


def create_cache_table(apps, schema_editor):
    command = CreateCacheTable()
    command.verbosity = 0
    command.create_table(schema_editor.connection.alias, CACHE_TABLE, dry_run=False)


def drop_cache_table(apps, schema_editor):
    schema_editor.execute(f"DROP TABLE IF EXISTS {CACHE_TABLE}")


def create_search_index(apps, schema_editor):
    for statement in SEARCH_INDEX.get(schema_editor.connection.vendor, []):
        schema_editor.execute(statement)


def drop_search_index(apps, schema_editor):
    for statement in SEARCH_INDEX_UNDO.get(schema_editor.connection.vendor, []):
        schema_editor.execute(statement)


def analyze(apps, schema_editor):
    """Statistics for the planner, which SQLite keeps none of until asked."""
    schema_editor.execute("ANALYZE")


class Migration(migrations.Migration):
    initial = True

    replaces = [
        ("briefings", "0001_initial"),
        ("briefings", "0002_live_counts_and_folded_names"),
        ("briefings", "0003_tag_names_unique_when_folded"),
        ("briefings", "0004_shared_cache_table"),
        ("briefings", "0005_tag_links_carry_live_state"),
        ("briefings", "0006_tag_pairs"),
        ("briefings", "0007_briefings_store_their_cards"),
        ("briefings", "0008_newsroom_roles"),
        ("briefings", "0009_former_addresses"),
        ("briefings", "0010_revisions_and_comma_separated_tags"),
        ("briefings", "0011_corrections_and_updates"),
        ("briefings", "0012_tag_care"),
        ("briefings", "0013_fuller_markdown_help"),
        ("briefings", "0014_search_entries"),
        ("briefings", "0015_due_index_without_status"),
        ("briefings", "0016_tags_sorted_as_readers_expect"),
        ("briefings", "0017_lead_story"),
        ("briefings", "0018_derived_values_have_one_owner"),
        ("briefings", "0019_queue_search_entries"),
    ]

    dependencies = [
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="Briefing",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("title", models.CharField(max_length=200)),
                (
                    "slug",
                    models.SlugField(
                        help_text="The briefing's web address.", max_length=200, unique=True
                    ),
                ),
                (
                    "standfirst",
                    models.TextField(
                        help_text="One or two sentences; shown in lists and to search engines.",
                        max_length=400,
                    ),
                ),
                (
                    "body",
                    models.TextField(
                        help_text="Markdown: ## heading · *emphasis* · **strong** · [link text](https://…) · > quotation · - list item · 1. numbered item · | table | row | · a footnote[^1] with [^1]: its text below."
                    ),
                ),
                ("body_html", models.TextField(default="", editable=False)),
                ("reading_minutes", models.PositiveSmallIntegerField(default=1, editable=False)),
                ("card_html", models.TextField(default="", editable=False)),
                ("card_format", models.CharField(default="", editable=False, max_length=16)),
                (
                    "lead_image",
                    models.ImageField(
                        blank=True,
                        help_text="JPEG, PNG or WebP, up to 20 MB and 40 megapixels.",
                        max_length=255,
                        upload_to="briefings/originals/",
                        validators=[briefings.images.validate_upload],
                    ),
                ),
                (
                    "lead_image_alt",
                    models.CharField(
                        blank=True,
                        help_text="What the image shows, for readers who cannot see it.",
                        max_length=250,
                        verbose_name="alt text",
                    ),
                ),
                (
                    "lead_image_caption",
                    models.CharField(blank=True, max_length=300, verbose_name="caption"),
                ),
                (
                    "lead_image_credit",
                    models.CharField(blank=True, max_length=200, verbose_name="credit"),
                ),
                ("renditions", models.JSONField(default=dict, editable=False)),
                ("tag_names", models.TextField(default="", editable=False)),
                (
                    "status",
                    models.CharField(
                        choices=[
                            ("draft", "Draft"),
                            ("review", "In review"),
                            ("published", "Published"),
                        ],
                        default="draft",
                        max_length=10,
                    ),
                ),
                ("counts_as_public", models.BooleanField(default=False, editable=False)),
                (
                    "published_at",
                    models.DateTimeField(
                        blank=True,
                        db_index=True,
                        help_text="Leave empty to use the moment it is published; a future time schedules it. Only published briefings have one.",
                        null=True,
                        verbose_name="publication date",
                    ),
                ),
                (
                    "is_lead",
                    models.BooleanField(
                        default=False,
                        help_text="Lead the home page with this briefing while it is the newest published lead story; without one, the newest briefing leads.",
                        verbose_name="lead story",
                    ),
                ),
                (
                    "review_note",
                    models.TextField(
                        blank=True,
                        help_text="Why a briefing goes back to its writer, and what it needs; the writer sees it on this form.",
                        verbose_name="note to the writer",
                    ),
                ),
                ("created_at", models.DateTimeField(auto_now_add=True)),
                ("updated_at", models.DateTimeField(auto_now=True)),
                (
                    "revised_at",
                    models.DateTimeField(
                        editable=False, null=True, verbose_name="updated for readers"
                    ),
                ),
                (
                    "author",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="briefings",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
            ],
            options={
                "ordering": ["-published_at", "-pk"],
                "permissions": [
                    ("publish_briefing", "Can publish, schedule and unpublish briefings")
                ],
            },
        ),
        migrations.CreateModel(
            name="PendingUpkeep",
            fields=[
                ("briefing_id", models.BigIntegerField(primary_key=True, serialize=False)),
                ("since", models.DateTimeField(auto_now_add=True)),
            ],
            options={
                "verbose_name_plural": "pending upkeep",
            },
        ),
        migrations.CreateModel(
            name="SearchEntry",
            fields=[
                (
                    "briefing",
                    models.OneToOneField(
                        on_delete=django.db.models.deletion.CASCADE,
                        primary_key=True,
                        related_name="search_entry",
                        serialize=False,
                        to="briefings.briefing",
                    ),
                ),
                ("title", models.TextField()),
                ("tags", models.TextField()),
                ("standfirst", models.TextField()),
                ("body", models.TextField()),
                ("vector", django.contrib.postgres.search.SearchVectorField(null=True)),
            ],
            options={
                "verbose_name_plural": "search entries",
            },
        ),
        migrations.CreateModel(
            name="FormerAddress",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("slug", models.SlugField(max_length=200, unique=True)),
                (
                    "briefing",
                    models.ForeignKey(
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="former_addresses",
                        to="briefings.briefing",
                    ),
                ),
            ],
            options={
                "verbose_name_plural": "former addresses",
            },
        ),
        migrations.CreateModel(
            name="Tag",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("name", models.CharField(max_length=100, unique=True, verbose_name="name")),
                (
                    "slug",
                    models.CharField(
                        max_length=100,
                        unique=True,
                        validators=[briefings.models.tags.validate_tag_slug],
                    ),
                ),
                ("name_key", models.CharField(editable=False, max_length=100, unique=True)),
                ("sort_key", models.CharField(default="", editable=False, max_length=202)),
                ("initial", models.CharField(default="#", editable=False, max_length=1)),
                (
                    "published_count",
                    models.PositiveIntegerField(
                        default=0,
                        editable=False,
                        help_text="Kept up to date as briefings go live or leave the site.",
                        verbose_name="published briefings",
                    ),
                ),
                (
                    "description",
                    models.TextField(
                        blank=True,
                        help_text="Optional, shown on the topic's page. Markdown: *emphasis*, [link](https://…).",
                        max_length=2000,
                    ),
                ),
                ("description_html", models.TextField(default="", editable=False)),
            ],
            options={
                "ordering": ["sort_key"],
                "indexes": [
                    models.Index(fields=["-published_count", "sort_key"], name="tag_most_used_idx"),
                    models.Index(fields=["initial", "sort_key"], name="tag_initial_idx"),
                ],
            },
        ),
        migrations.CreateModel(
            name="FormerTagSlug",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("slug", models.CharField(max_length=100, unique=True)),
                (
                    "tag",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="former_slugs",
                        to="briefings.tag",
                    ),
                ),
            ],
        ),
        migrations.CreateModel(
            name="TaggedBriefing",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("counts_as_public", models.BooleanField(default=False, editable=False)),
                ("published_at", models.DateTimeField(editable=False, null=True)),
                (
                    "content_object",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="tagged_items",
                        to="briefings.briefing",
                    ),
                ),
                (
                    "tag",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="tagged_briefings",
                        to="briefings.tag",
                    ),
                ),
            ],
        ),
        migrations.AddField(
            model_name="briefing",
            name="tags",
            field=taggit.managers.TaggableManager(
                blank=True,
                help_text='Separate tags with commas: Tianjin summit, border talks. Put a name that holds a comma in double quotes: "Talks, round two". At most 30.',
                through="briefings.TaggedBriefing",
                to="briefings.Tag",
                verbose_name="Tags",
            ),
        ),
        migrations.CreateModel(
            name="TagPair",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("count", models.PositiveIntegerField(default=0)),
                (
                    "other",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="+",
                        to="briefings.tag",
                    ),
                ),
                (
                    "tag",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="pairs",
                        to="briefings.tag",
                    ),
                ),
            ],
        ),
        migrations.CreateModel(
            name="Correction",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "made_at",
                    models.DateTimeField(default=django.utils.timezone.now, verbose_name="date"),
                ),
                (
                    "text",
                    models.TextField(
                        help_text="What was wrong and what the briefing says now.", max_length=2000
                    ),
                ),
                (
                    "briefing",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="corrections",
                        to="briefings.briefing",
                    ),
                ),
            ],
            options={
                "ordering": ["-made_at", "-pk"],
                "indexes": [models.Index(fields=["-made_at", "-id"], name="correction_newest_idx")],
            },
        ),
        migrations.AddIndex(
            model_name="taggedbriefing",
            index=models.Index(
                condition=models.Q(("counts_as_public", True)),
                fields=["tag", "-published_at", "-content_object"],
                name="tag_newest_live_idx",
            ),
        ),
        migrations.AddConstraint(
            model_name="taggedbriefing",
            constraint=models.UniqueConstraint(
                fields=("content_object", "tag"), name="briefing_tag_once"
            ),
        ),
        migrations.AddIndex(
            model_name="briefing",
            index=models.Index(
                fields=["status", "-published_at", "-id"], name="briefing_published_idx"
            ),
        ),
        migrations.AddIndex(
            model_name="briefing",
            index=models.Index(
                condition=models.Q(("is_lead", True)),
                fields=["-published_at"],
                name="briefing_lead_idx",
            ),
        ),
        migrations.AddIndex(
            model_name="briefing",
            index=models.Index(
                condition=models.Q(("counts_as_public", False)),
                fields=["published_at"],
                name="briefing_due_idx",
            ),
        ),
        migrations.AddConstraint(
            model_name="briefing",
            constraint=models.CheckConstraint(
                condition=models.Q(("published_at", None), ("status", "published"), _negated=True),
                name="published_briefing_has_date",
            ),
        ),
        migrations.AddConstraint(
            model_name="briefing",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    ("lead_image", ""),
                    models.Q(("lead_image_alt", ""), _negated=True),
                    _connector="OR",
                ),
                name="lead_image_has_alt_text",
            ),
        ),
        migrations.AddIndex(
            model_name="tagpair",
            index=models.Index(fields=["tag", "-count"], name="tag_pair_most_shared_idx"),
        ),
        migrations.AddConstraint(
            model_name="tagpair",
            constraint=models.UniqueConstraint(fields=("tag", "other"), name="tag_pair_once"),
        ),
        migrations.RunPython(create_cache_table, drop_cache_table),
        migrations.RunPython(create_search_index, drop_search_index),
        migrations.RunPython(analyze, migrations.RunPython.noop),
    ]
