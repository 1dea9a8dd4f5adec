"""A briefing's body as readers see it: its Markdown rendered (text.py), with the
library images it names shown as figures. Saves, previews and the repair command all
render it here."""

from . import text
from .models import Briefing, LibraryImage


def render_body(source):
    return text.render_markdown(source, library=library_figures)


def library_figures(ids):
    """{id: LibraryFigure} of these library images, those that exist."""
    rows = LibraryImage.objects.filter(pk__in=ids).values_list(
        "pk", "alt", "caption", "credit", "renditions"
    )
    return {pk: text.LibraryFigure(*fields) for pk, *fields in rows}


def showing(image_id):
    """The ids of the briefings whose body shows this library image."""
    return list(
        Briefing.objects.filter(body__contains=f"](image:{image_id})").values_list("pk", flat=True)
    )
