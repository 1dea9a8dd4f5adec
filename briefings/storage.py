"""Uploads in an S3-compatible store (django-storages), shared by every node."""

from storages.backends.s3 import S3Storage

from .images import RENDITION_DIR


class MediaStorage(S3Storage):
    """Renditions are readable by anyone, at MEDIA_URL; originals stay private, as they
    do on disk, where only the renditions' folder is served."""

    def get_object_parameters(self, name):
        parameters = super().get_object_parameters(name)
        if name.startswith(f"{RENDITION_DIR}/"):
            parameters["ACL"] = "public-read"
        return parameters
