"""Time the search page on a large generated archive, under gunicorn, with wrk.

    .venv/bin/python bench/search.py                       # 100,000 briefings on SQLite
    .venv/bin/python bench/search.py --database postgres
    .venv/bin/python bench/search.py --database-url sqlite:////tmp/archive.sqlite3

A fixed set of one-, two- and three-word queries, drawn from the generator's vocabulary
at fixed ranks past its stop words (its words follow Zipf's law, so rank 21, "talks", is
in nearly every briefing and rank 4,000 in a few), is each requested over one connection
for --seconds; the script prints each query's p50 and p99 and the median of the p50s.
--database-url reuses an archive made before (generating 100,000 briefings takes about
ten minutes).
"""

import argparse
import json
import statistics
import sys
import tempfile
from pathlib import Path
from urllib.parse import urlencode

from run import PROJECT, bench_env, manage, measure, prepare_database, serve

# Printed as JSON by the site's own Django: the queries, from the generator's vocabulary.
FIND_QUERIES = """
import json, random
from briefings.management.commands.generate_briefings import make_vocabulary
words = make_vocabulary(random.Random(1))
ranks = [[21], [30], [300], [4000], [22, 40], [25, 900], [200, 3000], [21, 23, 60], [50, 400, 2500]]
print(json.dumps([" ".join(words[rank] for rank in query) for query in ranks]))
"""


def main():
    options = parse_args()
    with tempfile.TemporaryDirectory(prefix="briefings-bench-") as folder:
        folder = Path(folder)
        database_url = options.database_url or prepare_database(options, folder, options.count)
        env = bench_env(folder, database_url, options.redis_url, page_cache_seconds="0")
        if options.database_url:  # prepare_database collects them otherwise
            manage(env, "collectstatic", "--noinput", "-v0")
        queries = find_queries(env)
        results = {}
        with serve("site_config.wsgi", env, PROJECT) as port:
            for query in queries:
                results[query] = measure(port, "/search/?" + urlencode({"q": query}), options)
    engine = "PostgreSQL" if database_url.startswith("postgres") else "SQLite"
    print(f"\n/search/ on {engine} ({database_url.split('/')[-1]}), one connection, "
          f"{options.seconds} s a query")  # fmt: skip
    print(f"{'query':<28}{'p50 ms':>8}{'p99 ms':>8}{'req/s':>8}{'KB':>7}")
    for query, figures in results.items():
        print(
            f"{query:<28}{figures['p50']:>8.1f}{figures['p99']:>8.1f}"
            f"{figures['rps']:>8.0f}{figures['kb']:>7.1f}"
        )
    print(
        f"{'median of the p50s':<28}{statistics.median(r['p50'] for r in results.values()):>8.1f}"
    )


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=100_000, help="briefings to generate")
    parser.add_argument("--database", choices=["sqlite", "postgres"], default="sqlite")
    parser.add_argument("--database-url", default="", help="an archive generated before")
    parser.add_argument(
        "--postgres-url",
        default="postgres://postgres@127.0.0.1:5432/postgres",
        help="a server where the benchmark may create and drop its own database",
    )
    parser.add_argument("--redis-url", default="")
    parser.add_argument("--seconds", type=int, default=3, help="load time per query")
    options = parser.parse_args()
    options.connections = 1  # p50 is then the cost of one request
    return options


def find_queries(env):
    return json.loads(manage(env, "shell", "-c", FIND_QUERIES).strip().splitlines()[-1])


if __name__ == "__main__":
    sys.exit(main())
