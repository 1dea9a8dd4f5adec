class TagSlugsConverter:
    """One or more tag slugs joined by "+", as in /tags/border-talks+sco/.

    Tag slugs keep non-Latin letters ("भारत", "中国"), which Django's <slug:>
    converter rejects, so this accepts any path segment free of control
    characters (PostgreSQL refuses NUL in a query) and the view answers 404
    for slugs that name no tag.
    """

    regex = r"[^/\x00-\x1f\x7f]+"

    def to_python(self, value):
        return value.split("+")

    def to_url(self, value):
        return "+".join(value)


class NumberConverter:
    """A positive whole number as written once: /archive/2025/1/, never /archive/02025/01/.

    Django's <int:> also takes leading zeros, which gives one page many addresses,
    each with its own cache entry.
    """

    regex = r"[1-9][0-9]{0,17}"

    def to_python(self, value):
        return int(value)

    def to_url(self, value):
        return str(value)
