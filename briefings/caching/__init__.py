"""Caching of public pages: surrogate keys and their purges (surrogate_keys.py), and the
page cache that stores pages under them (page_cache.py)."""
