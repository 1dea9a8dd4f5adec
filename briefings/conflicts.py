"""Two editors on one briefing: a three-way comparison of a form with what was saved
since it was opened.

The form carries the revision it was opened from (its *base*). When a save comes in
after another, each field is compared three ways: changed only by the other editor, it
takes their saved value; changed only by this one, it keeps theirs; changed by both to
different values, it is a conflict, shown side by side until the editor chooses which
to keep. Nothing another editor saved is ever undone without that choice.
"""

from typing import NamedTuple

from django.contrib.auth import get_user_model
from reversion.models import Version
from taggit.utils import edit_string_for_tags, parse_tags

from . import text
from .diff import text_diff
from .revisions import history, shown, stored_fields

# Form field: the revised field it is kept as.
MERGED_FIELDS = {
    "title": "title",
    "slug": "slug",
    "standfirst": "standfirst",
    "body": "body",
    "tags": "tag_names",
    "lead_image": "lead_image",
    "lead_image_alt": "lead_image_alt",
    "lead_image_caption": "lead_image_caption",
    "lead_image_credit": "lead_image_credit",
    "status": "status",
    "published_at": "published_at",
    "author": "author",
    "review_note": "review_note",
}
YOURS, THEIRS = "yours", "theirs"


class Conflict(NamedTuple):
    name: str  # the form field
    label: str
    theirs: str  # as a reader sees it
    diff_html: str  # from theirs to yours


class Comparison(NamedTuple):
    taken: list  # form fields that take the other editor's value
    conflicts: list  # form fields both changed, differently


def newest_version_id(briefing):
    """The revision a form opened now starts from."""
    return history(briefing).values_list("pk", flat=True).first()


def base_values(briefing, version_id):
    """The revised fields of the revision a form was opened from, or None if the form
    names none of this briefing's (a form from before revisions were kept, say)."""
    try:
        version = history(briefing).get(pk=int(version_id))
    except (ValueError, TypeError, OverflowError, Version.DoesNotExist):
        return None
    return stored_fields(version)


def compare(base, yours, theirs):
    """Which of the form's fields take the saved value, and which conflict.

    base, yours and theirs map form fields to values in form terms; base is None when
    unknown, and then every difference is a conflict.
    """
    taken, conflicts = [], []
    for name, value in yours.items():
        mine, saved = comparable(name, value), comparable(name, theirs[name])
        if mine == saved:
            continue
        original = None if base is None else comparable(name, base[name])
        if base is not None and saved == original:
            continue  # only this editor changed it
        if base is not None and mine == original:
            taken.append(name)
        else:
            conflicts.append(name)
    return Comparison(taken, conflicts)


def comparable(name, value):
    """A field's value in one form whatever it came from: the form, the row or a revision."""
    if name == "tags":
        names = parse_tags(value) if isinstance(value, str) else (value or [])
        return frozenset(text.name_key(tag) for tag in names)
    if name == "published_at":
        return value.replace(microsecond=0) if value else None  # forms send whole seconds
    if name == "author":
        return getattr(value, "pk", value) or None
    if name == "lead_image":
        return getattr(value, "name", value) or ""
    return str(value or "").replace("\r\n", "\n")  # browsers send CRLF from text areas


def form_values(fields):
    """Revised fields (from a revision or the row) as the form's fields hold them."""
    values = {form_name: fields[name] for form_name, name in MERGED_FIELDS.items()}
    values["tags"] = parse_tags(values["tags"] or "")
    author_id = values["author"]
    values["author"] = get_user_model().objects.filter(pk=author_id).first() if author_id else None
    return values


def tags_as_typed(names):
    return edit_string_for_tags([_Named(name) for name in names])


class _Named(NamedTuple):
    name: str


def conflict(name, label, theirs, yours):
    """A field both editors changed, as the form shows it."""
    revised = MERGED_FIELDS[name]
    if name == "tags":
        theirs, yours = tags_as_typed(theirs), tags_as_typed(yours or [])
    elif name == "author":
        theirs, yours = _person(theirs), _person(yours)
    elif name == "lead_image":
        theirs, yours = getattr(theirs, "name", "") or "none", "the image you chose"
    theirs_shown, yours_shown = shown(revised, theirs), shown(revised, yours)
    return Conflict(name, label, theirs_shown, text_diff(theirs_shown, yours_shown))


def _person(user):
    return (user.get_full_name() or user.get_username()) if user else ""
