"""The image library: pictures uploaded once and shown in any briefing's body, each with
its alt text, caption and credit, in the same renditions as lead images."""

from django.conf import settings
from django.db import models, transaction

from .. import images


class LibraryImage(models.Model):
    """A picture in the library; a body shows it as `![](image:<id>)` (text.py)."""

    file = models.ImageField(
        upload_to="briefings/originals/",
        max_length=255,
        validators=[images.validate_upload],
        help_text="JPEG, PNG or WebP, up to 20 MB and 40 megapixels.",
    )
    title = models.CharField(max_length=200, help_text="To find it again; readers never see it.")
    alt = models.CharField(
        "alt text", max_length=250, help_text="What the image shows, for readers who cannot see it."
    )
    caption = models.CharField(max_length=300, blank=True)
    credit = models.CharField(max_length=200, blank=True)
    renditions = models.JSONField(editable=False, default=dict)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, editable=False
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = "library image"

    def __str__(self):
        return self.title

    def save(self, *args, **kwargs):
        new_upload = images.saves_new_upload(self, self.file)
        if images.is_new_upload(self.file):
            self.renditions = images.store_upload(self.file)
        with images.kept_only_if_saved(self.file, self.renditions, new_upload):
            super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        files = images.stored_files(self.file.name, self.renditions)
        result = super().delete(*args, **kwargs)
        transaction.on_commit(lambda: images.delete_files(files))
        return result

    def full_clean(self, *args, **kwargs):
        super().full_clean(*args, **kwargs)
        images.store_for_form(self, "file")  # once all else holds

    @property
    def thumbnail(self):
        return images.picture(self.renditions, "thumb")

    @property
    def markdown(self):
        """What a writer puts in a body to show it."""
        return f"![]({BODY_IMAGE_SCHEME}{self.pk})"


BODY_IMAGE_SCHEME = "image:"
