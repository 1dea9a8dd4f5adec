from django.urls import path, register_converter

from . import feeds, sitemaps
from .converters import NumberConverter, TagSlugsConverter
from .views import archive, authors, briefings, health, search, tags

register_converter(TagSlugsConverter, "tag_slugs")
register_converter(NumberConverter, "number")

app_name = "briefings"
urlpatterns = [
    path("", briefings.home, name="home"),
    path("briefings/<slug:slug>/", briefings.briefing_detail, name="detail"),
    path("authors/<number:author_id>/", authors.author, name="author"),
    path("corrections/", briefings.corrections, name="corrections"),
    path("search/", search.search_page, name="search"),
    path("archive/", archive.archive, name="archive"),
    path("archive/<number:year>/", archive.year_archive, name="archive_year"),
    path("archive/<number:year>/<number:month>/", archive.month_archive, name="archive_month"),
    path("feed/rss/", feeds.site_rss, name="feed_rss"),
    path("feed/atom/", feeds.site_atom, name="feed_atom"),
    path("feed.json", feeds.site_json, name="feed_json"),
    path("follow/", feeds.follow_site, name="follow"),
    path("tags/<tag_slugs:slugs>/feed/rss/", feeds.tag_rss, name="tag_feed_rss"),
    path("tags/<tag_slugs:slugs>/feed/atom/", feeds.tag_atom, name="tag_feed_atom"),
    path("tags/<tag_slugs:slugs>/feed.json", feeds.tag_json, name="tag_feed_json"),
    path("tags/<tag_slugs:slugs>/follow/", feeds.follow_tags, name="tag_follow"),
    path("robots.txt", sitemaps.robots_txt, name="robots"),
    path("healthz", health.healthz, name="healthz"),
    path("readyz", health.readyz, name="readyz"),
    path("favicon.ico", briefings.favicon, name="favicon"),
    path("sitemap.xml", sitemaps.sitemap_index, name="sitemap"),
    path("sitemap-<str:section>.xml", sitemaps.sitemap_section, name="sitemap_section"),
    path("tags/", tags.tag_index, name="tag_index"),
    path("tags/<tag_slugs:slugs>/", tags.tag_filter, name="tag"),
    path("tags/<tag_slugs:slugs>/topics/", tags.more_topics, name="more_topics"),
    path("tags/<tag_slugs:slugs>/timeline/", archive.timeline, name="timeline"),
]
