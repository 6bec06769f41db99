"""Error pages that need more than a template."""

import sys

from django.db import InterfaceError, OperationalError
from django.http import HttpResponse, HttpResponseServerError
from django.template import loader
from django.views import defaults

RETRY_AFTER_SECONDS = 30


def server_error(request) -> HttpResponse:
    """A 500, unless the database was the problem: then a 503 that takes the user back to their page.

    A statement timeout, or a database restarting, is a passing problem, not a fault: the answer is
    503 with Retry-After, and a link back to the page the user was on (their saved answers are still
    there). Rendered without the request's context processors, which could query the database.
    Django calls this inside its ``except`` block, so the exception is ``sys.exc_info()``'s.
    """
    error = sys.exc_info()[1]
    if not isinstance(error, OperationalError | InterfaceError):
        return defaults.server_error(request)
    path = request.path if request.path.startswith("/") and not request.path.startswith("//") else "/"
    body = loader.render_to_string("503.html", {"retry_path": path})
    response = HttpResponseServerError(body)
    response.status_code = 503
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response
