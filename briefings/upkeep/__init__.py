"""Every derived value, kept on write: one function per event, and nothing else writes one.

briefings.py has the events of a briefing, topics.py those of a topic, copies.py the
copies stored on the briefing row and the after-commit queue.

Derived values: a briefing's rendered body, reading time, card, tag names as typed and
public flag (`counts_as_public`, copied onto its tag links with its date); a topic's
folded name, sort key, initial and rendered description; each topic's and each pair's
count of public briefings; each index section's count of topics in use; former
addresses; search entries; the surrogate keys of cached pages. `manage.py
rebuild_derived` recomputes them all (derived.py).

Events: briefing_saved, tags_changing/tags_changed, briefing_deleting,
library_image_changed, tag_saving/tag_saved, tags_merged, other_name_saving/
other_names_changed, tag_deleting/tag_deleted, release_due. Signals (signals.py),
the admin, revisions, generate_briefings and migrations come through them.

Inside the transaction (each event opens one, or joins the caller's), under row locks
taken briefings first and topics after (so two events never wait on each other in a
circle), what must agree with the rows: counts,
pairs, link copies, the changed briefing's own card. After commit, what can follow:
surrogate keys are purged (caching/surrogate_keys.py), and the briefings recorded in
the transaction as PendingUpkeep get their card, tag names and search entry rewritten,
idempotently, each batch under its rows' locks; what fails stays recorded, and the next
`release_due` finishes it.
"""

from .briefings import (
    briefing_deleting,
    briefing_editing,
    briefing_saved,
    copy_onto_links,
    correction_changed,
    library_image_changed,
    release_due,
    stored_state,
    tags_changed,
    tags_changing,
    too_many_tags_message,
)
from .copies import (
    batched,
    fill_briefing_fields,
    fill_tag_fields,
    finish,
    finish_pending,
    lock_briefings,
    store_cards,
    store_tag_names,
    tag_names_of,
    typed_names,
)
from .topics import (
    carriers_of,
    other_name_saving,
    other_names_changed,
    tag_deleted,
    tag_deleting,
    tag_saved,
    tag_saving,
    tags_merged,
)

__all__ = [
    "batched", "briefing_deleting", "briefing_editing", "briefing_saved", "carriers_of",
    "copy_onto_links",
    "correction_changed", "fill_briefing_fields", "fill_tag_fields", "finish",
    "library_image_changed", "other_name_saving", "other_names_changed",
    "finish_pending", "lock_briefings", "release_due", "store_cards", "store_tag_names",
    "stored_state", "tag_deleted", "tag_deleting", "tag_names_of", "tag_saved", "tag_saving",
    "tags_changed", "tags_changing", "tags_merged", "too_many_tags_message", "typed_names",
]  # fmt: skip
