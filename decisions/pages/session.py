"""Signing out after inactivity: the GOV.UK timeout warning and what the sign-in page says after.

The session ends ``SESSION_COOKIE_AGE`` seconds after it was last written (at most
``SESSION_REFRESH_SECONDS`` before the last request: ``decisions.accounts.sessions.refresh``).
Two minutes before (``SESSION_TIMEOUT_WARNING_SECONDS``), static/js/timeout-warning.js opens a
dialog; "Stay signed in" calls ``keep_alive``, which writes the session and so starts the time
again. Answers are saved on the server after every page, so nothing saved is lost either way.
"""

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.http import HttpRequest, JsonResponse
from django.views.decorators.http import require_safe

from decisions.accounts import sessions
from decisions.middleware import PENDING_ANSWERS

TIMED_OUT = "timeout"


@login_not_required  # answers 401 itself, rather than redirecting a script to the sign-in page
@require_safe
def keep_alive(request: HttpRequest) -> JsonResponse:
    if not request.user.is_authenticated:
        return JsonResponse({"signed_in": False}, status=401)
    sessions.refresh(request, force=True)
    return JsonResponse({"signed_in": True, "seconds": settings.SESSION_COOKIE_AGE})


def timeout_settings(request: HttpRequest | None = None) -> dict:
    left = sessions.seconds_left(request) if request is not None else settings.SESSION_COOKIE_AGE
    return {
        "session_seconds": left,
        "warning_seconds": min(settings.SESSION_TIMEOUT_WARNING_SECONDS, left),
    }


def signed_out_reason(request: HttpRequest) -> dict:
    """Why the sign-in page is shown: timed out (the warning's own redirect), and whether answers
    sent after the session ended were kept (the middleware keeps them for the wizard)."""
    return {
        "timed_out": request.GET.get("reason") == TIMED_OUT,
        "answers_kept": PENDING_ANSWERS in request.session,
        "session_minutes": settings.SESSION_COOKIE_AGE // 60,
    }
