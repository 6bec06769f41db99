from django.contrib.auth import middleware as auth_middleware
from django.utils.cache import add_never_cache_headers

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
