"""A soak of the running stack (`make stack`, then `make soak`): readers through the proxy
while an editor edits, then the same with a fault injected in each phase.

    .venv/bin/python bench/soak.py                    # 200 readers, 60 s a phase
    .venv/bin/python bench/soak.py --seconds 20 --connections 100

Readers (wrk, bench/soak.lua) ask the public address for a mix of page types; an editor
(this process, through Django against the stack's database) changes a briefing's title
every --edit-every seconds and times how long the new title takes to show through the
proxy. Phases: none, one node killed with SIGKILL, Redis frozen for 20 s, PostgreSQL
restarted, the object store stopped. For each it prints requests a second, p50 and p99,
the error answers (5xx and socket errors; 429 is the proxy's rate limit, counted
apart), how long edits took to show, and each node's memory growth. Then one node alone
at the same connections, beside the proxy. Traffic goes to 127.0.0.1 only.
"""

import argparse
import collections
import json
import os
import re
import signal
import statistics
import subprocess
import sys
import threading
import time
import urllib.request
from pathlib import Path

PROJECT = Path(__file__).resolve().parent.parent
STACK = Path(os.environ.get("BRIEFINGS_STACK_DIR", PROJECT / ".stack"))
LUA = Path(__file__).resolve().parent / "soak.lua"
PHASES = ["none", "node killed", "Redis frozen", "PostgreSQL restarted", "store stopped"]


def main():
    options = parse_args()
    stack = json.loads((STACK / "stack.json").read_text())
    load_stack_environment(stack["env_file"])
    paths = page_paths()
    print(f"{options.connections} readers, {options.seconds} s a phase, an edit every "
          f"{options.edit_every} s; {len(paths)} addresses\n")  # fmt: skip
    print(f"{'phase':<22}{'req/s':>9}{'p50 ms':>9}{'p99 ms':>9}{'errors':>8}{'429':>8}"
          f"  {'edit shown s (max)':<22}{'node MB +':>9}")  # fmt: skip
    wrk(stack["public"], paths, argparse.Namespace(**{**vars(options), "seconds": 10}))  # warm
    failures = collections.Counter()
    for phase in PHASES:
        before = node_memory(stack)
        editor = Editor(stack["public"], options.edit_every)
        editor.start()
        editor.connected.wait(timeout=30)
        fault = threading.Thread(target=inject, args=(phase, stack, options.seconds), daemon=True)
        fault.start()
        result = wrk(stack["public"], paths, options)
        editor.stop()
        fault.join()
        stack = json.loads((STACK / "stack.json").read_text())  # a part may have restarted
        growth = max(node_memory(stack)[node] - before.get(node, 0) for node in before)
        shown = f"{statistics.median(editor.shown):.2f} ({max(editor.shown):.2f})" if (
            editor.shown) else "none"  # fmt: skip
        if editor.failed:
            shown += f"; {len(editor.failed)} failed"
            failures.update(editor.failed)
        print(f"{phase:<22}{result['rps']:>9.0f}{result['p50']:>9.1f}{result['p99']:>9.1f}"
              f"{result['errors']:>8}{result['limited']:>8}  {shown:<22}{growth:>9.1f}",
              flush=True)  # fmt: skip
        time.sleep(5)  # let a restarted part settle
    for failure, count in failures.items():
        print(f"  edits failed {count} times: {failure}")
    node = stack["nodes"][0]["url"].rstrip("/")
    alone = wrk(node, paths, options)
    proxied = wrk(stack["public"], paths, options)
    ratio = proxied["p99"] / alone["p99"]
    print(f"\nat {options.connections} connections: one node alone p99 {alone['p99']:.1f} ms, "
          f"{alone['rps']:.0f} req/s; through the proxy p99 {proxied['p99']:.1f} ms, "
          f"{proxied['rps']:.0f} req/s (p99 ratio {ratio:.2f})")  # fmt: skip


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--seconds", type=int, default=60)
    parser.add_argument("--connections", type=int, default=200)
    parser.add_argument("--edit-every", type=float, default=5.0)
    return parser.parse_args()


def load_stack_environment(env_file):
    for line in Path(env_file).read_text().splitlines():
        key, value = line.split("=", 1)
        os.environ[key] = value.strip("'")
    sys.path.insert(0, str(PROJECT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "site_config.settings")
    import django

    django.setup()


def page_paths():
    """A mix of page types as readers find them: home, briefings, topics, search."""
    from briefings.models import Briefing, Tag

    briefings = [b.get_absolute_url() for b in Briefing.objects.published()[:50]]
    topics = [t.get_absolute_url() for t in Tag.objects.most_used()[:20]]
    # Not search: from one address it meets the search rate limit, as a flood should.
    return ["/", "/tags/", *briefings, *topics, "/feed/rss/"]


def wrk(public, paths, options):
    env = {**os.environ, "SOAK_PATHS": " ".join(paths)}
    output = subprocess.run(
        ["wrk", "-t2", f"-c{options.connections}", f"-d{options.seconds}s", "--latency",
         "-s", str(LUA), public.rstrip("/")],
        capture_output=True, text=True, env=env, timeout=options.seconds + 60,
    ).stdout  # fmt: skip
    counted = json.loads(re.search(r"^SOAK (.*)$", output, re.M).group(1))
    return {
        "rps": float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1)),
        "p50": milliseconds(re.search(r"50%\s+([\d.]+\w+)", output).group(1)),
        "p99": milliseconds(re.search(r"99%\s+([\d.]+\w+)", output).group(1)),
        "errors": counted["errors"] + socket_errors(output),
        "limited": counted["limited"],
    }


def milliseconds(text):
    value, unit = re.match(r"([\d.]+)(\w+)", text).groups()
    return float(value) * {"us": 0.001, "ms": 1, "s": 1000, "m": 60_000}[unit]


def socket_errors(output):
    found = re.search(
        r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", output
    )
    return sum(int(n) for n in found.groups()) if found else 0


class Editor(threading.Thread):
    """Changes a briefing's title every `every` seconds; times how long each takes to
    show through the proxy."""

    def __init__(self, public, every):
        super().__init__(daemon=True)
        self.public, self.every = public.rstrip("/"), every
        self.shown, self.failed, self.stopping = [], [], threading.Event()
        self.connected = threading.Event()

    def run(self):
        from django.db import close_old_connections, connection

        from briefings.models import Briefing

        # Connected before the readers start: on a machine the load generator saturates,
        # a new connection can take longer than the connect timeout.
        connection.ensure_connection()
        self.connected.set()

        number = 0
        while not self.stopping.wait(self.every):
            number += 1
            try:
                briefing = Briefing.objects.published().order_by("-published_at").first()
                briefing.title = (
                    f"{briefing.title.split(' [')[0]} [edit {time.time():.0f}-{number}]"
                )
                briefing.save()
            except Exception as error:  # noqa: BLE001 (said in the table; tried again)
                self.failed.append(f"{type(error).__name__}: {str(error)[:60]}")
                close_old_connections()  # the database may be down in this phase
                continue
            started = time.monotonic()
            while time.monotonic() - started < 10:
                if briefing.title in read(self.public + briefing.get_absolute_url()):
                    self.shown.append(time.monotonic() - started)
                    break
                time.sleep(0.05)
            else:
                self.failed.append("not shown in 10 s")

    def stop(self):
        self.stopping.set()
        self.join(timeout=30)


def read(url):
    try:
        with urllib.request.urlopen(url, timeout=5) as answer:
            return answer.read().decode(errors="replace")
    except OSError:
        return ""


def inject(phase, stack, seconds):
    """The phase's fault, a third of the way in."""
    time.sleep(seconds / 3)
    if phase == "node killed":
        os.kill(stack["nodes"][0]["pid"], signal.SIGKILL)  # supervisord kills its workers too
    elif phase == "Redis frozen":
        os.kill(stack["redis"]["pid"], signal.SIGSTOP)
        time.sleep(20)
        os.kill(stack["redis"]["pid"], signal.SIGCONT)
    elif phase == "PostgreSQL restarted":
        os.kill(stack["database"]["pid"], signal.SIGINT)  # a fast shutdown; supervisord restarts it
    elif phase == "store stopped":
        os.kill(stack["storage"]["pid"], signal.SIGSTOP)
        time.sleep(seconds / 3)
        os.kill(stack["storage"]["pid"], signal.SIGCONT)


def node_memory(stack):
    """Each node's resident memory in MB, master and workers together."""
    found = {}
    for node in stack["nodes"]:
        pids = [node["pid"], *children(node["pid"])]
        found[node["url"]] = sum(resident_mb(pid) for pid in pids)
    return found


def children(pid):
    try:
        return [int(p) for p in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]
    except OSError:
        return []


def resident_mb(pid):
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0


if __name__ == "__main__":
    main()
