"""The newsroom's workflow as actions named for what they do: the buttons of the
writing screen, which of them each role may take on a briefing in each state, and
what each one says it did.

A Writer saves drafts and submits them; an Editor sends back, publishes, schedules,
updates and unpublishes. The state a briefing is left in is the action's.
"""

from typing import NamedTuple

from django.utils import timezone
from django.utils.formats import date_format

from . import roles
from .models import Status


class Action(NamedTuple):
    name: str  # what the button posts as _action
    label: str
    status: str  # the state it leaves the briefing in
    logged: str  # what the history says
    done: str  # what it tells the editor, formatted with the briefing
    stays: bool = False  # the editor goes on writing, on the same page
    clears_note: bool = False  # the note to the writer is answered

    def message(self, briefing):
        when = briefing.published_at and date_format(
            timezone.localtime(briefing.published_at), "DATETIME_FORMAT"
        )
        author = briefing.author.get_full_name() if briefing.author else ""
        return self.done.format(when=when, author=author or "its writer")


SAVE_DRAFT = Action(
    "save_draft", "Save draft", Status.DRAFT, "Saved as a draft.", "Draft saved.", stays=True
)
SUBMIT = Action(
    "submit",
    "Submit for review",
    Status.IN_REVIEW,
    "Submitted for review.",
    "Submitted for review: Editors will see it in Needs review.",
    clears_note=True,
)
SAVE_IN_REVIEW = Action(
    "save_review",
    "Save",
    Status.IN_REVIEW,
    "Saved in review.",
    "Saved; it still waits in Needs review.",
    stays=True,
)
SEND_BACK = Action(
    "send_back",
    "Send back",
    Status.DRAFT,
    "Sent back to the writer.",
    "Sent back to {author} with your note: it is in their Returned to me list.",
)
PUBLISH = Action(
    "publish",
    "Publish",
    Status.PUBLISHED,
    "Published.",
    "Published: readers see it now.",
    clears_note=True,
)
PUBLISH_NOW = PUBLISH._replace(name="publish_now", label="Publish now")
SCHEDULE = Action(
    "schedule",
    "Schedule",
    Status.PUBLISHED,
    "Scheduled.",
    "Scheduled: it goes live on {when}.",
    clears_note=True,
)
UPDATE = Action(
    "update", "Update", Status.PUBLISHED, "Updated.", "Updated: readers see the change now."
)
UPDATE_SCHEDULED = UPDATE._replace(name="update_scheduled", done="Updated: it goes live on {when}.")
UNPUBLISH = Action(
    "unpublish",
    "Unpublish",
    Status.DRAFT,
    "Unpublished: back to draft.",
    "Unpublished: back to draft; readers no longer see it.",
)
ALL = [
    SAVE_DRAFT, SUBMIT, SAVE_IN_REVIEW, SEND_BACK, PUBLISH, PUBLISH_NOW, SCHEDULE, UPDATE,
    UPDATE_SCHEDULED, UNPUBLISH,
]  # fmt: skip


def actions_for(user, briefing):
    """The actions this user may take on this briefing (None: a new one), the one kept
    for the Enter key first."""
    if not roles.can_publish(user):
        mine = briefing is None or (
            briefing.author_id == user.pk and briefing.status == Status.DRAFT
        )
        return [SAVE_DRAFT, SUBMIT] if mine else []
    if briefing is None or briefing.status == Status.DRAFT:
        return [SAVE_DRAFT, PUBLISH, SCHEDULE]
    if briefing.status == Status.IN_REVIEW:
        return [SAVE_IN_REVIEW, SEND_BACK, PUBLISH, SCHEDULE]
    if briefing.is_published_now:
        return [UPDATE, UNPUBLISH]
    return [UPDATE_SCHEDULED, PUBLISH_NOW, UNPUBLISH]


def chosen(allowed, name):
    """The allowed action of this name, or None."""
    return next((action for action in allowed if action.name == name), None)
