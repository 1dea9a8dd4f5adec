"""The squashed migration makes the schema the old chain made, on the engine the suite
runs on; and no migration imports the app's code."""

import json
import os
import re
import subprocess
import sys

import pytest

from bench.run import bench_env, recreate_postgres_database
from tests.helpers import PROJECT

pytestmark = pytest.mark.slow

OLD_CHAIN = """
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.db.migrations.loader import MigrationLoader
executor = MigrationExecutor(connection)
executor.loader = MigrationLoader(connection, replace_migrations=False)
targets = [node for node in executor.loader.graph.leaf_nodes() if "squashed" not in node[1]]
last = "{last}"
if last:
    targets = [node for node in targets if node[0] != "briefings"] + [("briefings", last)]
executor.migrate(targets)
"""
SCHEMA = """
import json
from django.db import connection
with connection.cursor() as cursor:
    if connection.vendor == "sqlite":
        cursor.execute("SELECT type, name, tbl_name FROM sqlite_master "
                       "WHERE name NOT LIKE 'sqlite_%' ORDER BY name")
        objects = cursor.fetchall()
        columns = []
        for kind, name, _ in objects:
            if kind == "table":
                cursor.execute(f"PRAGMA table_info('{name}')")
                columns += [[name, *row[1:]] for row in cursor.fetchall()]
            if kind == "index":
                cursor.execute(f"PRAGMA index_xinfo('{name}')")
                # The position of a column in its table may differ: not part of the schema.
                columns += [[name, seqno, *rest] for seqno, _, *rest in cursor.fetchall()]
    else:
        cursor.execute("SELECT table_name, column_name, data_type, is_nullable, "
                       "character_maximum_length FROM information_schema.columns "
                       "WHERE table_schema = 'public'")
        columns = cursor.fetchall()
        # By definition: the names Django makes up for a unique column differ when the
        # column became unique later.
        cursor.execute("SELECT 'index', tablename, regexp_replace(indexdef, 'INDEX \\S+ ON', "
                       "'INDEX ON') FROM pg_indexes WHERE schemaname = 'public'")
        objects = cursor.fetchall()
        cursor.execute("SELECT 'constraint', conrelid::regclass::text, "
                       "pg_get_constraintdef(oid) FROM pg_constraint "
                       "WHERE connamespace = 'public'::regnamespace")
        objects += cursor.fetchall()
print(json.dumps({"objects": sorted(map(list, objects)), "columns": sorted(map(list, columns))}))
"""


def manage(env, *args):
    done = subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=PROJECT, env=env, capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    return done.stdout


def schema_made_by(folder, name, *migrate):
    server = os.environ.get("DATABASE_URL", "")
    if server.startswith("postgres"):
        url = recreate_postgres_database(server, f"briefings_{name}")
    else:
        url = f"sqlite:///{folder / f'{name}.sqlite3'}"
    env = bench_env(folder, url)
    manage(env, *migrate)
    return json.loads(manage(env, "shell", "-c", SCHEMA).strip().splitlines()[-1])


def test_the_squashed_migration_makes_the_old_chains_schema(tmp_path):
    squashed = schema_made_by(tmp_path, "squashed", "migrate", "--noinput", "-v0")
    chain = schema_made_by(tmp_path, "chain", "shell", "-c", OLD_CHAIN.replace("{last}", ""))
    skipped = {"django_migrations"}  # which migrations ran, not the schema

    def without_history(schema):
        return {part: [row for row in rows if not {row[0], row[1]} & skipped]
                for part, rows in schema.items()}  # fmt: skip

    assert without_history(squashed) == without_history(chain)
    assert any("briefings_search" in str(row) for row in squashed["objects"])


def test_a_database_from_before_the_squash_keeps_migrating(tmp_path):
    """A `make run` from before the squash stopped at 0017: it goes on from there."""
    last_week = OLD_CHAIN.replace("{last}", "0017_lead_story")
    schema_made_by(tmp_path, "last_week", "shell", "-c", last_week)
    env = bench_env(tmp_path, f"sqlite:///{tmp_path / 'last_week.sqlite3'}")
    if os.environ.get("DATABASE_URL", "").startswith("postgres"):
        env = bench_env(
            tmp_path, os.environ["DATABASE_URL"].rsplit("/", 1)[0] + "/briefings_last_week"
        )
    manage(env, "migrate", "--noinput", "-v0")
    manage(env, "rebuild_derived", "--check")
    assert "[X] 0001_squashed_0019_schema" in manage(env, "showmigrations", "briefings")


def test_no_migration_imports_the_apps_code():
    for path in (PROJECT / "briefings" / "migrations").glob("0*.py"):
        imports = re.findall(r"^(?:from|import) (briefings\S*)", path.read_text(), re.M)
        # Field validators are named by their path, as Django writes them.
        assert set(imports) <= {"briefings.images", "briefings.models", "briefings.models.tags"}, (
            path
        )
        assert "from briefings import" not in path.read_text(), path
