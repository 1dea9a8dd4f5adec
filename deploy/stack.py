"""`make stack`: the production shape on one machine, supervised.

Its own PostgreSQL cluster, Redis, an S3 stand-in (moto's server, its recording replayed
at each start, so images outlive a restart), two gunicorn nodes each in a folder of its
own, the release runner and Varnish with xkey in front. supervisord restarts whatever
crashes. Ctrl-C stops everything and keeps the data for the next start; `make
stack-clean` removes it. `.stack/stack.json` says where everything is once every part
answers, and is rewritten when a part restarts; `.stack/env` holds the environment a
node runs with:

    set -a; . .stack/env; .venv/bin/python manage.py …
"""

import hashlib
import json
import os
import secrets
import shutil
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
import xmlrpc.client
from pathlib import Path

import boto3

PROJECT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(PROJECT))

from deploy.nodes import access_log_command, varnish_command  # noqa: E402 (after the project is on the path)

# Another folder and ports let a second stack run beside this one (the tests do).
STACK = Path(os.environ.get("BRIEFINGS_STACK_DIR", PROJECT / ".stack")).resolve()
FIRST_PORT = int(os.environ.get("BRIEFINGS_STACK_PORT", "8090"))
BIN = Path(sys.executable).parent
PARTS_WITH_PORTS = [
    "proxy", "node1", "node2", "proxy_admin", "database", "redis", "storage", "supervisor"
]  # fmt: skip
PORTS = {part: FIRST_PORT + number for number, part in enumerate(PARTS_WITH_PORTS)}
BUCKET = "briefings-media"
APT_PACKAGES = {"varnishd": ["varnish", "varnish-modules"], "redis-server": ["redis-server"]}
# Parts started once the services are ready and the database is migrated.
APP_PARTS = ["node1", "node2", "runner", "proxy", "access"]


def say(message):
    print(f"stack: {message}", flush=True)


def install_missing_tools():
    missing = [pkg for tool, pkgs in APT_PACKAGES.items() if not shutil.which(tool) for pkg in pkgs]
    if not postgres_bin():
        missing.append("postgresql")
    if not missing:
        return
    if os.geteuid() != 0 or not shutil.which("apt-get"):
        sys.exit(f"stack: install these Debian packages first: {' '.join(missing)}")
    say(f"installing {' '.join(missing)}")
    subprocess.run(["apt-get", "update", "-qq"], check=True)
    subprocess.run(
        ["apt-get", "install", "-y", "-qq", *missing],
        check=True, env={**os.environ, "DEBIAN_FRONTEND": "noninteractive"},
    )  # fmt: skip


def postgres_bin():
    found = sorted(Path("/usr/lib/postgresql").glob("*/bin/initdb"))
    return found[-1].parent if found else None


def database_folder(stack=STACK):
    """Where the cluster lives: the postgres user must reach it from wherever the clone
    is, so under /var/tmp when run as root, named after the stack's folder."""
    if os.geteuid() != 0:
        return stack / "pgdata"
    tag = hashlib.sha256(str(stack).encode()).hexdigest()[:10]
    return Path(f"/var/tmp/briefings-stack-{tag}/pgdata")


def as_database_user(command):
    return ["runuser", "-u", "postgres", "--", *command] if os.geteuid() == 0 else command


def prepare_database_cluster(data):
    if (data / "PG_VERSION").exists():
        return
    say(f"creating a PostgreSQL cluster in {data}")
    data.mkdir(parents=True, exist_ok=True)
    if os.geteuid() == 0:
        shutil.chown(data.parent, "postgres")
        shutil.chown(data, "postgres")
    subprocess.run(
        as_database_user([str(postgres_bin() / "initdb"), "-D", str(data), "-U", "postgres",
                          "--auth=trust", "-E", "UTF8", "--locale=C.UTF-8", "-N"]),
        check=True, stdout=subprocess.DEVNULL,
    )  # fmt: skip


def kept_secret(name):
    """A random secret made once and kept in .stack/ for the next start."""
    path = STACK / name
    if not path.exists():
        path.write_text(secrets.token_hex(24))
    return path.read_text().strip()


def environment():
    proxy = f"http://127.0.0.1:{PORTS['proxy']}"
    storage = f"http://127.0.0.1:{PORTS['storage']}"
    return {
        "DJANGO_DEBUG": "0",
        "DJANGO_SECRET_KEY": kept_secret("secret-key"),
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost",
        "DJANGO_SITE_URL": proxy,
        # Plain HTTP on loopback: in production TLS ends in front of the proxy.
        "DJANGO_SECURE_SSL_REDIRECT": "0",
        "DJANGO_SECURE_COOKIES": "0",
        "DJANGO_HSTS_SECONDS": "0",
        "DATABASE_URL": f"postgres://postgres@127.0.0.1:{PORTS['database']}/briefings",
        "REDIS_URL": f"redis://127.0.0.1:{PORTS['redis']}/0",
        "DJANGO_S3_BUCKET": BUCKET,
        "DJANGO_S3_ENDPOINT_URL": storage,
        "DJANGO_S3_ACCESS_KEY": "testing",
        "DJANGO_S3_SECRET_KEY": "testing",
        "DJANGO_MEDIA_URL": f"{storage}/{BUCKET}/",
        "DJANGO_STATIC_ROOT": str(STACK / "static"),
        "DJANGO_TRUSTED_PROXIES": "127.0.0.1",
        "DJANGO_PROXY_PURGE_URLS": proxy + "/",
        "DJANGO_PROXY_PURGE_TOKEN": kept_secret("purge-token"),
        "DJANGO_RELEASE_DUE_IN_REQUESTS": "0",
        # The proxy's access log has a line for every request, the ones it answers
        # itself included; a node's own log keeps the slow and failed ones.
        "DJANGO_REQUEST_LOG_LEVEL": "WARNING",
    }


def write_env_file(env):
    path = STACK / "env"
    path.write_text("".join(f"{key}='{value}'\n" for key, value in env.items()))
    return path


def supervisor_config(env, env_file, data):
    def sourced(**extra):
        """A shell line's start: the stack's environment (and these), then exec."""
        settings = "".join(f" {key}={value};" for key, value in extra.items())
        return f"set -a; . {env_file};{settings} set +a; exec"

    manage = f"{BIN / 'python'} {PROJECT / 'manage.py'}"
    logs = STACK / "logs"
    programs = {
        "database": (as_database_user([str(postgres_bin() / "postgres"), "-D", str(data),
                     "-p", str(PORTS["database"]), "-k", "/tmp", "-c",
                     "listen_addresses=127.0.0.1"]), True, None),
        "redis": (["redis-server", "--port", str(PORTS["redis"]), "--bind", "127.0.0.1",
                   "--save", "", "--appendonly", "no", "--dir", str(STACK)], True, None),
        "storage": ([str(BIN / "moto_server"), "-H", "127.0.0.1", "-p", str(PORTS["storage"])],
                    True, None),
        "runner": ([sourced(DJANGO_NODE_NAME="runner"), manage, "release_due", "--loop"],
                   False, None),
        "proxy": (varnish_command(
            STACK / "varnish", f"127.0.0.1:{PORTS['proxy']}", f"127.0.0.1:{PORTS['proxy_admin']}",
            [f"127.0.0.1:{PORTS['node1']}", f"127.0.0.1:{PORTS['node2']}"],
            env["DJANGO_PROXY_PURGE_TOKEN"]), False, None),
        # Every request the public address answers, a JSON line each, in logs/access.log.
        "access": (access_log_command(STACK / "varnish"), False, None),
    }  # fmt: skip
    for node in ("node1", "node2"):
        folder = STACK / node
        folder.mkdir(exist_ok=True)
        command = [sourced(PROMETHEUS_MULTIPROC_DIR=folder / "metrics", DJANGO_NODE_NAME=node),
                   f"{BIN / 'gunicorn'} -c {PROJECT / 'deploy/gunicorn.conf.py'}"
                   f" --chdir {PROJECT} --bind 127.0.0.1:{PORTS[node]}"
                   f" --worker-tmp-dir {folder}"]  # fmt: skip
        programs[node] = (command, False, folder)
    sections = [
        f"[supervisord]\nnodaemon=true\nlogfile={logs / 'supervisord.log'}\n"
        f"pidfile={STACK / 'supervisord.pid'}\nchildlogdir={logs}\n",
        f"[inet_http_server]\nport=127.0.0.1:{PORTS['supervisor']}\n",
        "[rpcinterface:supervisor]\n"
        "supervisor.rpcinterface_factory = supervisor.rpcinterface:make_main_rpcinterface\n",
        f"[supervisorctl]\nserverurl=http://127.0.0.1:{PORTS['supervisor']}\n",
    ]
    storage_env = (
        f'environment=MOTO_ENABLE_RECORDING="1",'
        f'MOTO_RECORDER_FILEPATH="{STACK / "storage-recording"}"\n'
    )
    for name, (command, autostart, folder) in programs.items():
        if command[0].startswith("set -a"):
            line = '/bin/sh -c "' + " ".join(command).replace('"', '\\"') + '"'
        else:
            line = " ".join(command)
        sections.append(
            f"[program:{name}]\ncommand={line}\nautostart={str(autostart).lower()}\n"
            f"autorestart=true\nstartsecs=1\nstopasgroup=true\nkillasgroup=true\n"
            f"stopsignal={'INT' if name == 'database' else 'TERM'}\n"
            f"directory={folder or STACK}\nredirect_stderr=true\n"
            f"stdout_logfile={logs / (name + '.log')}\nstdout_logfile_maxbytes=10MB\n"
            + (storage_env if name == "storage" else "")
        )
    path = STACK / "supervisord.conf"
    path.write_text("\n".join(sections))
    return path


def wait_for(check, what, timeout=60):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if check():
            return
        time.sleep(0.3)
    sys.exit(f"stack: {what} did not come up in {timeout} s; see {STACK / 'logs'}")


def answers(url):
    try:
        urllib.request.urlopen(url, timeout=2).close()
    except urllib.error.HTTPError:
        return True
    except OSError:
        return False
    return True


def database_ready():
    pg_isready = postgres_bin() / "pg_isready"
    found = subprocess.run([str(pg_isready), "-q", "-h", "127.0.0.1", "-p", str(PORTS["database"])])
    return found.returncode == 0


def prepare_database():
    exists = subprocess.run(
        [str(postgres_bin() / "psql"), "-h", "127.0.0.1", "-p", str(PORTS["database"]), "-U",
         "postgres", "-tAc", "SELECT 1 FROM pg_database WHERE datname = 'briefings'"],
        capture_output=True, text=True, check=True,
    ).stdout.strip()  # fmt: skip
    if not exists:
        subprocess.run(
            [str(postgres_bin() / "createdb"), "-h", "127.0.0.1", "-p", str(PORTS["database"]),
             "-U", "postgres", "briefings"], check=True,
        )  # fmt: skip


def prepare_storage():
    """Bring back what the store held (its recording), and make the bucket once."""
    storage = f"http://127.0.0.1:{PORTS['storage']}"
    recording = STACK / "storage-recording"
    if recording.exists() and recording.stat().st_size:
        replay = urllib.request.Request(
            f"{storage}/moto-api/recorder/replay-recording", method="POST"
        )
        urllib.request.urlopen(replay, timeout=60).close()
    client = boto3.client(
        "s3", endpoint_url=storage, region_name="us-east-1",
        aws_access_key_id="testing", aws_secret_access_key="testing",
    )  # fmt: skip
    if BUCKET not in {bucket["Name"] for bucket in client.list_buckets()["Buckets"]}:
        client.create_bucket(Bucket=BUCKET)


def manage(env, *command, debug=False, **extra):
    extra |= {"DJANGO_DEBUG": "1"} if debug else {}
    return subprocess.run(
        [str(BIN / "python"), "manage.py", *command], cwd=PROJECT,
        env={**os.environ, **env, **extra}, check=True, capture_output=True, text=True,
    ).stdout  # fmt: skip


class Supervisor:
    def __init__(self):
        self.rpc = xmlrpc.client.ServerProxy(f"http://127.0.0.1:{PORTS['supervisor']}/RPC2")

    def pids(self):
        return {info["name"]: info["pid"] for info in self.rpc.supervisor.getAllProcessInfo()}

    def start(self, name):
        self.rpc.supervisor.startProcess(name)

    def shutdown(self):
        self.rpc.supervisor.shutdown()


def postmaster_pid(data):
    """PostgreSQL's own process (under runuser when run as root), from its pid file."""
    try:
        return int((data / "postmaster.pid").read_text().split()[0])
    except (OSError, ValueError, IndexError):
        return None


def stack_description(pids, env, env_file, data):
    proxy = f"http://127.0.0.1:{PORTS['proxy']}"
    return {
        "public": proxy + "/",
        "nodes": [{"url": f"http://127.0.0.1:{PORTS[node]}/", "pid": pids.get(node)}
                  for node in ("node1", "node2")],
        "proxy": {"url": proxy + "/", "pid": pids.get("proxy")},
        "database": {"url": env["DATABASE_URL"], "pid": postmaster_pid(data),
                     "data_dir": str(data)},
        "redis": {"url": env["REDIS_URL"], "pid": pids.get("redis")},
        "storage": {"endpoint": f"http://127.0.0.1:{PORTS['storage']}", "bucket": BUCKET,
                    "pid": pids.get("storage")},
        "env_file": str(env_file),
    }  # fmt: skip


def main():
    install_missing_tools()
    (STACK / "logs").mkdir(parents=True, exist_ok=True)
    data = database_folder()
    prepare_database_cluster(data)
    env = environment()
    env_file = write_env_file(env)
    config = supervisor_config(env, env_file, data)
    supervisord = subprocess.Popen([str(BIN / "supervisord"), "-c", str(config)])
    stopping = []

    def stop(*_):
        stopping.append(True)

    signal.signal(signal.SIGINT, stop)
    signal.signal(signal.SIGTERM, stop)
    supervisor = Supervisor()
    try:
        wait_for(lambda: answers(f"http://127.0.0.1:{PORTS['supervisor']}/"), "supervisord")
        wait_for(database_ready, "PostgreSQL")
        prepare_database()
        wait_for(lambda: answers(f"http://127.0.0.1:{PORTS['storage']}/"), "the S3 stand-in")
        prepare_storage()
        say("migrating and loading the demo briefings")
        manage(env, "migrate", "--noinput")
        manage(env, "collectstatic", "--noinput")
        manage(env, "load_demo")
        accounts = manage(
            env,
            "create_demo_accounts",
            debug=True,
            DJANGO_DEMO_ACCOUNTS_FILE=str(STACK / "demo-accounts"),
        )
        for part in APP_PARTS:
            supervisor.start(part)
        for node in ("node1", "node2"):
            wait_for(lambda node=node: answers(f"http://127.0.0.1:{PORTS[node]}/healthz"), node)
        wait_for(lambda: answers(f"http://127.0.0.1:{PORTS['proxy']}/"), "Varnish")
        described = {}
        storage_pid = None
        print(
            f"\nBriefings:  http://127.0.0.1:{PORTS['proxy']}/\n"
            f"Admin:      http://127.0.0.1:{PORTS['proxy']}/admin/\n{accounts}"
            f"Stack:      {STACK / 'stack.json'} (Ctrl-C stops it; the data is kept)\n",
            flush=True,
        )
        while not stopping and supervisord.poll() is None:
            pids = supervisor.pids()
            if storage_pid is not None and pids.get("storage") not in (0, storage_pid):
                wait_for(lambda: answers(f"http://127.0.0.1:{PORTS['storage']}/"), "storage")
                prepare_storage()  # restarted empty: its recording brings the images back
            storage_pid = pids.get("storage") or storage_pid
            current = stack_description(pids, env, env_file, data)
            if current != described:
                (STACK / "stack.json").write_text(json.dumps(current, indent=2) + "\n")
                described = current
            time.sleep(1)
    finally:
        say("stopping")
        try:
            supervisor.shutdown()
        except OSError:
            supervisord.terminate()
        supervisord.wait(timeout=60)
        (STACK / "stack.json").unlink(missing_ok=True)


if __name__ == "__main__":
    main()
