from django.http import HttpResponse
from django.urls import path

GREETING = "<!doctype html><title>Bare</title><p>Hello from a bare Django view."


def hello(request):
    """The greeting, padded to ?bytes= when given: a page's size, to tell what a page
    costs for its bytes alone from what the site adds."""
    size = int(request.GET.get("bytes", 0))
    return HttpResponse(GREETING + "x" * max(0, size - len(GREETING)))


urlpatterns = [path("", hello)]
