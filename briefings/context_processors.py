from .views.lookups import public_address


def site_url(request):
    """The public address for canonical links and link previews."""
    return {"site_url": public_address()}
