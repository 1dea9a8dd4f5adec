from django.conf import settings
from django.conf.urls.static import static
from django.contrib import admin
from django.urls import include, path

from briefings.images import RENDITION_DIR

admin.site.site_header = "Briefings editor"
admin.site.site_title = "Briefings editor"
admin.site.index_title = "Content"

urlpatterns = [
    path("admin/", admin.site.urls),
    path("", include("briefings.urls")),
]

# Renditions are served by the web server in production; this serves them only when
# DEBUG is on. Originals are kept to render from, and never served.
urlpatterns += static(
    f"{settings.MEDIA_URL}{RENDITION_DIR}/", document_root=settings.MEDIA_ROOT / RENDITION_DIR
)
