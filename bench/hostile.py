"""The worst requests a visitor can send, measured on an archive of each size.

    .venv/bin/python bench/hostile.py                          # 5,000 briefings, SQLite
    .venv/bin/python bench/hostile.py --scale 5000,100000 --database postgres

Long queries of common words, searches within one to six topics, the deepest cursors,
a filter of three topics and the largest sitemap section, each with the page cache off
(one connection, so p50 and p99 are the cost of one request), beside the same search
without topics: a search within topics should cost at most twice that. Traffic goes to
127.0.0.1 only, for a fixed time per request.
"""

import argparse
import json
import sys
from pathlib import Path
from urllib.parse import urlencode

PROJECT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(PROJECT))

from bench.run import add_database_options, archives, bench_env, manage, measure, serve  # noqa: E402

WORDS = "the of and india talks border china minister"
# Printed as JSON by the site's own Django: topics and cursors as a visitor finds them.
FIND_VALUES = """
import json
from briefings.models import Briefing, Tag
popular = [t.slug for t in Tag.objects.most_used()[:6]]
rare = Tag.objects.in_use().order_by("published_count", "name_key").first().slug
oldest = Briefing.objects.published().order_by("published_at", "pk").values_list("pk", flat=True)
print(json.dumps({"popular": popular, "rare": rare, "oldest": oldest[1]}))
"""


def requests(found):
    """(name, path) of each request measured."""

    def search(**extra):
        tags = extra.pop("tags", [])
        return "/search/?" + urlencode([("q", extra.get("q", WORDS)), *(("tag", t) for t in tags)])

    popular, rare = found["popular"], found["rare"]
    return [
        ("8 common words", search()),
        ("  within the biggest topic", search(tags=popular[:1])),
        ("  within the rarest topic", search(tags=[rare])),
        ("  within six topics", search(tags=popular[:6])),
        ("1 common word", search(q="talks")),
        ("  within the biggest topic", search(q="talks", tags=popular[:1])),
        ("  within the rarest topic", search(q="talks", tags=[rare])),
        ("home, the oldest cursor", f"/?before={found['oldest']}"),
        ("topic, the oldest cursor", f"/tags/{popular[0]}/?before={found['oldest']}"),
        ("three topics together", "/tags/" + "+".join(sorted(popular[:3])) + "/"),
        ("briefings sitemap section", "/sitemap-briefings.xml"),
    ]


def main():
    options = parse_args()
    sizes = [int(size) for size in options.scale.split(",")]
    names, results = [], {}
    for size, folder, database_url in archives(options, sizes):
        # No rate limit: the benchmark asks far more often than a visitor may.
        env = {**bench_env(folder, database_url, page_cache_seconds="0"),
               "DJANGO_RATE_LIMITS": "0"}  # fmt: skip
        found = json.loads(manage(env, "shell", "-c", FIND_VALUES).strip().splitlines()[-1])
        sequential = argparse.Namespace(**{**vars(options), "connections": 1})
        measured = requests(found)
        names = [name for name, _ in measured]
        with serve("site_config.wsgi", env, PROJECT) as port:
            for row, (_, path) in enumerate(measured):
                results.setdefault(row, {})[size] = measure(port, path, sequential)
    print(f"\nWorst requests on {options.database}, page cache off, one connection, ms")
    print(f"{'request':<30}" + "".join(f"{f'p50 {s}':>12}{f'p99 {s}':>12}" for s in sizes))
    for row, by_size in results.items():
        cells = "".join(f"{by_size[s]['p50']:>12.2f}{by_size[s]['p99']:>12.2f}" for s in sizes)
        print(f"{names[row]:<30}{cells}")


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", default="5000", help="comma-separated archive sizes")
    add_database_options(parser)
    parser.add_argument("--seconds", type=int, default=3, help="load time per request")
    return parser.parse_args()


if __name__ == "__main__":
    main()
