"""What briefings/upkeep.py records to finish after a commit."""

from django.db import models


class PendingUpkeep(models.Model):
    """A briefing whose card, tag names and search entry are to be rewritten once the
    change that recorded it commits (briefings/upkeep.py).

    Recorded in the same transaction as the change and removed once the work is done:
    if it fails after the commit, the row stays and `manage.py release_due` finishes it.
    """

    briefing_id = models.BigIntegerField(primary_key=True)  # no key: deletions count too
    since = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name_plural = "pending upkeep"

    def __str__(self):
        return f"Upkeep of briefing {self.briefing_id}"
