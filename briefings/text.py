"""Text work done once, when an editor saves: Markdown to safe HTML, slugs, reading time."""

import csv
import math
import re
import unicodedata
from html import escape, unescape
from typing import NamedTuple

import cmarkgfm
import nh3
from cmarkgfm import cmark
from markupsafe import Markup

from . import images

WORDS_PER_MINUTE = 200
# The combining diacritical marks of Latin, Greek and Cyrillic; the marks of Indic
# scripts (vowel signs) are letters to a reader, and stay.
COMBINING_ACCENTS = ("\u0300", "\u036f")
MAX_TAGS_TYPED = 100_000  # characters of a typed tag list
# Characters of a tag's name, slug and folded name: folding may lengthen a name
# ("ß" is "ss", "ﷺ" eighteen letters), so the folded form is checked too.
MAX_NAME_LENGTH = 100
# Characters of a briefing's text: a long report is a tenth of it. Texts saved before
# there was a limit keep rendering, and may be shortened, not lengthened.
MAX_BODY_LENGTH = 100_000


# What readers' links reach inside a briefing: its headings and footnotes, each id
# prefixed so that none can take the id of the page around it (the skip link's target).
BODY_ID_PREFIX = "body-"

# cmark-gfm, GitHub's C implementation of CommonMark: linear in its input by design
# (fuzzed for it) and fast, with tables and footnotes. Its "smart" option is the site's
# typographer: "quotes" curly, -- an en dash, --- an em dash, ... an ellipsis. Raw HTML
# is let through to nh3 below, which keeps only ALLOWED_TAGS and removes scripts and
# styles whole (GitHub's tag filter, left off, would show them as text).
MARKDOWN_OPTIONS = (
    cmark.Options.CMARK_OPT_SMART
    | cmark.Options.CMARK_OPT_FOOTNOTES
    | cmark.Options.CMARK_OPT_UNSAFE
)

# nh3's defaults already drop scripts, event handlers and javascript: URLs;
# we only narrow the tag list to what briefings use and keep the anchors.
ALLOWED_TAGS = {
    "p", "br", "hr", "h2", "h3", "h4", "h5", "h6", "blockquote", "ul", "ol", "li",
    "a", "em", "strong", "code", "pre", "abbr", "sup", "sub", "dl", "dt", "dd",
    "table", "thead", "tbody", "tr", "th", "td", "figure", "figcaption", "section",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {
    "a": {"href", "title", "id", "aria-label"},
    "abbr": {"title"},
    **{f"h{level}": {"id"} for level in range(2, 7)},
    "li": {"id"},
    "th": {"scope"},
}
HEADING = re.compile(r"<h([1-6])>(.*?)</h\1>", re.S)

# Library images in a body: what a figure may hold, its pictures from the renditions
# folder alone (images.py).
FIGURE_TAGS = {"img", "span"}
FIGURE_ATTRIBUTES = {
    "img": {"src", "srcset", "sizes", "width", "height", "alt", "loading", "decoding"},
    "figure": {"class"},
    "span": {"class"},
}
LIBRARY_IMAGE = re.compile(r'<img src="image:(\d{1,18})" alt="([^"]*)"(?: title="([^"]*)")? />')
STANDALONE_IMAGE = re.compile(f"<p>{LIBRARY_IMAGE.pattern}</p>")
ANY_IMAGE = re.compile(r"<img\b[^>]*>")


class LibraryFigure(NamedTuple):
    alt: str
    caption: str
    credit: str
    renditions: dict


def _with_figures(html, library):
    wanted = {int(found[1]) for found in STANDALONE_IMAGE.finditer(html)}
    shown = library(wanted) if library and wanted else {}

    def figure(found):
        image = shown.get(int(found[1]))
        if image is None:
            return ""
        return _figure_html(image, alt=unescape(found[2]), caption=unescape(found[3] or ""))

    # Only a library image on a line of its own is a figure; every other image goes.
    html = ANY_IMAGE.sub(lambda found: found[0] if LIBRARY_IMAGE.fullmatch(found[0]) else "", html)
    return LIBRARY_IMAGE.sub("", STANDALONE_IMAGE.sub(figure, html))


def _figure_html(image, alt, caption):
    """A library image as the lead image is shown: renditions, sizes, lazily loaded."""
    picture = images.picture(image.renditions, "page")
    if picture is None:
        return ""
    caption, credit = caption or image.caption, image.credit
    parts = [f'<span class="caption">{escape(caption)}</span>' if caption else "",
             f'<span class="credit">Image: {escape(credit)}</span>' if credit else ""]  # fmt: skip
    captions = f"<figcaption>{''.join(parts)}</figcaption>" if caption or credit else ""
    return (
        f'<figure class="body-image"><img src="{picture["src"]}" srcset="{picture["srcset"]}" '
        f'sizes="(min-width: 48rem) 46rem, 100vw" width="{picture["width"]}" '
        f'height="{picture["height"]}" alt="{escape(alt or image.alt)}" loading="lazy" '
        f'decoding="async">{captions}</figure>'
    )


def _only_renditions(tag, attribute, value):
    """nh3's check of each attribute it keeps: a picture only from the renditions."""
    if tag == "img" and attribute in ("src", "srcset"):
        prefix = images.renditions_url()
        sources = [part.split()[0] for part in value.split(",") if part.strip()]
        if not sources or not all(source.startswith(prefix) for source in sources):
            return None
    return value


TAG = re.compile(r"<[^>]*>")
FRAGMENT_LINK = re.compile(r'href="#(?!' + BODY_ID_PREFIX + ")")


# In a title or standfirst every ASCII sign but quotes, dots and dashes (the
# typographer's own) is plain text, and so is a list's opening number or dash.
MARKDOWN_SIGN = re.compile(r"[!#$%&()*+,/:;<=>?@\[\\\]^_`{|}~]")
LIST_OPENING = re.compile(r"^(\d*)([.]|-)")


def typographic(plain):
    """A title or standfirst as HTML with the body's typography (curly quotes and
    apostrophes, dashes, ellipses): the same typographer, cmark's, over the text with
    every other Markdown sign escaped. Stored text, slugs and search keep straight marks."""
    escaped = MARKDOWN_SIGN.sub(r"\\\g<0>", " ".join(plain.split()))
    escaped = LIST_OPENING.sub(r"\1\\\2", escaped)
    html = cmarkgfm.markdown_to_html(escaped, options=cmark.Options.CMARK_OPT_SMART)
    return Markup(html.strip().removeprefix("<p>").removesuffix("</p>"))


def render_markdown(source, library=None):
    """Return the sanitised HTML for an editor's Markdown, in time linear in its length.

    `library(ids)` gives the library images a body may show, {id: LibraryFigure}: an
    image of its own on a line, `![](image:<id>)`, becomes their figure; every other
    image (any other address, raw HTML) is left out.
    """
    html = cmarkgfm.markdown_to_html_with_extensions(
        source, options=MARKDOWN_OPTIONS, extensions=["table"]
    )
    html = _with_figures(html, library)
    html = nh3.clean(
        _with_heading_ids(html),
        tags=ALLOWED_TAGS | FIGURE_TAGS,
        attributes={**ALLOWED_ATTRIBUTES, **FIGURE_ATTRIBUTES},
        attribute_filter=_only_renditions,
        url_schemes={"http", "https", "mailto"},
        link_rel="noopener noreferrer",
        id_prefix=BODY_ID_PREFIX,
    )
    # nh3 prefixed the ids; the links to them within the text follow.
    return FRAGMENT_LINK.sub(f'href="#{BODY_ID_PREFIX}', html)


def _with_heading_ids(html):
    """Headings with an anchor made of their words, unique within the text; the page
    title is the only <h1>, so an editor's "# Heading" becomes <h2>."""
    taken = {}

    def anchored(match):
        level = max(2, int(match.group(1)))
        anchor = _unique(heading_id(unescape(TAG.sub("", match.group(2)))) or "section", taken)
        return f'<h{level} id="{anchor}">{match.group(2)}</h{level}>'

    return HEADING.sub(anchored, html)


def heading_id(title):
    """A heading's anchor: its words, lower case, joined by hyphens, in any script."""
    return "-".join(re.sub(r"[^\w\s-]", "", title).lower().split())


def _unique(anchor, taken):
    """The anchor, or with the first free -2, -3… after it; `taken` counts each anchor's
    uses, so that n equal headings cost n steps, not n squared."""
    candidate, number = anchor, taken.get(anchor, 0)
    while candidate in taken:
        number += 1
        candidate = f"{anchor}-{number}"
    taken[anchor] = number
    taken.setdefault(candidate, 0)
    return candidate


def plain_text(html):
    """The text of some HTML, without tags or character references."""
    return unescape(nh3.clean(html, tags=set()))


def word_count(html):
    return len(plain_text(html).split())


def reading_minutes(html):
    """Estimated minutes to read the text of some HTML, at least one."""
    return max(1, math.ceil(word_count(html) / WORDS_PER_MINUTE))


def unicode_slug(text):
    """A URL slug that keeps letters of every script, with their combining marks.

    Django's slugify(allow_unicode=True) drops combining marks, which mangles
    Hindi and other Indic scripts ("भारत" would lose its vowel signs).
    """
    text = fold(text)
    kept = "".join(ch if unicodedata.category(ch)[0] in "LMN" else " " for ch in text)
    return "-".join(kept.split())


def is_unicode_slug(value):
    """Letters, marks and digits of any script, with "-" and "_" between them."""
    return bool(value) and all(ch in "-_" or unicodedata.category(ch)[0] in "LMN" for ch in value)


def fold(text):
    """Text as compared ignoring case in any script, and Unicode spelling: "ÉCOLE" is "école"."""
    return unicodedata.normalize("NFKC", text).casefold()


def name_key(name):
    """A tag name folded for comparison: "École", "école" and "ÉCOLE" are one name."""
    return fold(name).strip()


def folded_too_long(name):
    """A ValidationError message if the name, folded for comparison, is too long."""
    folded = name_key(name)
    if len(folded) <= MAX_NAME_LENGTH:
        return None
    return (
        f"“{name[:30]}…” is {len(folded)} characters once case and spelling are folded; "
        f"a name or address may have at most {MAX_NAME_LENGTH}."
    )


def sort_key(name):
    """How names are ordered for readers: ignoring case and accents, so "École" comes
    beside "Ecole" and before "F". The folded name follows, to order names that differ
    only in accents the same way every time."""
    key = name_key(name)
    plain = "".join(
        ch
        for ch in unicodedata.normalize("NFKD", key)
        if not COMBINING_ACCENTS[0] <= ch <= COMBINING_ACCENTS[1]
    )
    # Cut, so that it fits its column however folding lengthened it; the full key
    # after it still orders names alike in their first hundred letters.
    return f"{plain[:MAX_NAME_LENGTH]}\x01{key}"


def index_initial(key):
    """The A–Z section of the tags index a folded name belongs to; "" if none.

    Accents are ignored ("école" is under E); other scripts and digits share a section.
    """
    decomposed = unicodedata.normalize("NFKD", key[:1])
    first = decomposed[:1]
    return first if "a" <= first <= "z" else ""


def parse_tag_names(typed):
    """Tag names as an editor types them: separated by commas only, so "border talks" is
    one tag; a name holding a comma goes in double quotes (taggit's TAGGIT_TAGS_FROM_STRING).
    """
    # Cut to stay within the csv module's field limit; forms refuse longer lists first.
    typed = typed[:MAX_TAGS_TYPED].replace("\n", ",")
    fields = next(csv.reader([typed], skipinitialspace=True), [])
    names = (" ".join(field.split()) for field in fields)
    return list(dict.fromkeys(name for name in names if name))  # in the order typed


def tag_names_text(tags):
    """The names of tags as parse_tag_names reads them back (TAGGIT_STRING_FROM_TAGS)."""
    return typed_tag_names(tag.name for tag in tags)


def typed_tag_names(names):
    """Tag names as an editor types them: in a reader's order, quoted where needed."""
    return ", ".join(_quoted_if_needed(name) for name in sorted(names, key=sort_key))


def _quoted_if_needed(name):
    if "," in name or '"' in name:
        return '"' + name.replace('"', '""') + '"'
    return name
