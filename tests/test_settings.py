"""Production settings, exercised in fresh processes with a production environment."""

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow  # each test starts Django afresh in a subprocess

PROJECT = Path(__file__).resolve().parent.parent
CHECK_STATIC = """
import json, django
django.setup()
from django.test import Client
from django.templatetags.static import static
client = Client()
css = static("briefings/site.css")
page = client.get("/", secure=True)
asset = client.get(css, secure=True, HTTP_ACCEPT_ENCODING="gzip")
print(json.dumps({
    "css": css,
    "page_links_css": css in page.content.decode(),
    "status": asset.status_code,
    "cache_control": asset.headers.get("Cache-Control", ""),
    "encoding": asset.headers.get("Content-Encoding", ""),
}))
"""


def production_env(tmp_path, **extra):
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("DJANGO_", "DATABASE_URL", "REDIS_URL"))
    }
    return {
        **env,
        "DJANGO_SETTINGS_MODULE": "site_config.settings",
        "DJANGO_SECRET_KEY": "x" * 20 + "production-test-key-that-is-long-and-random-enough",
        "DJANGO_ALLOWED_HOSTS": "briefings.example.org,testserver",
        "DJANGO_STATIC_ROOT": str(tmp_path / "static"),
        "DJANGO_MEDIA_ROOT": str(tmp_path / "media"),
        "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
        **extra,
    }


def run(args, env):
    return subprocess.run(
        [sys.executable, *args], cwd=PROJECT, env=env, capture_output=True, text=True, timeout=120
    )


def test_production_refuses_to_start_without_a_secret_key(tmp_path):
    env = production_env(tmp_path)
    del env["DJANGO_SECRET_KEY"]
    result = run(["manage.py", "check"], env)
    assert result.returncode != 0
    assert "Set DJANGO_SECRET_KEY" in result.stderr


def test_boolean_variables_must_be_0_or_1(tmp_path):
    result = run(["manage.py", "check"], production_env(tmp_path, DJANGO_DEBUG="yes"))
    assert result.returncode != 0 and "DJANGO_DEBUG must be 0 or 1" in result.stderr


def test_deployment_checklist_reports_nothing(tmp_path):
    result = run(
        ["manage.py", "check", "--deploy", "--fail-level", "WARNING"], production_env(tmp_path)
    )
    assert result.returncode == 0, result.stderr
    assert "no issues" in result.stdout


def test_static_files_are_hashed_compressed_and_cached_for_ever(tmp_path):
    env = production_env(tmp_path)
    for command in (["migrate", "--noinput", "-v0"], ["collectstatic", "--noinput", "-v0"]):
        result = run(["manage.py", *command], env)
        assert result.returncode == 0, result.stderr
    result = run(["-c", CHECK_STATIC], env)
    assert result.returncode == 0, result.stderr
    served = json.loads(result.stdout.strip().splitlines()[-1])
    assert served["css"].startswith("/static/briefings/site.") and served["css"] != (
        "/static/briefings/site.css"
    ), "hashed name"
    assert served["page_links_css"]
    assert served["status"] == 200
    assert "max-age=315360000" in served["cache_control"] and "immutable" in served["cache_control"]
    assert served["encoding"] == "gzip"


def test_every_variable_the_settings_read_is_documented():
    settings_source = (PROJECT / "site_config" / "settings.py").read_text()
    read = set(re.findall(r'(?:environ\.get|env_flag|env_list)\("([A-Z_]+)"', settings_source))
    read.add("DATABASE_URL")  # read by dj_database_url.config()
    documented = set(re.findall(r"^([A-Z_]+)=", (PROJECT / ".env.example").read_text(), re.M))
    assert read == documented


def test_a_public_address_the_site_does_not_answer_to_fails_the_checks(tmp_path):
    wrong = production_env(tmp_path, DJANGO_SITE_URL="https://news.example.com")
    result = run(["manage.py", "check"], wrong)
    assert result.returncode != 0
    assert "https://news.example.com is not among DJANGO_ALLOWED_HOSTS" in result.stderr
    garbled = run(["manage.py", "check"], production_env(tmp_path, DJANGO_SITE_URL="example.org"))
    assert garbled.returncode != 0 and "briefings.E001" in garbled.stderr
    right = production_env(tmp_path, DJANGO_SITE_URL="https://briefings.example.org")
    assert run(["manage.py", "check"], right).returncode == 0


def test_errors_go_to_sentry_only_when_a_dsn_is_given(tmp_path):
    show = "import sentry_sdk; print(sentry_sdk.get_client().is_active())"
    dsn = "https://public@sentry.example.org/1"  # never reached: nothing is sent at start
    for extra, active in (({}, "False"), ({"SENTRY_DSN": dsn}, "True")):
        result = run(["manage.py", "shell", "-c", show], production_env(tmp_path, **extra))
        assert result.stdout.strip().splitlines()[-1:] == [active], result.stderr
