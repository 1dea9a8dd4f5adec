"""The template environment of the public pages.

Public pages use Jinja2 (Django's own backend for it) because it renders them several
times faster than Django's template language, which would make an uncached page much
slower (bench/template_languages.py; the README has its figures); the admin keeps
Django's templates. The helpers mirror the Django tags and
filters the pages need.
"""

import functools

from django.template.defaultfilters import pluralize
from django.templatetags.static import static
from django.urls import get_script_prefix, reverse
from django.utils import dateformat
from django.utils.timezone import localtime
from jinja2 import Environment

from . import images
from .text import typographic


def url(name, **kwargs):
    return _reverse_once(name, tuple(sorted(kwargs.items())), get_script_prefix())


@functools.lru_cache(maxsize=1000)
def _reverse_once(name, kwargs, prefix):
    """The site's own links, reversed once each: every page has a few.

    The script prefix is part of the key because reverse() puts it in front."""
    return reverse(name, kwargs=dict(kwargs) or None)


def date(moment, format_string):
    """Like Django's date filter: the moment in the current time zone, formatted."""
    return dateformat.format(localtime(moment), format_string) if moment else ""


def iso_datetime(moment):
    """For <time datetime="...">: the moment in the current time zone, to the second."""
    return localtime(moment).isoformat(timespec="seconds")


def environment(**options):
    env = Environment(**options)
    # Static files' hashed names are fixed while the process runs.
    env.globals.update(static=functools.lru_cache(maxsize=256)(static), url=url)
    env.filters.update(
        absolute=images.absolute,
        date=date,
        iso_datetime=iso_datetime,
        pluralize=pluralize,
        typographic=typographic,
    )
    return env
