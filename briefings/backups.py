"""Back up a newsroom into one file, and restore it into an empty instance of either
database engine (`manage.py backup FILE`, `manage.py restore FILE`).

The archive is a zip file holding:
- content/<app>.<model>.jsonl: every row that is not derived, in Django's JSON Lines
  serialization (read back a line at a time, so 100,000 briefings never sit in memory)
  with natural keys (users by name, content types by app and model), so it loads into
  SQLite or PostgreSQL alike, whatever ids the other side gives them;
- media/<name>: every stored file (originals and renditions) as the storage names it;
- manifest.json, written last: the archive's format, the migrations applied where it
  was made, how many rows of each model, and a SHA-256 checksum of every other member.

A restore checks the whole archive first (complete, unchanged, from this version or an
older one) and refuses an instance that holds briefings unless told to replace them;
then it loads the rows in one transaction, puts the files back, recomputes every
derived value (rebuild_derived) and purges every cached page and proxy.
"""

import datetime
import hashlib
import io
import json
import zipfile

from django.apps import apps
from django.contrib.contenttypes.models import ContentType
from django.core import serializers
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.core.management.color import no_style
from django.core.serializers.base import DeserializationError
from django.core.serializers.json import DjangoJSONEncoder
from django.db import DatabaseError, connection, transaction
from django.db.migrations.loader import MigrationLoader
from django.db.migrations.recorder import MigrationRecorder
from django.utils import timezone

from .caching import surrogate_keys
from .models import Briefing

FORMAT = 1
MEDIA_FOLDER = "briefings"  # every upload and rendition is stored under it
# Source rows, by "app_label.model"; anything else is derived (recomputed after a
# restore), a cache, or sessions and login records, which stay with the instance.
CONTENT_MODELS = [
    "auth.group", "auth.user",
    "briefings.tag", "briefings.othername", "briefings.libraryimage", "briefings.briefing",
    "briefings.taggedbriefing", "briefings.correction", "briefings.formeraddress",
    "briefings.formertagslug",
    "reversion.revision", "reversion.version", "admin.logentry",
]  # fmt: skip
# Rows found by what names them rather than by id: an empty instance may already hold
# an account or a topic of that name. The rest keep their ids.
NAMED_ROWS = {"auth.group", "auth.user", "briefings.tag"}
CHUNK = 1024 * 1024


class BackupError(Exception):
    """An archive that cannot be restored, or an instance it must not be restored into."""


# Writing.


def write_backup(path):
    """Write the archive to `path`; the manifest it ends with."""
    checksums, counts = {}, {}
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, allowZip64=True) as archive:
        for label in CONTENT_MODELS:
            member = content_member(label)
            with archive.open(member, "w", force_zip64=True) as stream:
                checksummed = _Checksummed(stream)
                counts[label] = _serialize(label, checksummed)
                checksums[member] = checksummed.hexdigest()
        for name in stored_names(MEDIA_FOLDER):
            member = archive.open(f"media/{name}", "w", force_zip64=True)
            with default_storage.open(name, "rb") as source, member:
                checksummed = _Checksummed(member)
                while chunk := source.read(CHUNK):
                    checksummed.write(chunk)
            checksums[f"media/{name}"] = checksummed.hexdigest()
        manifest = {
            "format": FORMAT,
            "made_at": timezone.now().isoformat(),
            "made_on": connection.vendor,
            "migrations": _applied_migrations(),
            "counts": counts,
            "checksums": checksums,
        }
        archive.writestr("manifest.json", json.dumps(manifest, indent=1))
    return manifest


def content_member(label):
    return f"content/{label}.jsonl"


class _Lossless(DjangoJSONEncoder):
    """Times keep their microseconds: Django's encoder cuts them to milliseconds (as
    JavaScript reads them), which would reorder briefings saved in the same millisecond
    and change the dates pages show."""

    def default(self, o):
        if isinstance(o, datetime.datetime | datetime.time):
            return o.isoformat()
        return super().default(o)


def _serialize(label, stream):
    """A content model's rows, a line each, into the stream; how many there were."""
    model = apps.get_model(label)
    rows = _Counted(model._default_manager.order_by("pk").iterator(chunk_size=2000))
    text = io.TextIOWrapper(stream, encoding="utf-8", write_through=True)
    serializers.get_serializer("jsonl")().serialize(
        rows, stream=text, cls=_Lossless, use_natural_foreign_keys=True,
        use_natural_primary_keys=label in NAMED_ROWS,
    )  # fmt: skip
    text.detach()
    return rows.count


class _Counted:
    def __init__(self, rows):
        self.rows, self.count = rows, 0

    def __iter__(self):
        for row in self.rows:
            self.count += 1
            yield row


class _Checksummed:
    """A binary stream that keeps the SHA-256 of what passes through it."""

    def __init__(self, stream):
        self.stream, self.sha = stream, hashlib.sha256()

    def write(self, data):
        self.sha.update(data)
        return self.stream.write(data)

    def writable(self):
        return True

    def readable(self):
        return False

    def seekable(self):
        return False

    def flush(self):
        self.stream.flush()

    @property
    def closed(self):
        return False

    def hexdigest(self):
        return self.sha.hexdigest()


def stored_names(folder):
    """Every file the storage holds under `folder`, at any depth."""
    try:
        folders, files = default_storage.listdir(folder)
    except FileNotFoundError:
        return []
    names = [f"{folder}/{name}" for name in files]
    for sub in folders:
        names += stored_names(f"{folder}/{sub}")
    return sorted(names)


def _applied_migrations():
    applied = MigrationRecorder(connection).applied_migrations()
    found = {}
    for app, name in sorted(applied):
        found.setdefault(app, []).append(name)
    return found


# Checking and restoring.


def read_manifest(archive):
    """The archive's manifest, once every member is there and unchanged; BackupError if
    not, or if a newer version of the site made it."""
    try:
        manifest = json.loads(archive.read("manifest.json"))
    except (KeyError, ValueError) as error:
        raise BackupError("This is not a complete backup: it has no readable manifest.") from error
    if manifest.get("format") != FORMAT:
        raise BackupError(
            f"This backup is in format {manifest.get('format')}; this version of Briefings "
            f"reads format {FORMAT}. Restore it with the version that made it, or a newer one."
        )
    known = set(MigrationLoader(None, ignore_no_migrations=True).disk_migrations)
    unknown = sorted(
        f"{app}.{name}" for app, names in manifest["migrations"].items() for name in names
        if (app, name) not in known
    )  # fmt: skip
    if unknown:
        raise BackupError(
            f"This backup was made by a newer version of Briefings (it has {unknown[0]}, "
            "which this one does not know). Upgrade, then restore."
        )
    members = set(archive.namelist()) - {"manifest.json"}
    if members != set(manifest["checksums"]):
        raise BackupError("This backup's files do not match its manifest: it is incomplete.")
    for name, expected in manifest["checksums"].items():
        if _sha256(archive, name) != expected:
            raise BackupError(f"{name} in this backup has changed since it was made.")
    return manifest


def _sha256(archive, name):
    sha = hashlib.sha256()
    with archive.open(name) as member:
        while chunk := member.read(CHUNK):
            sha.update(chunk)
    return sha.hexdigest()


def restore_backup(path, replace=False):
    """Restore the archive at `path`; the manifest. Raises BackupError, changing nothing,
    if the archive or this instance will not do."""
    try:
        archive = zipfile.ZipFile(path)
    except (OSError, zipfile.BadZipFile) as error:
        raise BackupError(f"This is not a complete backup ({error}).") from error
    with archive:
        manifest = read_manifest(archive)
        if Briefing.objects.exists() and not replace:
            raise BackupError(
                "This instance holds briefings: restore into an empty one, or pass --replace "
                "to remove what it holds first."
            )
        # Files first: if the rows then fail to load, nothing refers to the files, and
        # clean_media removes them.
        _put_files_back(archive, manifest)
        try:
            with transaction.atomic():
                if replace:
                    call_command("flush", interactive=False, verbosity=0)
                _load_content(archive)
        except (DatabaseError, DeserializationError) as error:
            raise BackupError(f"Its content could not be loaded ({error}).") from error
        finally:
            # A flush remade the content types; a rollback may have taken them back.
            ContentType.objects.clear_cache()
    call_command("rebuild_derived", verbosity=0)
    surrogate_keys.purge_now({surrogate_keys.SITE})
    return manifest


def _load_content(archive):
    waiting = []
    for label in CONTENT_MODELS:
        with archive.open(content_member(label)) as member:
            objects = serializers.deserialize(
                "jsonl", io.TextIOWrapper(member, encoding="utf-8"),
                handle_forward_references=True, ignorenonexistent=True,
            )  # fmt: skip
            for found in objects:
                found.save()
                if found.deferred_fields:
                    waiting.append(found)
    for found in waiting:
        found.save_deferred_fields()
    # Rows came with their ids: the next new row's id must follow them (as loaddata does).
    models = [apps.get_model(label) for label in CONTENT_MODELS]
    with connection.cursor() as cursor:
        for statement in connection.ops.sequence_reset_sql(no_style(), models):
            cursor.execute(statement)


def _put_files_back(archive, manifest):
    for member in manifest["checksums"]:
        if not member.startswith("media/"):
            continue
        name = member.removeprefix("media/")
        if default_storage.exists(name):
            default_storage.delete(name)
        stored = default_storage.save(name, ContentFile(archive.read(member)))
        if stored != name:
            raise BackupError(f"{name} could not be stored under its own name ({stored}).")
