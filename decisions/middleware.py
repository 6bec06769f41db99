import logging

from django.contrib.auth import middleware as auth_middleware
from django.shortcuts import render
from django.utils.cache import add_never_cache_headers

from decisions.access import REFUSED_TARGET
from decisions.models import AccessLog
from decisions.services import access_log_record

logger = logging.getLogger("decisions.security")

PENDING_ANSWERS = "pending_answers"


class LoginRequiredMiddleware(auth_middleware.LoginRequiredMiddleware):
    """Every page needs sign-in. Answers posted after the session ran out are kept for later.

    A practitioner who types an answer and presses Continue after their session has timed out
    is sent to sign in. For views marked ``keeps_answers_across_sign_in`` the posted answers are
    kept in the (new, anonymous) session so the page can show them again once they are back.
    The CSRF check has already passed by the time this runs.
    """

    def handle_no_permission(self, request, view_func):
        if request.method == "POST" and getattr(view_func, "keeps_answers_across_sign_in", False):
            data = {key: values for key, values in request.POST.lists() if key != "csrfmiddlewaretoken"}
            request.session[PENDING_ANSWERS] = {"path": request.path, "data": data}
        return super().handle_no_permission(request, view_func)


class NoStoreMiddleware:
    """Pages about children must not stay in a browser's or a proxy's cache."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        add_never_cache_headers(response)
        return response


FORBIDDEN = "\x00"
FORBIDDEN_TARGET = "Characters that are not allowed in the request"


def has_forbidden(*texts: str) -> bool:
    return any(FORBIDDEN in text for text in texts)


class CookieHygieneMiddleware:
    """A cookie holding a NUL byte is dropped before the session is read from it.

    Dropped rather than refused, so a browser with a spoilt cookie is not locked out: it gets a
    fresh session. Runs before ``SessionMiddleware``.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        for name, value in list(request.COOKIES.items()):
            if has_forbidden(name, value):
                del request.COOKIES[name]
                logger.warning("dropped a cookie with a NUL byte from %s", request.META.get("REMOTE_ADDR"))
        return self.get_response(request)


class RequestHygieneMiddleware:
    """No character in a request may reach the database: a NUL byte anywhere is refused with 400.

    PostgreSQL cannot store NUL in text, so a NUL in an address, a query, a form field (or its
    name) or a header would otherwise fail deep in a query as a server error. Checked once here
    for the whole request, whichever view it is for. Bytes that are not UTF-8 are already
    replaced by Django when it decodes the request, and so never reach a view undecoded.
    The refusal is logged: in the access log for a signed-in person, otherwise here.
    (Cookies are checked earlier, by ``CookieHygieneMiddleware``.)
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if self.forbidden(request):
            return self.refuse(request)
        return self.get_response(request)

    @staticmethod
    def forbidden(request) -> bool:
        if has_forbidden(request.path, request.path_info, request.META.get("QUERY_STRING", "")):
            return True
        headers = [str(value) for key, value in request.META.items() if key.startswith("HTTP_")]
        if has_forbidden(*headers):
            return True
        sources = [request.GET, request.POST] if request.method == "POST" else [request.GET]
        for data in sources:
            for key, values in data.lists():
                if has_forbidden(key, *[str(value) for value in values]):
                    return True
        return False

    @staticmethod
    def refuse(request):
        problem = None
        if request.method == "POST" and not has_forbidden(request.path, request.META.get("QUERY_STRING", "")):
            problem = "There is a problem with the information you sent"
        if request.user.is_authenticated:
            access_log_record(request=request, action=AccessLog.Action.DENIED, target=FORBIDDEN_TARGET)
        else:
            logger.warning("refused a request with a NUL byte: %r", request.get_full_path()[:500])
        return render(request, "400.html", {"problem": problem}, status=400)


class RefusalLogMiddleware:
    """Every refusal a signed-in person meets is written to the access log as "denied".

    The one place that logs refusals (see ``decisions.access``): any 403 or 404 answer, whether
    a view refused a record out of scope, a role check refused a page, or no page matched the
    address. The row names the record asked for (its reference, draft or token) when the
    address holds one, otherwise the address.
    """

    KEYS = ("reference", "draft_id", "token")

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if response.status_code in (403, 404) and request.user.is_authenticated:
            access_log_record(request=request, action=AccessLog.Action.DENIED, target=self.target(request))
        return response

    def target(self, request) -> str:
        explicit = getattr(request, REFUSED_TARGET, "")
        if explicit:
            return explicit
        match = request.resolver_match
        kwargs = match.kwargs if match is not None else {}
        for key in self.KEYS:
            if key in kwargs:
                return str(kwargs[key])
        return request.path
