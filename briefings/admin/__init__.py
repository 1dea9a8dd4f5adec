"""The admin: briefings (briefings.py, with the writing screen's JSON in endpoints.py) and
topics (tags.py). Importing the package registers both."""

from . import briefings, tags  # noqa: F401  (register the model admins)
