from django.conf import settings


def public_address(request):
    """The site's public address: the setting, or in development this request's own."""
    return settings.SITE_URL or f"{request.scheme}://{request.get_host()}"


def site_url(request):
    """The public address for canonical links and link previews."""
    return {"site_url": public_address(request)}
