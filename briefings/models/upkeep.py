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


class PendingPurge(models.Model):
    """A surrogate key's token that a caching proxy could not be told to purge (it was
    unreachable or refused): `manage.py release_due` sends it again (caching/proxies.py)."""

    token = models.CharField(max_length=32, primary_key=True)
    since = models.DateTimeField(auto_now_add=True)

    def __str__(self):
        return f"Purge of {self.token}"
