"""Lead images: checked and cleaned on upload, resized once, never opened on a page view."""

import functools
import io
import secrets
from contextlib import contextmanager
from urllib.parse import urljoin

from botocore.exceptions import BotoCoreError, ClientError
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from PIL import Image, ImageOps, UnidentifiedImageError

MAX_UPLOAD_BYTES = 20 * 1024 * 1024
MAX_PIXELS = 40_000_000
MAX_SIDE = 12_000  # WebP stores at most 16,383 pixels a side
MAX_ASPECT = 8  # a lead image no more than 8 times as long one way as the other
ACCEPTED_FORMATS = {"JPEG": "jpg", "PNG": "png", "WEBP": "webp"}

# Each kind of rendition: the widths made for srcset and, for list thumbnails,
# the fixed aspect ratio they are cropped to so that cards line up.
RENDITIONS = {
    "thumb": {"widths": (360, 720), "aspect": (3, 2)},
    "page": {"widths": (800, 1200, 1600), "aspect": None},
    # 1200 × 630, the size link previews (OpenGraph, Twitter cards) show best.
    "preview": {"widths": (1200,), "aspect": (40, 21)},
}
RENDITION_DIR = "briefings/renditions"
# What storing a file may meet: a full or failing disk, an object store that cannot be
# reached or refuses.
STORE_ERRORS = (OSError, BotoCoreError, ClientError)


def validate_upload(file):
    """Accept only JPEG, PNG and WebP within the size limits, judged by content."""
    if file.size > MAX_UPLOAD_BYTES:
        raise ValidationError("The image is larger than 20 MB. Please upload a smaller file.")
    try:
        file.seek(0)
        with Image.open(file) as image:
            _check_format_and_size(image)
            image.load()  # a truncated or corrupt file fails here, not when it is saved
    except (UnidentifiedImageError, Image.DecompressionBombError, OSError, SyntaxError):
        raise ValidationError(
            "This file is not a complete image: it may be damaged or cut short."
        ) from None
    finally:
        file.seek(0)


def _check_format_and_size(image):
    """Judged from the header alone, before any pixels are decoded."""
    if image.format not in ACCEPTED_FORMATS:
        raise ValidationError(
            f"{image.format} images are not accepted; upload a JPEG, PNG or WebP file."
        )
    width, height = image.size
    if width * height > MAX_PIXELS:
        megapixels = width * height / 1_000_000
        raise ValidationError(f"The image has {megapixels:.0f} megapixels; the limit is 40.")
    if max(width, height) > MAX_SIDE:
        raise ValidationError(
            f"The image is {width} × {height} pixels; each side can be at most {MAX_SIDE:,}."
        )
    if max(width, height) > MAX_ASPECT * min(width, height):
        raise ValidationError(
            f"The image is {width} × {height} pixels, too narrow for a lead image: one side "
            f"can be at most {MAX_ASPECT} times the other."
        )


def is_new_upload(field_file):
    """Whether an image field holds a file just uploaded, not yet stored."""
    return bool(field_file) and not field_file._committed


def store_upload(field_file):
    """Store a new upload re-encoded without metadata; return its renditions.

    A store that fails (a full disk, an object store out of reach) is a ValidationError
    with nothing left behind: the form says so and the editor's other fields stay.
    """
    cleaned = strip_metadata(field_file)
    written = []
    try:
        # Named before it is written: a disk that fills halfway leaves a cut-off file.
        written.append(field_file.field.generate_filename(field_file.instance, cleaned.name))
        field_file.save(cleaned.name, cleaned, save=False)
        written.append(field_file.name)
        with field_file.open("rb"):  # closed again once the renditions are made
            return make_renditions(field_file, written)
    except STORE_ERRORS as error:
        _remove_quietly(written)
        field_file.name = None
        raise ValidationError(
            "The image could not be stored (%(error)s). Nothing was saved: try again shortly.",
            code="image_not_stored",
            params={"error": error.__class__.__name__},
        ) from error


def store_for_form(instance, field_name):
    """From a model's full_clean(), once all else holds: store a new upload now, so that
    a store that fails is an error on its field and the form keeps the rest; save()
    then finds it stored. (Should the form fail after all, clean_media removes the
    files later.)"""
    field_file = getattr(instance, field_name)
    if not is_new_upload(field_file):
        return
    try:
        instance.renditions = store_upload(field_file)
    except ValidationError as error:
        raise ValidationError({field_name: error.messages}) from None
    instance.upload_stored_in_clean = True  # read once by saves_new_upload


def saves_new_upload(instance, field_file):
    """Whether this save brings a new image: uploaded now, or stored by full_clean just
    before (its files are new all the same: the old image's go, and its own go if the
    save fails)."""
    return is_new_upload(field_file) or instance.__dict__.pop("upload_stored_in_clean", False)


def _remove_quietly(names):
    for name in names:
        try:
            default_storage.delete(name)
        except STORE_ERRORS:
            pass  # still out of reach: clean_media removes what nothing refers to


@contextmanager
def kept_only_if_saved(field_file, renditions, new_upload):
    """Around a model save: a new upload's files are removed again if the save fails,
    as no one would keep them."""
    try:
        yield
    except Exception:
        if new_upload:
            delete_files(stored_files(field_file.name, renditions))
        raise


def strip_metadata(file):
    """Re-encode an upload so that no EXIF (GPS, camera) or other metadata survives.

    The orientation EXIF asked for is applied to the pixels first.
    """
    file.seek(0)
    with Image.open(file) as original:
        image_format = original.format
        image = ImageOps.exif_transpose(original)
        icc_profile = original.info.get("icc_profile")
    image.info = {}
    options = {"icc_profile": icc_profile} if icc_profile else {}
    if image_format == "JPEG":
        options.update(quality=90, optimize=True)
    buffer = io.BytesIO()
    image.save(buffer, format=image_format, **options)
    # A random name: uploaders' file names say nothing to readers and can be guessed.
    return ContentFile(
        buffer.getvalue(), name=f"{secrets.token_hex(16)}.{ACCEPTED_FORMATS[image_format]}"
    )


def make_renditions(file, written=None):
    """Write every rendition of a stored image; their names and sizes. Each name is added
    to `written` once stored, so that a failure halfway can remove what was stored."""
    written = [] if written is None else written
    file.seek(0)
    with Image.open(file) as image:
        image.load()
        if image.mode not in ("RGB", "RGBA"):
            has_alpha = image.mode in ("LA", "PA") or "transparency" in image.info
            image = image.convert("RGBA" if has_alpha else "RGB")
        # A name of their own: the original's cannot be worked out from theirs.
        stem = secrets.token_hex(16)
        renditions = {}
        for kind, spec in RENDITIONS.items():
            renditions[kind] = []
            for width in _widths_for(image.width, spec["widths"]):
                name = f"{RENDITION_DIR}/{stem}-{kind}-{width}.webp"
                written.append(name)
                renditions[kind].append(_save_rendition(image, name, width, spec["aspect"]))
        return renditions


def _widths_for(original_width, widths):
    """The requested widths that do not upscale, or the original width alone."""
    fitting = [width for width in widths if width <= original_width]
    return fitting or [original_width]


def _save_rendition(image, name, width, aspect):
    if aspect:
        height = round(width * aspect[1] / aspect[0])
        resized = ImageOps.fit(image, (width, height), Image.Resampling.LANCZOS)
    else:
        height = max(1, round(image.height * width / image.width))
        resized = image.resize((width, height), Image.Resampling.LANCZOS)
    buffer = io.BytesIO()
    resized.save(buffer, format="WEBP", quality=80, method=4)
    name = default_storage.save(name, ContentFile(buffer.getvalue()))
    return {"name": name, "width": width, "height": height}


def stored_files(original_name, renditions):
    """Every file kept for one lead image: the original and its renditions."""
    return [original_name, *rendition_files(renditions)]


def rendition_files(renditions):
    return [size["name"] for sizes in renditions.values() for size in sizes]


def delete_files(names):
    for name in names:
        default_storage.delete(name)


@functools.lru_cache(maxsize=20_000)
def renditions_url():
    """Where every rendition's URL starts."""
    return default_storage.url(f"{RENDITION_DIR}/x")[:-1]


def absolute(url, address):
    """A file's URL for use away from the site's pages (link previews, feeds, JSON-LD):
    joined to the site's address, unless MEDIA_URL names a host of its own."""
    return urljoin(address + "/", url)


def file_url(name):
    """A stored file's URL, worked out once: a list page shows dozens of renditions."""
    return default_storage.url(name)


def picture(renditions, kind):
    """What an <img> needs for one kind of rendition: src, srcset, width, height."""
    sizes = renditions.get(kind)
    if not sizes:
        return None
    smallest = sizes[0]
    return {
        "src": file_url(smallest["name"]),
        "srcset": ", ".join(f"{file_url(size['name'])} {size['width']}w" for size in sizes),
        "width": smallest["width"],
        "height": smallest["height"],
    }
