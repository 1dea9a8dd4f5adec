"""gunicorn for one app node: `gunicorn -c deploy/gunicorn.conf.py`, from the project folder.

The node answers the caching proxy only (it binds to loopback or a private address);
GUNICORN_BIND and GUNICORN_WORKERS set where and how many (a worker or two a core).
"""

import os
import shutil

wsgi_app = "site_config.wsgi"
bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8001")
workers = int(os.environ.get("GUNICORN_WORKERS", "2"))
# Nodes on one machine would share the default control socket.
control_socket_disable = True
# A request past the request backstop (DJANGO_REQUEST_DB_SECONDS) has long been stopped;
# a worker that hangs this long is replaced.
timeout = 30
graceful_timeout = 20  # a rolling restart lets requests in flight finish
# Replace each worker now and then, so no slow leak grows without bound.
max_requests = 20_000
max_requests_jitter = 2_000
# The site writes its own JSON line per request.
accesslog = None


# Metrics from every worker (django-prometheus, prometheus_client's multi-process mode):
# each node gives PROMETHEUS_MULTIPROC_DIR a folder of its own, emptied at start.
def on_starting(server):
    folder = os.environ.get("PROMETHEUS_MULTIPROC_DIR")
    if folder:
        shutil.rmtree(folder, ignore_errors=True)
        os.makedirs(folder)


def child_exit(server, worker):
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        from prometheus_client import multiprocess

        multiprocess.mark_process_dead(worker.pid)
