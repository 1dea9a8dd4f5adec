"""The content API (endpoints.py), served under /api/v1/."""

from .endpoints import api, get_briefing, get_topic, list_briefings, list_topics, not_found_anywhere

# The page cache finds a view's policy on the function its URL resolves to: django-ninja
# answers each address through a function of its own, which takes its endpoint's.
CACHED_BY_URL_NAME = {
    "briefings": list_briefings, "briefing": get_briefing, "topics": list_topics,
    "topic": get_topic,
}  # fmt: skip


def urls():
    """The API's URL patterns, each carrying its page-cache policy."""
    patterns, app_name, namespace = api.urls
    for pattern in patterns:
        view = CACHED_BY_URL_NAME.get(pattern.name)
        if view is not None:
            pattern.callback.page_policy = view.page_policy
    return patterns, app_name, namespace


__all__ = ["api", "not_found_anywhere", "urls"]
