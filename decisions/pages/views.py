"""The service's legal pages: accessibility statement, privacy notice, cookies. Open to everyone,
signed in or not, because people need them before they can sign in."""

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.shortcuts import render
from django.views.decorators.http import require_safe

from decisions.models import LocalSettings
from decisions.pages import content


@login_not_required
@require_safe
def accessibility(request):
    return render(
        request,
        "pages/accessibility.html",
        {
            "local": LocalSettings.load(),
            "known_issues": content.KNOWN_ISSUES,
            "prepared_on": content.STATEMENT_PREPARED_ON,
            "reviewed_on": content.STATEMENT_REVIEWED_ON,
            "widths": content.TESTED_WIDTHS,
        },
    )


@login_not_required
@require_safe
def privacy(request):
    return render(request, "pages/privacy.html", {"local": LocalSettings.load()})


@login_not_required
@require_safe
def cookies(request):
    return render(
        request,
        "pages/cookies.html",
        {"cookies": content.cookies(), "session_minutes": settings.SESSION_COOKIE_AGE // 60},
    )
