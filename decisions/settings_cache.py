"""``LocalSettings`` kept in each app server process, checked against the database once a request.

Every page reads the local settings (the draft expiry, the policy document link, the phase
banner's feedback link), and reading the row was one SQL statement a page. The row's PostgreSQL
``xmin`` (the transaction that wrote its current version) and ``ctid`` (where that version is
stored: every UPDATE writes a new one) change with every save, whichever app server, admin
session or raw UPDATE made it, so together they are a version number with no column to keep.
The signed-in user's query (``decisions.accounts.backends``) fetches that version along with the
user, for no extra statement; ``LocalSettings.load()`` then answers from this process's copy when
the versions match and reads the row again when they do not. Outside a request (management
commands, tests calling services directly) the version is unknown and the row is always read,
exactly as before.
"""

import contextvars
import copy

from django.core.signals import request_finished, request_started
from django.db.models.expressions import RawSQL

# The settings row's version as seen by this request's first query; None: not known.
_request_version: contextvars.ContextVar[str | None] = contextvars.ContextVar("local_settings_version")
_cached: tuple[str, object] | None = None

VERSION = "xmin::text || ctid::text"
VERSION_SQL = "SELECT xmin::text || ctid::text FROM decisions_localsettings WHERE id = 1"


def note_version(version: str | None) -> None:
    _request_version.set(version)


def _forget_version(**kwargs) -> None:
    _request_version.set(None)


# Known only between the start and the end of a request: outside one, the row is always read.
request_started.connect(_forget_version, dispatch_uid="settings-cache-request-started")
request_finished.connect(_forget_version, dispatch_uid="settings-cache-request-finished")


def load(model):
    """The settings row: this process's copy if the database still holds that version."""
    global _cached
    version = _request_version.get(None)
    cached = _cached
    if version is not None and cached is not None and cached[0] == version:
        return _copy(cached[1])
    obj = model.objects.annotate(_version=RawSQL(VERSION, ()))  # noqa: S611 (constant SQL)
    obj = obj.filter(pk=1).first()
    if obj is None:
        obj, _ = model.objects.get_or_create(pk=1)
        return obj  # just made: its version is read next time
    _cached = (obj._version, obj)
    return _copy(obj)


def _copy(obj):
    """What ``copy.copy`` makes of a model instance (Django's ``Model.__getstate__``: its own
    ``_state`` and cache of related objects), without the pickling protocol ``copy.copy`` goes
    through for a model: 17 µs a copy against 3, for a row read three or four times a page."""
    new = object.__new__(type(obj))
    new.__dict__.update(obj.__dict__)
    new._state = copy.copy(obj._state)
    new._state.fields_cache = obj._state.fields_cache.copy()
    return new


def forget(**kwargs) -> None:
    """A save in this process is seen by this process at once, even within the same transaction
    (where the row's ``xmin`` does not change)."""
    global _cached
    _cached = None
