"""Who may do what, decided in one place, and every refusal written to the access log.

A page outside someone's scope answers "page not found", as if it did not exist, so nothing can
be learnt by probing. Views refuse by raising ``Http404`` (directly, or through ``refuse``);
``RefusalLogMiddleware`` writes the one "denied" row for any 404 or 403 a signed-in person gets,
whichever view, decorator or URL resolver produced it, so no refusal can be forgotten.
"""

import functools

from django.contrib.auth.models import AbstractBaseUser
from django.http import Http404, HttpRequest

from decisions.models import Role
from decisions.selectors import user_has_role, user_in_a_team, user_roles

REFUSED_TARGET = "access_refused_target"


def refuse(request: HttpRequest, target: str = "") -> None:
    """Refuse as "not found"; the middleware logs it as denied, naming ``target`` if given."""
    if target:
        setattr(request, REFUSED_TARGET, target)
    raise Http404("No such page")


def role_required(*roles: Role):
    """Only people with one of these roles reach the view; anyone else gets a logged 404."""

    def decorator(view):
        @functools.wraps(view)
        def wrapped(request, *args, **kwargs):
            if not user_roles(request.user) & set(roles):
                refuse(request)
            return view(request, *args, **kwargs)

        return wrapped

    return decorator


def can_record_decisions(user: AbstractBaseUser) -> bool:
    """Practitioners, and managers acting as practitioners, record decisions, in a team.

    Auditors and administrators never do: they check and run the log, so they must not also
    write to it (separation of duties). A decision with no team would reach no manager's
    review queue, so someone in no team cannot record either.
    """
    if not (user_has_role(user, Role.PRACTITIONER) or user_has_role(user, Role.MANAGER)):
        return False
    if user_has_role(user, Role.AUDITOR) or user_has_role(user, Role.ADMINISTRATOR):
        return False
    return user_in_a_team(user)


def records_decisions(view):
    """Only people who may record decisions reach the view (see ``can_record_decisions``)."""

    @functools.wraps(view)
    def wrapped(request, *args, **kwargs):
        if not can_record_decisions(request.user):
            refuse(request)
        return view(request, *args, **kwargs)

    return wrapped
