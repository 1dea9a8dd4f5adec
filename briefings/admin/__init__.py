"""The admin: briefings (briefings.py, with the writing screen's helpers in endpoints.py),
topics (tags.py) and the image library (library.py). Importing the package registers them."""

from . import briefings, library, tags  # noqa: F401  (register the model admins)
