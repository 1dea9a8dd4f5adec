"""The database's backstop under every request: no request holds a worker past
settings.REQUEST_DB_SECONDS of database work, whatever it asks.

Pages are built to cost little at any archive size; this is for what slips through.
PostgreSQL cancels a statement past that time (statement_timeout, set on a connection
when it first serves a request: a web server's connections serve nothing else); SQLite
has no such setting, so a progress handler stops a statement once the request's time
is up. Either way the reader gets a 503 asking them to try again, never a 500.
Management commands run without the limit: a repair may rightly take minutes.
"""

import logging
import threading
import time

from django.conf import settings
from django.core.signals import request_finished, request_started
from django.db import InterfaceError, OperationalError
from django.db import connection as default_connection
from django.db.backends.signals import connection_created
from django.dispatch import receiver
from django.shortcuts import render

# SQLite calls the handler every this many virtual machine steps.
STEPS_BETWEEN_CHECKS = 10_000
RETRY_AFTER_SECONDS = 5
logger = logging.getLogger(__name__)
_request = threading.local()


@receiver(request_started, dispatch_uid="backstop-request-started")
def start_the_clock(**kwargs):
    if not settings.REQUEST_DB_SECONDS:
        return
    _request.deadline = time.monotonic() + settings.REQUEST_DB_SECONDS
    if default_connection.vendor == "postgresql" and default_connection.connection is not None:
        _limit_postgresql(default_connection)


@receiver(request_finished, dispatch_uid="backstop-request-finished")
def stop_the_clock(**kwargs):
    _request.deadline = None


@receiver(connection_created, dispatch_uid="backstop-connection-created")
def limit_the_connection(sender, connection, **kwargs):
    if connection.vendor == "sqlite":
        # Idle outside requests: the handler looks at this thread's request's deadline.
        connection.connection.set_progress_handler(_past_deadline, STEPS_BETWEEN_CHECKS)
    elif connection.vendor == "postgresql":
        connection.statement_timeout = None  # a new session starts without one
        if getattr(_request, "deadline", None):
            _limit_postgresql(connection)


def _limit_postgresql(connection):
    """Once per connection: web servers' connections serve requests only."""
    milliseconds = settings.REQUEST_DB_SECONDS * 1000
    if getattr(connection, "statement_timeout", None) != milliseconds:
        with connection.cursor() as cursor:
            cursor.execute("SET statement_timeout = %s", [milliseconds])
        connection.statement_timeout = milliseconds


def _past_deadline():
    deadline = getattr(_request, "deadline", None)
    return deadline is not None and time.monotonic() > deadline


def is_stopped(exception):
    """Whether the backstop stopped this query (SQLite: "interrupted"; PostgreSQL:
    "canceling statement due to statement timeout")."""
    message = str(exception)
    return isinstance(exception, OperationalError) and (
        "interrupted" in message or "statement timeout" in message
    )


class BackstopMiddleware:
    """A query the backstop stopped, or a database out of reach (restarting, say),
    becomes a 503 with Retry-After: the reader or editor is asked to try again, never
    shown a 500."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if is_stopped(exception):
            logger.warning("Stopped %s after %s s of database work.", request.path,
                           settings.REQUEST_DB_SECONDS)  # fmt: skip
        elif isinstance(exception, OperationalError | InterfaceError):
            logger.error("The database could not answer %s.", request.path, exc_info=exception)
        else:
            return None
        response = render(request, "503.html", status=503)
        response["Retry-After"] = str(RETRY_AFTER_SECONDS)
        return response
