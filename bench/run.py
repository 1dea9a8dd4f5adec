"""Serve Briefings with production settings under gunicorn and measure it with wrk.

    .venv/bin/python bench/run.py [--count 2000] [--seconds 10] [--connections 8]

Generates the synthetic briefings in a throw-away SQLite database (or the one in
--database-url), starts the site and a bare Django view under gunicorn with two
workers each, and prints requests per second and p50/p99 latency per page, with
each page's rate as a share of the bare view's. Traffic goes to 127.0.0.1 only,
for a fixed number of seconds per page.
"""

import argparse
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

PROJECT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent


def main():
    options = parse_args()
    if not shutil.which("wrk"):
        sys.exit("wrk is needed: sudo apt-get install wrk")
    with tempfile.TemporaryDirectory(prefix="briefings-bench-") as folder:
        env = production_env(Path(folder), options)
        prepare_site(env, options.count)
        pages = {
            "home": "/",
            "briefing": "/briefings/synthetic-1-0/",
            "tag": "/tags/topic-07/",
        }
        results = {}
        with serve(["bare.wsgi"], env, cwd=PROJECT / "bench", folder=folder) as port:
            results["bare view"] = measure(port, "/", options)
        with serve(["site_config.wsgi"], env, cwd=PROJECT, folder=folder) as port:
            for name, path in pages.items():
                results[name] = measure(port, path, options)
    report(results, options)


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=2000, help="synthetic briefings")
    parser.add_argument("--seconds", type=int, default=10, help="load time per page")
    parser.add_argument("--connections", type=int, default=8)
    parser.add_argument("--database-url", default="", help="default: SQLite in a temp folder")
    parser.add_argument(
        "--redis-url", default="", help="shared cache in Redis; default: each worker's memory"
    )
    parser.add_argument(
        "--page-cache-seconds", default="60", help="0 measures every page rendered afresh"
    )
    return parser.parse_args()


def production_env(folder, options):
    return {
        **os.environ,
        "REDIS_URL": options.redis_url,
        "DJANGO_PAGE_CACHE_SECONDS": options.page_cache_seconds,
        "DJANGO_DEBUG": "0",
        "DJANGO_SECRET_KEY": "bench-" + "k" * 50,
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
        # Plain HTTP on loopback: no HTTPS redirect, no secure-only cookies.
        "DJANGO_SECURE_SSL_REDIRECT": "0",
        "DJANGO_SECURE_COOKIES": "0",
        "DJANGO_HSTS_SECONDS": "0",
        "DATABASE_URL": options.database_url or f"sqlite:///{folder / 'bench.sqlite3'}",
        "DJANGO_STATIC_ROOT": str(folder / "static"),
        "DJANGO_MEDIA_ROOT": str(folder / "media"),
    }


def prepare_site(env, count):
    manage = [str(BIN / "python"), "manage.py"]
    for command in (
        ["migrate", "--noinput", "-v0"],
        ["collectstatic", "--noinput", "-v0"],
        ["generate_briefings", "--count", str(count)],
    ):
        started = time.monotonic()
        subprocess.run(manage + command, cwd=PROJECT, env=env, check=True)
        print(f"# {' '.join(command[:1])}: {time.monotonic() - started:.1f} s", flush=True)


class serve:
    """gunicorn with two workers on a free loopback port, stopped on exit."""

    def __init__(self, app, env, cwd, folder):
        self.port = free_port()
        self.command = [
            str(BIN / "gunicorn"), *app, "--workers", "2", "--bind", f"127.0.0.1:{self.port}",
            "--no-control-socket", "--log-level", "warning",
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
    with urllib.request.urlopen(url, timeout=5) as response:
        assert response.status == 200, f"{url} answered {response.status}"
    subprocess.run(["wrk", "-t2", "-c4", "-d2s", url], capture_output=True, check=True)  # warm-up
    output = subprocess.run(
        ["wrk", "-t2", f"-c{options.connections}", f"-d{options.seconds}s", "--latency", url],
        capture_output=True, text=True, check=True, timeout=options.seconds + 30,
    ).stdout  # fmt: skip
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    if errors:
        sys.exit(f"{url}: {errors.group(1)} error responses\n{output}")
    return {
        "rps": float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1)),
        "p50": milliseconds(re.search(r"50%\s+([\d.]+\w+)", output).group(1)),
        "p99": milliseconds(re.search(r"99%\s+([\d.]+\w+)", output).group(1)),
    }


def milliseconds(value):
    number, unit = re.fullmatch(r"([\d.]+)(\w+)", value).groups()
    return float(number) * {"us": 0.001, "ms": 1, "s": 1000}[unit]


def report(results, options):
    bare = results["bare view"]["rps"]
    print(
        f"\n{options.count} briefings, gunicorn 2 workers, wrk {options.connections} "
        f"connections x {options.seconds} s per page, "
        f"shared cache: {'Redis' if options.redis_url else 'none (worker memory)'}, "
        f"page cache {options.page_cache_seconds} s"
    )
    print(f"{'page':<10} {'req/s':>8} {'p50 ms':>8} {'p99 ms':>8} {'of bare':>8}")
    for name, figures in results.items():
        print(
            f"{name:<10} {figures['rps']:>8.0f} {figures['p50']:>8.2f} "
            f"{figures['p99']:>8.2f} {figures['rps'] / bare:>8.0%}"
        )


if __name__ == "__main__":
    main()
