"""Whether this node lives and can serve: for the proxy's probes and the operator, never
cached, answered over plain HTTP too (settings.SECURE_REDIRECT_EXEMPT).

`/healthz` says the process answers, and nothing else: a probe that asked the database
would take every node out together when the database blinks. `/readyz` says whether it
can serve readers: its database, shared cache and file storage answer and its
migrations are applied; 503 naming what fails otherwise.
"""

import uuid

from django.core.cache import caches
from django.core.files.storage import default_storage
from django.db import DatabaseError, connection
from django.db.migrations.executor import MigrationExecutor
from django.http import HttpResponse, JsonResponse
from django.views.decorators.cache import never_cache

from ..images import RENDITION_DIR


@never_cache
def healthz(request):
    return HttpResponse("ok\n", content_type="text/plain")


@never_cache
def readyz(request):
    checks = {
        "database": _database,
        "cache": _cache,
        "storage": _storage,
        "migrations": _migrations,
    }
    found = {name: _outcome(check) for name, check in checks.items()}
    ready = all(outcome == "ok" for outcome in found.values())
    return JsonResponse({"ready": ready, **found}, status=200 if ready else 503)


def _outcome(check):
    try:
        return check() or "ok"
    except Exception as error:  # noqa: BLE001  (any failure is the answer: not ready)
        return f"failed: {type(error).__name__}"


def _database():
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")


def _cache():
    probe, key = uuid.uuid4().hex, "readyz-probe"
    cache = caches["default"]
    cache.set(key, probe, timeout=10)
    if cache.get(key) != probe:
        return "failed: what was stored did not come back"
    return None


def _storage():
    default_storage.exists(f"{RENDITION_DIR}/readyz-probe")  # raises if unreachable


_migrated = False


def _migrations():
    """Checked until they are all applied; a node runs with one set of migrations."""
    global _migrated
    if _migrated:
        return None
    try:
        executor = MigrationExecutor(connection)
        pending = executor.migration_plan(executor.loader.graph.leaf_nodes())
    except DatabaseError as error:
        return f"failed: {type(error).__name__}"
    if pending:
        return f"failed: {len(pending)} not applied"
    _migrated = True
    return None
