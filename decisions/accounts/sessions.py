"""Sessions end after a fixed time from sign-in, however busy they are (absolute lifetime).

``SESSION_COOKIE_AGE`` ends a session left idle; this ends one kept alive by activity, so a
stolen or forgotten session cannot live for ever (ASVS 7.3.2). The time of sign-in is written
into the session when someone signs in, by any route (password, single sign-on, admin).

The idle time (``SESSION_COOKIE_AGE``) starts again when the session is written. Writing it on
every request cost three SQL statements a page, so it is written when it was last written more
than ``SESSION_REFRESH_SECONDS`` ago (``refresh``). A session can therefore end up to that many
seconds sooner than a full ``SESSION_COOKIE_AGE`` after the last page, never later, and the
timeout warning is told the time actually left (``seconds_left``).
"""

import time

from django.conf import settings
from django.contrib.auth import logout
from django.contrib.auth.views import redirect_to_login
from django.utils.functional import LazyObject, empty

SIGNED_IN_AT = "signed_in_at"
SIGNED_OUT_REASON = "signed_out_reason"
REFRESHED_AT = "refreshed_at"


def refresh_interval() -> int:
    return min(settings.SESSION_REFRESH_SECONDS, settings.SESSION_COOKIE_AGE // 4)


def refresh(request, *, now: float | None = None, force: bool = False) -> None:
    """Start the idle time again if the session was last written long enough ago (or ``force``)."""
    now = time.time() if now is None else now
    last = request.session.get(REFRESHED_AT)
    if force or last is None or now - last >= refresh_interval():
        request.session[REFRESHED_AT] = now  # marks the session modified: it is written


def seconds_left(request, *, now: float | None = None) -> int:
    """Seconds until the session ends if nothing else is requested."""
    last = request.session.get(REFRESHED_AT) if hasattr(request, "session") else None
    if last is None:
        return settings.SESSION_COOKIE_AGE
    now = time.time() if now is None else now
    return max(0, settings.SESSION_COOKIE_AGE - int(now - last))


def stamp_sign_in(sender, request, user, **kwargs) -> None:
    if request is not None and hasattr(request, "session"):
        request.session[SIGNED_IN_AT] = request.session[REFRESHED_AT] = time.time()


def loaded(user):
    """The user itself, out of the lazy wrappers that Django's and django-otp's middleware put it
    in. Every page needs the user (every page needs sign-in), so the laziness saves nothing,
    and each use of a wrapped user's attribute went through both wrappers: a twentieth of a
    question page's CPU (py-spy on bench/bench_wizard.py's gunicorn workers)."""
    while isinstance(user, LazyObject):
        if user._wrapped is empty:
            user._setup()
        user = user._wrapped
    return user


class SessionLifetimeMiddleware:
    """Sign out anyone whose sign-in is older than ``SESSION_ABSOLUTE_AGE`` seconds; start the
    idle time of anyone else again (``refresh``)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.user = loaded(request.user)
        if request.user.is_authenticated:
            signed_in_at = request.session.setdefault(SIGNED_IN_AT, time.time())
            if time.time() - signed_in_at > settings.SESSION_ABSOLUTE_AGE:
                logout(request)
                request.session[SIGNED_OUT_REASON] = "absolute"
                return redirect_to_login(request.get_full_path())
            refresh(request)
        return self.get_response(request)
