from django.conf import settings
from django.conf.urls.static import static
from django.contrib import admin
from django.urls import include, path

admin.site.site_header = "Briefings editor"
admin.site.site_title = "Briefings editor"
admin.site.index_title = "Content"

urlpatterns = [
    path("admin/", admin.site.urls),
    path("", include("briefings.urls")),
]

# Uploaded media are served by the web server in production; this serves them
# only when DEBUG is on.
urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
