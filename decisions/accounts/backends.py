"""Loading the signed-in person once a request, with everything every page asks about them.

Each page needs the user, their roles (the navigation, the role checks), whether they are in a
team (who may record decisions), whether they have an authenticator app (two-factor), whether
the local settings changed (``decisions.settings_cache``) and how many alerts they have not read
(the header). Asked one by one that was six SQL statements on every page; here it is one, with
the answers kept on the user object where ``selectors.user_roles``, ``selectors.user_in_a_team``,
``two_factor_required`` and ``alerts.selectors.unread_count`` look first.
"""

import functools

from django.contrib.auth import backends, get_user_model
from django.contrib.auth.models import Group
from django_otp.plugins.otp_totp.models import TOTPDevice

from decisions import rows, settings_cache
from decisions.alerts.models import Notification


def signed_in_user(user_id):
    """The user with their roles, team membership, authenticator and the settings' version.

    Read on every page, so in plain SQL (``decisions.rows``): building the same query with the
    ORM cost more of a page's time than running it (bench/profile_wizard.py)."""
    user = rows.one(get_user_model(), _user_sql(), [user_id])
    if user is None:
        return None
    user._roles = frozenset(user._role_names)
    settings_cache.note_version(user._settings_version)
    return user


# Table names come from the models' metadata (``_user_sql``); the id is a bound parameter.
USER_SQL = """
    SELECT u.*,
           ARRAY(SELECT g.name FROM {user_groups} ug JOIN {groups} g ON g.id = ug.{group_fk}
                 WHERE ug.{user_fk} = u.id) AS _role_names,
           EXISTS(SELECT 1 FROM {members} m WHERE m.user_id = u.id) AS _in_team,
           EXISTS(SELECT 1 FROM {devices} d WHERE d.user_id = u.id AND d.confirmed) AS _has_authenticator,
           ({settings_version}) AS _settings_version,
           (SELECT count(*) FROM {notifications} n
            WHERE n.user_id = u.id AND n.read_at IS NULL) AS _unread_alerts
    FROM {users} u WHERE u.id = %s
"""


@functools.cache
def _user_sql() -> str:
    user_model = get_user_model()
    groups = user_model.groups.through
    return USER_SQL.format(
        users=user_model._meta.db_table,
        user_groups=groups._meta.db_table,
        group_fk=groups._meta.get_field("group").column,
        user_fk=groups._meta.get_field("user").column,
        groups=Group._meta.db_table,
        members=user_model.teams.through._meta.db_table,
        devices=TOTPDevice._meta.db_table,
        settings_version=settings_cache.VERSION_SQL,
        notifications=Notification._meta.db_table,
    )


class ModelBackend(backends.ModelBackend):
    """Django's password backend, loading the signed-in user with ``signed_in_user``."""

    def get_user(self, user_id):
        user = signed_in_user(user_id)
        return user if user is not None and self.user_can_authenticate(user) else None
