"""Database sessions that survive a database restart between a view and the session save, read
in plain SQL.

Django saves the session after the view. If PostgreSQL restarted meanwhile, the save hits a dead
connection, Django reports it as ``UpdateError`` and the user sees a 400 "you may have logged
out" page (``SessionInterrupted``), losing what they just typed. A dead connection is not a
logged-out user: drop it and save once more on a fresh one. A second failure goes up as the
database error itself, which ``decisions.views.errors.server_error`` answers with a 503 page.

Every page reads the session: the read is one plain SQL statement instead of an ORM query, whose
building cost more of a page's time than running it (bench/profile_wizard.py), and it is prepared
(planned once a connection: sharing_wizard.postgresql).
"""

from django.contrib.sessions.backends import db
from django.contrib.sessions.backends.base import UpdateError
from django.db import InterfaceError, OperationalError, connections, router
from django.utils import timezone

# The read every page makes ({table}: the session model's table).
READ_SQL = "SELECT session_data FROM {table} WHERE session_key = %s AND expire_date > %s"


class SessionStore(db.SessionStore):
    def _get_session_from_db(self):
        """The session's row if it exists and has not expired (``session_data`` is all ``load``
        reads of it), else None, as Django's own."""
        if not self._validate_session_key(self.session_key):
            self._session_key = None
            return None
        model = self.model
        sql = READ_SQL.format(table=model._meta.db_table)
        with connections[router.db_for_read(model)].prepared_cursor() as cursor:
            cursor.execute(sql, [self.session_key, timezone.now()])
            row = cursor.fetchone()
        if row is None:
            self._session_key = None
            return None
        return model(session_key=self.session_key, session_data=row[0])

    def save(self, must_create=False):
        try:
            return super().save(must_create)
        except UpdateError as error:
            cause = error.__context__
            alias = router.db_for_write(self.model)
            if not isinstance(cause, OperationalError | InterfaceError) or connections[alias].in_atomic_block:
                raise  # the session really is gone (signed out elsewhere), or we cannot reconnect here
            connections[alias].close()
        try:
            return super().save(must_create)
        except UpdateError as error:
            if isinstance(error.__context__, OperationalError | InterfaceError):
                raise error.__context__ from error
            raise
