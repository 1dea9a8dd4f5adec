"""What search reads: an entry per public briefing."""

from django.contrib.postgres.search import SearchVectorField
from django.db import models

from .briefings import Briefing


class SearchEntry(models.Model):
    """A public briefing's text as search reads it, written by briefings/upkeep.py.

    On SQLite an FTS5 table mirrors these rows through triggers; on PostgreSQL `vector`
    holds their weighted, stemmed words under a GIN index (both made by migrations).
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
