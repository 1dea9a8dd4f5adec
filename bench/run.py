"""Serve Briefings with production settings under gunicorn and measure it with wrk.

    .venv/bin/python bench/run.py                      # every page type, cache on and off
    .venv/bin/python bench/run.py --scale 1000,100000  # p50 as the archive grows
    .venv/bin/python bench/run.py --database postgres --scale 1000,100000

The default run generates --count briefings, then measures each public page type with
the page cache on and off beside a bare Django view on the same gunicorn (two workers),
in rounds between two measurements of the bare view, and prints the medians of
requests per second, p50, p99 and the share of the bare view's rate (against the mean
of the two around it; for cached pages also against the bare view padded to the page's
size), and each page's size. The site runs with --request-log-level (WARNING: the
nodes behind the proxy, which logs every request). --scale
measures the pages with the cache off at each archive size (one connection, so p50 is
the cost of one request) and prints p50 as a ratio to the smallest size's. Traffic
goes to 127.0.0.1 only, for a fixed time per page.
"""

import argparse
import json
import os
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

PROJECT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(PROJECT))

from bench.page_kinds import address  # noqa: E402

BIN = Path(sys.executable).parent
PAGE_TYPES = [
    "home", "deep home", "briefing", "most popular tag", "long-tail tag",
    "two most popular tags", "tags index",
    "API list", "API one topic", "API two topics", "API topics",
]  # fmt: skip
# Printed as JSON by the site's own Django, so the pages are picked as a reader finds them.
FIND_VALUES = """
import json
from briefings.models import Briefing, Tag
newest = Briefing.objects.published().order_by("-published_at", "-pk")
popular = list(Tag.objects.most_used()[:2])
rare = Tag.objects.in_use().order_by("published_count", "name_key").first()
deep = newest.values_list("pk", flat=True)[max(0, min(499 * 12, newest.count() - 13))]
print(json.dumps({
    "cursor": deep,
    "briefing": newest[0].slug,
    "popular": popular[0].slug,
    "rare": rare.slug,
    "two_popular": "+".join(sorted(t.slug for t in popular)),
}))
"""


def main():
    options = parse_args()
    if not shutil.which("wrk"):
        sys.exit("wrk is needed: sudo apt-get install wrk")
    if options.scale:
        measure_scale(options)
    else:
        measure_throughput(options)


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=2000, help="briefings (default run)")
    parser.add_argument("--scale", default="", help="comma-separated archive sizes")
    add_database_options(parser)
    parser.add_argument("--seconds", type=int, default=3, help="load time per measurement")
    parser.add_argument("--rounds", type=int, default=3, help="measurements of each page")
    parser.add_argument("--connections", type=int, default=8)
    parser.add_argument(
        "--request-log-level", default="WARNING",
        help="the site's DJANGO_REQUEST_LOG_LEVEL: WARNING (default) as the nodes behind "
        "the proxy run, whose access log has every request (make stack); INFO writes a "
        "line for each request on the node, as one machine without a proxy does",
    )  # fmt: skip
    return parser.parse_args()


def measure_throughput(options):
    """Each page beside the bare view, in alternating rounds: the machine's speed
    drifts during a run, so each page's share is the median of its rounds' shares,
    each against the bare view measured just before and just after it. A cached page
    is also set against the bare view padded to the page's size, measured right after
    it: what the page's bytes cost any server, apart from what the site adds."""
    with tempfile.TemporaryDirectory(prefix="briefings-bench-") as folder:
        folder = Path(folder)
        database_url = prepare_database(options, folder, options.count)
        results = {}
        bare_env = bench_env(folder, database_url, options.redis_url)
        with serve("bare.wsgi", bare_env, PROJECT / "bench") as bare_port:
            for cache, seconds in (("on", "60"), ("off", "0")):
                env = bench_env(folder, database_url, options.redis_url, seconds)
                env["DJANGO_REQUEST_LOG_LEVEL"] = options.request_log_level
                pages = find_pages(env)
                with serve("site_config.wsgi", env, PROJECT) as port:
                    for name in PAGE_TYPES:
                        rounds = measure_rounds(
                            port, pages[name], bare_port, options, same_size=cache == "on"
                        )
                        results.setdefault(name, {})[cache] = median_round(rounds)
    print(
        f"\n{options.count} briefings on {options.database}, gunicorn 2 workers, wrk "
        f"{options.connections} connections x {options.seconds} s a measurement, shared cache: "
        f"{'Redis' if options.redis_url else 'database'}, request log at "
        f"{options.request_log_level}; medians of {options.rounds} "
        "rounds of the page between two of the bare view"
    )
    print(
        f"{'page':<22}{'cache':>6}{'req/s':>8}{'p50 ms':>8}{'p99 ms':>8}"
        f"{'bare req/s':>11}{'of bare':>9}{'same size':>11}{'KB':>7}"
    )
    for name, by_cache in results.items():
        for cache, figures in by_cache.items():
            same_size = figures["share_of_same_size"]
            print(
                f"{name:<22}{cache:>6}{figures['rps']:>8.0f}{figures['p50']:>8.2f}"
                f"{figures['p99']:>8.2f}{figures['bare']:>11.0f}{figures['share']:>9.0%}"
                f"{'' if same_size is None else f'{same_size:.0%}':>11}{figures['kb']:>7.1f}"
            )


def measure_rounds(port, path, bare_port, options, same_size):
    """options.rounds of (bare view before, page, bare view after, bare view at the
    page's size if same_size else None)."""
    bare = [measure(bare_port, "/", options)]
    rounds = []
    for _ in range(options.rounds):
        page = measure(port, path, options)
        padded = f"/?bytes={round(page['kb'] * 1024)}"
        sized = measure(bare_port, padded, options) if same_size else None
        bare.append(measure(bare_port, "/", options))
        rounds.append((bare[-2]["rps"], page, bare[-1]["rps"], sized))
    return rounds


def median_round(rounds):
    """The median of each figure over rounds of (bare view before, page, bare view
    after, bare view at the page's size or None); a page's share is against the mean
    of the bare view on either side."""
    pages = [page for _, page, _, _ in rounds]
    bares = [(before + after) / 2 for before, _, after, _ in rounds]
    same_sizes = [same_size for *_, same_size in rounds]
    return {
        **{figure: statistics.median(page[figure] for page in pages) for figure in pages[0]},
        "bare": statistics.median(bares),
        "share": statistics.median(
            page["rps"] / bare for page, bare in zip(pages, bares, strict=True)
        ),
        "share_of_same_size": None
        if None in same_sizes
        else statistics.median(
            page["rps"] / same_size["rps"]
            for page, same_size in zip(pages, same_sizes, strict=True)
        ),
    }


def measure_scale(options):
    sizes = [int(size) for size in options.scale.split(",")]
    p50s = {}
    for size, folder, database_url in archives(options, sizes):
        env = bench_env(folder, database_url, options.redis_url, "0")
        env["DJANGO_REQUEST_LOG_LEVEL"] = options.request_log_level
        pages = find_pages(env)
        sequential = argparse.Namespace(**{**vars(options), "connections": 1})
        with serve("site_config.wsgi", env, PROJECT) as port:
            for name in PAGE_TYPES:
                p50s.setdefault(name, {})[size] = measure(port, pages[name], sequential)
    print(f"\np50 in ms with the page cache off, on {options.database}, one connection")
    print(f"{'page':<22}" + "".join(f"{size:>10}" for size in sizes) + f"{'ratio':>8}{'KB':>7}")
    for name, by_size in p50s.items():
        cells = "".join(f"{by_size[size]['p50']:>10.2f}" for size in sizes)
        ratio = by_size[sizes[-1]]["p50"] / by_size[sizes[0]]["p50"]
        print(f"{name:<22}{cells}{ratio:>8.2f}{by_size[sizes[-1]]['kb']:>7.1f}")


def add_database_options(parser):
    """The options every benchmark shares: which engine, where, and which archives."""
    parser.add_argument(
        "--archives",
        default="",
        help="with --scale: comma-separated database URLs of archives of those sizes, made "
        "before with generate_briefings, an empty one generated (on PostgreSQL a "
        "benchmark's last one stays, as briefings_bench; generating 100,000 takes a while)",
    )
    parser.add_argument("--database", choices=["sqlite", "postgres"], default="sqlite")
    parser.add_argument(
        "--postgres-url",
        default="postgres://postgres@127.0.0.1:5432/postgres",
        help="a server where the benchmark may create and drop its own database",
    )
    parser.add_argument("--redis-url", default="", help="shared cache; default: the database")


def archives(options, sizes):
    """(size, folder, database URL) of an archive of each size, given (--archives) or
    generated; each folder holds its static files and is removed afterwards."""
    urls = options.archives.split(",") if options.archives else [""] * len(sizes)
    given = {size: url for size, url in zip(sizes, urls, strict=True) if url}
    for size in sizes:
        with tempfile.TemporaryDirectory(prefix="briefings-bench-") as folder:
            folder = Path(folder)
            if size in given:
                manage(bench_env(folder, given[size]), "collectstatic", "--noinput", "-v0")
            yield size, folder, given.get(size) or prepare_database(options, folder, size)


def prepare_database(options, folder, count):
    """A new database holding `count` generated briefings; returns its URL."""
    if options.database == "postgres":
        database_url = recreate_postgres_database(options.postgres_url, "briefings_bench")
    else:
        database_url = f"sqlite:///{folder / 'bench.sqlite3'}"
    env = bench_env(folder, database_url, options.redis_url)
    tags = max(50, count // 5)
    for command in (
        ["migrate", "--noinput", "-v0"],
        ["collectstatic", "--noinput", "-v0"],
        ["generate_briefings", "--count", str(count), "--tags", str(tags)],
    ):
        started = time.monotonic()
        subprocess.run(
            [str(BIN / "python"), "manage.py", *command],
            cwd=PROJECT, env=env, check=True, stdout=subprocess.DEVNULL,
        )  # fmt: skip
        print(f"# {command[0]}: {time.monotonic() - started:.0f} s", flush=True)
    return database_url


def recreate_postgres_database(server_url, name):
    import psycopg  # only the PostgreSQL runs need it

    with psycopg.connect(server_url, autocommit=True) as connection:
        connection.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
        connection.execute(f"CREATE DATABASE {name}")
    return server_url.rsplit("/", 1)[0] + f"/{name}"


def bench_env(folder, database_url, redis_url="", page_cache_seconds="60"):
    """Production settings over plain HTTP on loopback."""
    return {
        **os.environ,
        "DJANGO_DEBUG": "0",
        "DJANGO_SECRET_KEY": "bench-" + "k" * 50,
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
        "DJANGO_SECURE_SSL_REDIRECT": "0",
        "DJANGO_SECURE_COOKIES": "0",
        "DJANGO_HSTS_SECONDS": "0",
        "DJANGO_PAGE_CACHE_SECONDS": page_cache_seconds,
        "DATABASE_URL": database_url,
        "REDIS_URL": redis_url,
        "DJANGO_STATIC_ROOT": str(folder / "static"),
        "DJANGO_MEDIA_ROOT": str(folder / "media"),
    }


def find_pages(env):
    """Each page type's address (bench/page_kinds.py), from the archive's own data."""
    found = json.loads(manage(env, "shell", "-c", FIND_VALUES).strip().splitlines()[-1])
    return {
        "home": address("home"),
        "deep home": address("deep home", cursor=found["cursor"]),
        "briefing": address("briefing", briefing=found["briefing"]),
        "most popular tag": address("tag", tag=found["popular"]),
        "long-tail tag": address("tag", tag=found["rare"]),
        "two most popular tags": address("two-tag filter", two_tags=found["two_popular"]),
        "tags index": address("tags index"),
        "API list": address("API briefings"),
        "API one topic": address("API one topic", tag=found["popular"]),
        "API two topics": address(
            "API two topics", two_topics=found["two_popular"].replace("+", ",")
        ),
        "API topics": address("API topics"),
    }


def manage(env, *command):
    """Run a manage.py command of the site under `env`; its standard output."""
    result = subprocess.run(
        [str(BIN / "python"), "manage.py", *command],
        cwd=PROJECT, env=env, check=True, capture_output=True, text=True,
    )  # fmt: skip
    return result.stdout


class serve:
    """gunicorn with `workers` workers on a free loopback port, stopped on exit."""

    def __init__(self, app, env, cwd, workers=2):
        self.port = free_port()
        self.command = [
            str(BIN / "gunicorn"), app, "--workers", str(workers),
            "--bind", f"127.0.0.1:{self.port}", "--no-control-socket", "--log-level", "warning",
        ]  # fmt: skip
        self.env, self.cwd = env, cwd

    def __enter__(self):
        self.process = subprocess.Popen(self.command, cwd=self.cwd, env=self.env)
        wait_until_up(self.port)
        return self.port

    def __exit__(self, *exc):
        self.process.terminate()
        self.process.wait(timeout=30)


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_until_up(port, timeout=30):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=2)
            return
        except OSError:
            time.sleep(0.2)
    sys.exit(f"gunicorn did not answer on port {port}")


def measure(port, path, options):
    url = f"http://127.0.0.1:{port}{path}"
    with urllib.request.urlopen(url, timeout=10) as response:
        assert response.status == 200, f"{url} answered {response.status}"
        size = len(response.read())
    subprocess.run(["wrk", "-t1", "-c2", "-d1s", url], capture_output=True, check=True)  # warm-up
    threads = min(2, options.connections)
    output = subprocess.run(
        ["wrk", f"-t{threads}", f"-c{options.connections}", f"-d{options.seconds}s",
         "--latency", url],
        capture_output=True, text=True, check=True, timeout=options.seconds + 30,
    ).stdout  # fmt: skip
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    if errors:
        sys.exit(f"{url}: {errors.group(1)} error responses\n{output}")
    return {
        "rps": float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1)),
        "p50": milliseconds(re.search(r"50%\s+([\d.]+\w+)", output).group(1)),
        "p99": milliseconds(re.search(r"99%\s+([\d.]+\w+)", output).group(1)),
        "kb": size / 1024,
    }


def milliseconds(value):
    number, unit = re.fullmatch(r"([\d.]+)(\w+)", value).groups()
    return float(number) * {"us": 0.001, "ms": 1, "s": 1000}[unit]


if __name__ == "__main__":
    main()
