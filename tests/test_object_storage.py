"""Uploads in an S3-compatible store (moto's server standing in for AWS S3, MinIO or R2):
renditions public at the media address, originals private, absolute URLs left whole,
clean_media working against the store."""

import json
import os
import shutil
import subprocess
import sys
import urllib.error
import urllib.request
from pathlib import Path

import boto3
import pytest
from django.core.files.storage import default_storage
from django.core.management import call_command

from bench.run import free_port
from briefings import images
from briefings.management.commands import clean_media
from briefings.models import Briefing
from tests.helpers import image_upload, require_tool, wait_until_answering

pytestmark = pytest.mark.slow
BUCKET = "briefings-media"


@pytest.fixture(scope="module")
def store_address():
    binary = require_tool(
        shutil.which("moto_server", path=str(Path(sys.executable).parent)),
        "moto_server is needed: pip install 'moto[server]'",
    )
    port = free_port()
    server = subprocess.Popen(
        [binary, "-H", "127.0.0.1", "-p", str(port)],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    address = f"http://127.0.0.1:{port}"
    wait_until_answering(address, timeout=10)
    yield address
    server.terminate()
    server.wait(timeout=10)


@pytest.fixture
def store(store_address, settings):
    """The default storage in a fresh bucket; its boto3 client."""
    client = boto3.client(
        "s3", endpoint_url=store_address, region_name="us-east-1",
        aws_access_key_id="testing", aws_secret_access_key="testing",
    )  # fmt: skip
    client.create_bucket(Bucket=BUCKET)
    settings.MEDIA_URL = f"{store_address}/{BUCKET}/"
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "briefings.storage.MediaStorage",
            "OPTIONS": {
                "bucket_name": BUCKET, "endpoint_url": store_address, "region_name": "us-east-1",
                "access_key": "testing", "secret_key": "testing", "addressing_style": "path",
                "custom_domain": settings.MEDIA_URL.split("://")[1].rstrip("/"),
                "url_protocol": "http:", "querystring_auth": False, "file_overwrite": False,
                "default_acl": "private",
            },
        },
    }  # fmt: skip
    images.renditions_url.cache_clear()
    yield client
    images.renditions_url.cache_clear()
    for stored in client.list_objects_v2(Bucket=BUCKET).get("Contents", []):
        client.delete_object(Bucket=BUCKET, Key=stored["Key"])
    client.delete_bucket(Bucket=BUCKET)


def keys(client):
    return {stored["Key"] for stored in client.list_objects_v2(Bucket=BUCKET).get("Contents", [])}


def status_of(url):
    try:
        with urllib.request.urlopen(url, timeout=5) as answer:
            return answer.status
    except urllib.error.HTTPError as error:
        return error.code


def test_uploads_go_to_the_store_renditions_public_and_originals_private(
    store, store_address, client, make_briefing, public_address
):
    briefing = make_briefing(lead_image=image_upload(), lead_image_alt="A photo")
    stored = keys(store)
    assert briefing.lead_image.name in stored
    renditions = images.rendition_files(briefing.renditions)
    assert renditions and set(renditions) <= stored
    media = f"{store_address}/{BUCKET}/"
    assert status_of(media + renditions[0]) == 200, "anyone may fetch a rendition"
    assert status_of(media + briefing.lead_image.name) == 403, "the original stays private"

    html = client.get(briefing.get_absolute_url()).content.decode()
    preview = images.picture(briefing.renditions, "preview")["src"]
    assert preview.startswith(media)
    assert f'<meta property="og:image" content="{preview}">' in html, "not joined to the site"
    ld = json.loads(html.split('<script type="application/ld+json">')[1].split("</script>")[0])
    assert ld["image"][0].startswith(media)


def test_clean_media_removes_unused_files_from_the_store(store, make_briefing, monkeypatch):
    kept = make_briefing(lead_image=image_upload(), lead_image_alt="Kept")
    unused = default_storage.save(f"{clean_media.ORIGINALS_DIR}/unused.png", image_upload())
    monkeypatch.setattr(clean_media, "GRACE_SECONDS", -1)
    call_command("clean_media")
    assert unused not in keys(store)
    assert kept.lead_image.name in keys(store)
    assert set(images.rendition_files(kept.renditions)) <= keys(store)


def test_the_media_address_is_required_with_a_bucket_and_allowed_by_the_csp(tmp_path):
    env = {key: value for key, value in os.environ.items() if not key.startswith("DJANGO_")}
    env |= {"DJANGO_DEBUG": "1", "DJANGO_S3_BUCKET": BUCKET}
    show = "from django.conf import settings; print(settings.CONTENT_SECURITY_POLICY)"
    command = [sys.executable, "manage.py", "shell", "-c", show]
    refused = subprocess.run(command, env=env, capture_output=True, text=True)
    assert refused.returncode != 0 and "needs DJANGO_MEDIA_URL" in refused.stderr
    env["DJANGO_MEDIA_URL"] = "https://media.example.net/briefings/"
    shown = subprocess.run(command, env=env, capture_output=True, text=True, check=True)
    assert "'img-src': [\"'self'\", 'data:', 'https://media.example.net']" in shown.stdout


def test_renditions_lost_from_the_store_are_made_again(store, make_briefing):
    briefing = make_briefing(lead_image=image_upload(), lead_image_alt="Delegates")
    lost = images.rendition_files(briefing.renditions)[0]
    store.delete_object(Bucket=BUCKET, Key=lost)
    call_command("rebuild_derived", "--only", "renditions", stdout=open(os.devnull, "w"))
    remade = Briefing.objects.get(pk=briefing.pk)
    assert set(images.rendition_files(remade.renditions)) <= keys(store)
