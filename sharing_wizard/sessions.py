"""Database sessions that survive a database restart between a view and the session save.

Django saves the session after the view. If PostgreSQL restarted meanwhile, the save hits a dead
connection, Django reports it as ``UpdateError`` and the user sees a 400 "you may have logged
out" page (``SessionInterrupted``), losing what they just typed. A dead connection is not a
logged-out user: drop it and save once more on a fresh one. A second failure goes up as the
database error itself, which ``decisions.views.errors.server_error`` answers with a 503 page.
"""

from django.contrib.sessions.backends import db
from django.contrib.sessions.backends.base import UpdateError
from django.db import InterfaceError, OperationalError, connections, router


class SessionStore(db.SessionStore):
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
