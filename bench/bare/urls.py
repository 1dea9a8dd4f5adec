from django.http import HttpResponse
from django.urls import path


def hello(request):
    return HttpResponse("<!doctype html><title>Bare</title><p>Hello from a bare Django view.")


urlpatterns = [path("", hello)]
