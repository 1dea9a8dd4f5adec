from django.urls import path, register_converter

from . import archive_views, feeds, search_views, sitemaps, views
from .converters import TagSlugsConverter

register_converter(TagSlugsConverter, "tag_slugs")

app_name = "briefings"
urlpatterns = [
    path("", views.home, name="home"),
    path("briefings/<slug:slug>/", views.briefing_detail, name="detail"),
    path("authors/<int:author_id>/", views.author, name="author"),
    path("corrections/", views.corrections, name="corrections"),
    path("search/", search_views.search_page, name="search"),
    path("archive/", archive_views.archive, name="archive"),
    path("archive/<int:year>/", archive_views.year_archive, name="archive_year"),
    path("archive/<int:year>/<int:month>/", archive_views.month_archive, name="archive_month"),
    path("feed/rss/", feeds.site_rss, name="feed_rss"),
    path("feed/atom/", feeds.site_atom, name="feed_atom"),
    path("feed.json", feeds.site_json, name="feed_json"),
    path("tags/<tag_slugs:slugs>/feed/rss/", feeds.tag_rss, name="tag_feed_rss"),
    path("tags/<tag_slugs:slugs>/feed/atom/", feeds.tag_atom, name="tag_feed_atom"),
    path("tags/<tag_slugs:slugs>/feed.json", feeds.tag_json, name="tag_feed_json"),
    path("robots.txt", sitemaps.robots_txt, name="robots"),
    path("favicon.ico", views.favicon, name="favicon"),
    path("sitemap.xml", sitemaps.sitemap_index, name="sitemap"),
    path("sitemap-<str:section>.xml", sitemaps.sitemap_section, name="sitemap_section"),
    path("tags/", views.tag_index, name="tag_index"),
    path("tags/<tag_slugs:slugs>/", views.tag_filter, name="tag"),
    path("tags/<tag_slugs:slugs>/topics/", views.more_topics, name="more_topics"),
    path("tags/<tag_slugs:slugs>/timeline/", archive_views.timeline, name="timeline"),
]
