from django.urls import reverse

from . import roles
from .models import Briefing, Status
from .views.lookups import public_address


def site_url(request):
    """The public address for canonical links and link previews."""
    return {"site_url": public_address()}


def newsroom_queue(request):
    """For the admin's header: how many briefings wait for this editor (in review) or
    came back to this writer (drafts with a note), counted only where shown."""
    user = getattr(request, "user", None)
    if user is None or not user.is_staff:
        return {}
    return {"newsroom_queue": lambda: queue_of(user)}


def queue_of(user):
    changelist = reverse("admin:briefings_briefing_changelist")
    if roles.can_publish(user):
        count = Briefing.objects.filter(status=Status.IN_REVIEW).count()
        return {"label": "Needs review", "count": count, "url": f"{changelist}?state=review"}
    count = (
        Briefing.objects.filter(author=user, status=Status.DRAFT).exclude(review_note="").count()
    )
    return {"label": "Returned to me", "count": count, "url": f"{changelist}?whose=returned"}
