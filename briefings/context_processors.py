from django.conf import settings


def site_url(request):
    """The public address for canonical links: the setting, or this request's own."""
    return {"site_url": settings.SITE_URL or f"{request.scheme}://{request.get_host()}"}
