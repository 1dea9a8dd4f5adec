"""One JSON line per request, pages answered from memory before Django included.

`logged` wraps the WSGI application (site_config/wsgi.py): it takes the request id from
X-Request-ID (a proxy's or load balancer's, if it is a plain token) or makes one, sends
it back in the response, and once the response is started writes a line to the
`briefings.requests` logger: time, request id, node, method, path, status, duration,
the queries and their time (QueryCounter), and whether the page cache answered. Requests
slower than settings.SLOW_REQUEST_SECONDS are logged at warning, failed ones (5xx) at
error. Every other log line made while a request runs (an error's traceback from
django.request, say) carries the same request id and node (WithRequestId), so one
search finds all of a request.
"""

import contextvars
import logging
import re
import time
import uuid

from django.conf import settings
from django.db import connection

PAGE_CACHE = "briefings.page_cache"  # environ key: "hit" or "miss", for cacheable pages
QUERIES = "briefings.queries"  # environ key: [count, seconds]
REQUEST_ID = re.compile(r"[A-Za-z0-9._-]{1,64}")
logger = logging.getLogger("briefings.requests")
current_request_id = contextvars.ContextVar("request_id", default=None)


def logged(application):
    """Wrap a WSGI application: a request id for each request, and its line in the log."""

    def serve(environ, start_response):
        given = environ.get("HTTP_X_REQUEST_ID", "")
        request_id = given if REQUEST_ID.fullmatch(given) else uuid.uuid4().hex
        environ["HTTP_X_REQUEST_ID"] = request_id
        token = current_request_id.set(request_id)
        started = time.perf_counter()
        status = []

        def start(line, headers, *exc_info):
            status.append(int(line.split(" ", 1)[0]))
            return start_response(line, [*headers, ("X-Request-ID", request_id)], *exc_info)

        try:
            return application(environ, start)
        finally:
            _log(environ, status[0] if status else 500, time.perf_counter() - started)
            current_request_id.reset(token)

    return serve


def _log(environ, status, seconds):
    queries, query_seconds = environ.get(QUERIES, (0, 0.0))
    if status >= 500:
        level, message = logging.ERROR, "failed request"
    elif seconds >= settings.SLOW_REQUEST_SECONDS:
        level, message = logging.WARNING, "slow request"
    else:
        level, message = logging.INFO, "request"
    if not logger.isEnabledFor(level):
        return  # a node behind a logging proxy keeps only the slow and failed
    logger.log(
        level,
        message,
        extra={
            "method": environ.get("REQUEST_METHOD"),
            "path": environ.get("PATH_INFO"),
            "status": status,
            "duration_ms": round(seconds * 1000, 1),
            "queries": queries,
            "query_ms": round(query_seconds * 1000, 1),
            "page_cache": environ.get(PAGE_CACHE),
            "client": environ.get("REMOTE_ADDR"),
        },
    )


class QueryCounter:
    """Middleware: counts the request's queries and their time, for its log line
    (Django's documented database instrumentation, execute_wrapper)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        counted = request.META.setdefault(QUERIES, [0, 0.0])

        def count(execute, sql, params, many, context):
            started = time.perf_counter()
            try:
                return execute(sql, params, many, context)
            finally:
                counted[0] += 1
                counted[1] += time.perf_counter() - started

        with connection.execute_wrapper(count):
            return self.get_response(request)


class WithRequestId(logging.Filter):
    """Adds the current request's id and the node's name to every log record."""

    def filter(self, record):
        record.request_id = current_request_id.get()
        record.node = settings.NODE_NAME
        return True
