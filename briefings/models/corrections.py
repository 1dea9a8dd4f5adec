"""What readers are told after the fact: corrections, and addresses no longer in use."""

from django.db import models
from django.utils import timezone

from .briefings import Briefing


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
    is deleted (then `briefing` is empty). Kept by briefings/upkeep.py.
    """

    slug = models.SlugField(max_length=200, unique=True)
    briefing = models.ForeignKey(
        Briefing, on_delete=models.SET_NULL, null=True, related_name="former_addresses"
    )

    class Meta:
        verbose_name_plural = "former addresses"

    def __str__(self):
        return self.slug
