from django.conf import settings
from django.conf.urls.static import static
from django.contrib import admin
from django.urls import include, path
from django.views.decorators.cache import never_cache
from django_prometheus.exports import ExportToDjangoView

from briefings import api
from briefings.images import RENDITION_DIR

admin.site.site_header = "Briefings editor"
admin.site.site_title = "Briefings editor"
admin.site.index_title = "Content"

urlpatterns = [
    path("admin/", admin.site.urls),
    # For the operator's Prometheus, asked of each node; the proxy keeps it off the
    # public address. With several workers, PROMETHEUS_MULTIPROC_DIR gathers them all.
    path("metrics", never_cache(ExportToDjangoView), name="metrics"),
    path("api/v1/", api.urls()),
    path("api/<path:rest>", api.not_found_anywhere),
    path("", include("briefings.urls")),
]

# Renditions are served by the web server in production; this serves them only when
# DEBUG is on. Originals are kept to render from, and never served.
urlpatterns += static(
    f"{settings.MEDIA_URL}{RENDITION_DIR}/", document_root=settings.MEDIA_ROOT / RENDITION_DIR
)
