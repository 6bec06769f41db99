"""Sessions end after a fixed time from sign-in, however busy they are (absolute lifetime).

``SESSION_COOKIE_AGE`` ends a session left idle; this ends one kept alive by activity, so a
stolen or forgotten session cannot live for ever (ASVS 7.3.2). The time of sign-in is written
into the session when someone signs in, by any route (password, single sign-on, admin).
"""

import time

from django.conf import settings
from django.contrib.auth import logout
from django.contrib.auth.views import redirect_to_login

SIGNED_IN_AT = "signed_in_at"
SIGNED_OUT_REASON = "signed_out_reason"


def stamp_sign_in(sender, request, user, **kwargs) -> None:
    if request is not None and hasattr(request, "session"):
        request.session[SIGNED_IN_AT] = time.time()


class SessionLifetimeMiddleware:
    """Sign out anyone whose sign-in is older than ``SESSION_ABSOLUTE_AGE`` seconds."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.user.is_authenticated:
            signed_in_at = request.session.setdefault(SIGNED_IN_AT, time.time())
            if time.time() - signed_in_at > settings.SESSION_ABSOLUTE_AGE:
                logout(request)
                request.session[SIGNED_OUT_REASON] = "absolute"
                return redirect_to_login(request.get_full_path())
        return self.get_response(request)
