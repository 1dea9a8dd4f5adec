"""The app's models, by concern; imported from here by the rest of the app."""

from .briefings import (
    KEPT_BY_UPKEEP,
    Briefing,
    BriefingQuerySet,
    Status,
    briefing_url,
    delete_image_files_if_unused,
    published_condition,
    revisions_refer_to,
    stamp_publication_time,
)
from .corrections import Correction, FormerAddress
from .library import BODY_IMAGE_SCHEME, LibraryImage
from .search import SearchEntry
from .tags import (
    MAX_TAGS_PER_BRIEFING,
    OTHER_INITIAL,
    FormerTagSlug,
    IndexSection,
    Kind,
    OtherName,
    Tag,
    TaggedBriefing,
    TagPair,
    TopicRow,
    free_slug,
    hold_names,
    holder_of_name,
    holder_of_slug,
    tag_filter_url,
    validate_tag_slug,
)
from .upkeep import PendingPurge, PendingUpkeep

__all__ = [
    "BODY_IMAGE_SCHEME", "KEPT_BY_UPKEEP", "MAX_TAGS_PER_BRIEFING", "OTHER_INITIAL",
    "Briefing", "BriefingQuerySet", "Correction", "FormerAddress", "FormerTagSlug",
    "IndexSection", "Kind", "OtherName",
    "LibraryImage",
    "PendingPurge", "PendingUpkeep", "SearchEntry", "Status", "Tag", "TagPair", "TaggedBriefing",
    "TopicRow", "free_slug", "hold_names", "holder_of_name", "holder_of_slug",
    "briefing_url", "delete_image_files_if_unused", "published_condition",
    "revisions_refer_to", "stamp_publication_time", "tag_filter_url", "validate_tag_slug",
]  # fmt: skip
