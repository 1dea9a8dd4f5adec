"""Related briefings: those that share the most, and the rarest, topics with a briefing.

Each shared tag weighs 1 / log(2 + the number of public briefings carrying it), so
sharing a narrow topic ("Kailash Mansarovar Yatra") counts for more than sharing a broad
one ("India"); among equals the newer briefing comes first. Candidates are the newest
public briefings carrying the briefing's rarest tags, at most MAX_CANDIDATE_LINKS tag
links, so a briefing tagged with the biggest topics costs what any other does: three
queries in all. The list changes only when one of those tags' lists does, so a cached
briefing page depends on those tags' pages (page_cache.depends_also_on).
"""

import math
from collections import defaultdict
from typing import NamedTuple

from .cards import public_cards
from .models import TaggedBriefing

RELATED_SHOWN = 4
MAX_CANDIDATE_LINKS = 200


class SourceTag(NamedTuple):
    id: int
    slug: str
    weight: float


def source_tags(tags):
    """Of a briefing's tags, rows of (id, slug, public count), those related briefings
    are looked for under: the rarest, whose public links add up to at most
    MAX_CANDIDATE_LINKS (the rarest one at least)."""
    chosen, total = [], 0
    for tag_id, slug, count in sorted(tags, key=lambda row: row[2]):
        total += count
        if chosen and total > MAX_CANDIDATE_LINKS:
            break
        chosen.append(SourceTag(tag_id, slug, 1 / math.log(2 + count)))
    return chosen


def related_cards(briefing_id, tags):
    """The cards of up to RELATED_SHOWN public briefings that share these tags with this
    one, best first."""
    if not tags:
        return []
    weight = {tag.id: tag.weight for tag in tags}
    scores, newness = defaultdict(float), {}
    for position, (other, tag_id) in enumerate(_candidates(briefing_id, list(weight))):
        scores[other] += weight[tag_id]
        newness.setdefault(other, position)  # candidates come newest first
    best = sorted(scores, key=lambda other: (-scores[other], newness[other]))
    return [card for _, card in public_cards(best[:RELATED_SHOWN])]


def _candidates(briefing_id, tag_ids):
    links = TaggedBriefing.objects.filter(tag__in=tag_ids, counts_as_public=True)
    newest = links.exclude(content_object=briefing_id).order_by("-published_at", "-content_object")
    return list(newest.values_list("content_object", "tag")[:MAX_CANDIDATE_LINKS])
