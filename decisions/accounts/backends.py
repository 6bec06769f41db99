"""Loading the signed-in person once a request, with everything every page asks about them.

Each page needs the user, their roles (the navigation, the role checks), whether they are in a
team (who may record decisions), whether they have an authenticator app (two-factor) and whether
the local settings changed (``decisions.settings_cache``). Asked one by one that was five SQL
statements on every page; here it is one, with the answers kept on the user object where
``selectors.user_roles``, ``selectors.user_in_a_team`` and ``two_factor_required`` look first.
"""

from django.contrib.auth import backends, get_user_model
from django.contrib.auth.models import Group
from django.contrib.postgres.expressions import ArraySubquery
from django.db.models import Exists, OuterRef
from django.db.models.expressions import RawSQL
from django_otp.plugins.otp_totp.models import TOTPDevice

from decisions import settings_cache


def signed_in_user(user_id):
    """The user with their roles, team membership, authenticator and the settings' version."""
    user_model = get_user_model()
    team_members = user_model.teams.through
    user = (
        user_model._default_manager.filter(pk=user_id)
        .annotate(
            _role_names=ArraySubquery(Group.objects.filter(user=OuterRef("pk")).values("name")),
            _in_team=Exists(team_members.objects.filter(user_id=OuterRef("pk"))),
            _has_authenticator=Exists(TOTPDevice.objects.filter(user_id=OuterRef("pk"), confirmed=True)),
            _settings_version=RawSQL(f"({settings_cache.VERSION_SQL})", ()),  # noqa: S611 (constant SQL)
        )
        .first()
    )
    if user is None:
        return None
    user._roles = frozenset(user._role_names)
    settings_cache.note_version(user._settings_version)
    return user


class ModelBackend(backends.ModelBackend):
    """Django's password backend, loading the signed-in user with ``signed_in_user``."""

    def get_user(self, user_id):
        user = signed_in_user(user_id)
        return user if user is not None and self.user_can_authenticate(user) else None
