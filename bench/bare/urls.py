from django.http import HttpResponse
from django.urls import path


def bare(request):
    """Read the session and write it back: the least a signed-in page does."""
    request.session["pages"] = request.session.get("pages", 0) + 1
    return HttpResponse(f"<!doctype html><title>Bare</title><p>Page {request.session['pages']}</p>")


urlpatterns = [path("bare/", bare)]
