"""Reads from a PostgreSQL streaming replica, when one is configured (``DATABASE_REPLICA_URL``).

Only the heavy reads that can stand to be a few seconds old go there: the auditors' exports and the
verifier, the managers' dashboard and case chronology (the pages named in the URL confs with
``reads_from_replica``, and ``verify_decision_log``). Everything else, every write, and a
practitioner's own pages stay on the primary. The rules, in the order they apply:

* Outside a ``replica_reads()`` scope every read goes to the primary.
* Within one, a read goes to the primary once the scope has written anything, while the primary's
  connection is inside a transaction, for the signed-in person's security state (users, groups,
  sessions, authenticator devices, sign-in attempts) and for the local settings.
* Read-your-writes across requests: after a manager or an auditor sends a form that succeeds, their
  reads stay on the primary for ``DATABASE_REPLICA_READ_YOUR_WRITES_SECONDS`` (a time in their
  session, set by ``ReadYourWritesMiddleware``).
* The replica is used only while it answers and replays within ``DATABASE_REPLICA_MAX_LAG`` seconds
  of the primary; each process checks that at most every ``DATABASE_REPLICA_CHECK_SECONDS``. A
  page whose replica connection fails before it wrote anything is run again on the primary; a
  snapshot (``read_snapshot``) that cannot be opened on the replica is opened on the primary.

A read that must be internally consistent (an export with its chain head, the verifier with its
checkpoints) runs in one REPEATABLE READ, READ ONLY transaction on one connection:
``read_snapshot``.
"""

import contextlib
import contextvars
import dataclasses
import functools
import logging
import sys
import threading
import time
from collections.abc import Callable, Iterator
from typing import TypeVar

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, InterfaceError, OperationalError, connections, transaction
from django.db.models import Model

logger = logging.getLogger(__name__)

REPLICA = "replica"
PRIMARY = DEFAULT_DB_ALIAS
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
# Whose reads must be current: who may do what, and whether they are signed in.
PRIMARY_APPS = frozenset({"auth", "sessions", "contenttypes", "axes", "otp_totp", "otp_static", "django_otp"})
PRIMARY_MODELS = frozenset({"decisions.localsettings"})  # cached per process by its row version
# A time in the session: until then, this person's reads stay on the primary.
PRIMARY_UNTIL = "replica_primary_until"

# How far behind the replica is, in seconds. Nothing left to replay of what it has received, while
# it streams from the primary: 0. Otherwise the age of the last transaction it replayed. NULL when
# it has replayed nothing yet (unknown: treated as too far behind). Not a standby at all: 0.
LAG_SQL = """
SELECT CASE
    WHEN NOT pg_is_in_recovery() THEN 0
    WHEN EXISTS (SELECT 1 FROM pg_stat_wal_receiver)
         AND pg_last_wal_receive_lsn() <= pg_last_wal_replay_lsn() THEN 0
    ELSE extract(epoch FROM clock_timestamp() - pg_last_xact_replay_timestamp())
END
"""

CONNECTION_ERRORS = (OperationalError, InterfaceError)
T = TypeVar("T")


def configured() -> bool:
    return REPLICA in settings.DATABASES


# --- The replica's health, checked at most every DATABASE_REPLICA_CHECK_SECONDS per process --------


@dataclasses.dataclass
class Health:
    usable: bool = False
    checked_at: float = float("-inf")
    reason: str = "not checked yet"


_health = Health()
_health_lock = threading.Lock()


def _measure() -> tuple[bool, str]:
    replica = connections[REPLICA]
    try:
        with replica.cursor() as cursor:
            cursor.execute(LAG_SQL)
            (lag,) = cursor.fetchone()
    except Exception as error:  # whatever goes wrong with the replica, the primary answers
        with contextlib.suppress(Exception):
            replica.close()
        return False, f"the replica cannot be reached ({error.__class__.__name__}: {error})".strip()
    if lag is None:
        return False, "the replica has not replayed anything from the primary yet"
    limit = settings.DATABASE_REPLICA_MAX_LAG
    if float(lag) > limit:
        return False, f"the replica is {float(lag):.1f} s behind (limit {limit:g} s)"
    return True, f"the replica is {float(lag):.1f} s behind"


def _set_health(usable: bool, reason: str) -> None:
    was = _health.usable
    _health.usable, _health.reason, _health.checked_at = usable, reason, time.monotonic()
    if usable != was:
        if usable:
            logger.info("Heavy reads go to the replica: %s", reason)
        else:
            logger.warning("Heavy reads go to the primary: %s", reason)


def replica_usable() -> bool:
    """Whether the replica is up and close enough behind. One thread of a process checks at a time;
    the others go by the last check meanwhile."""
    if not configured():
        return False
    if time.monotonic() - _health.checked_at < settings.DATABASE_REPLICA_CHECK_SECONDS:
        return _health.usable
    if connections[REPLICA].in_atomic_block or not _health_lock.acquire(blocking=False):
        return _health.usable
    try:
        _set_health(*_measure())
    finally:
        _health_lock.release()
    return _health.usable


def replica_failed(error: BaseException) -> None:
    """A read on the replica failed: the primary answers until the next check."""
    with contextlib.suppress(Exception):
        connections[REPLICA].close()
    _set_health(False, f"a read on the replica failed ({error.__class__.__name__}: {error})")


# --- Scopes: where reads may go while a piece of work runs ---------------------------------------


@dataclasses.dataclass
class Scope:
    replica: bool  # reads may go to the replica
    pinned: str | None = None  # inside a snapshot: every read on this connection
    written: set[str] = dataclasses.field(default_factory=set)  # models written in this scope
    used_replica: bool = False


_scope: contextvars.ContextVar[Scope | None] = contextvars.ContextVar("replica_scope", default=None)


@contextlib.contextmanager
def replica_reads() -> Iterator[Scope]:
    """Let the reads in this block go to the replica (when the rules above allow)."""
    scope = Scope(replica=configured())
    token = _scope.set(scope)
    try:
        yield scope
    finally:
        _scope.reset(token)


def _may_use_replica(scope: Scope | None, labels: tuple[str, ...]) -> bool:
    if scope is None or not scope.replica:
        return False
    if any(label.split(".")[0] in PRIMARY_APPS or label in PRIMARY_MODELS for label in labels):
        return False
    if connections[PRIMARY].in_atomic_block:
        return False
    return replica_usable()


def read_alias(*labels: str) -> str:
    """Where a snapshot of these models (``app_label.model``, lower case) may be read from now.

    The rule for a snapshot is narrower than for single reads: only a write to one of the models
    it reads keeps it on the primary. So an export made on a page that has just written the
    access log row for its own request still reads decisions from the replica (but an export of
    the access log does not).
    """
    scope = _scope.get()
    if scope is None or scope.written.intersection(labels) or not _may_use_replica(scope, labels):
        return PRIMARY
    scope.used_replica = True
    return REPLICA


class ReplicaRouter:
    """Django's database router: reads as the rules above say, every write on the primary."""

    def db_for_read(self, model: type[Model], **hints) -> str:
        scope = _scope.get()
        if scope is None:
            return PRIMARY
        if scope.pinned:
            return scope.pinned
        if scope.written or not _may_use_replica(scope, (model._meta.label_lower,)):
            return PRIMARY
        scope.used_replica = True
        return REPLICA

    def db_for_write(self, model: type[Model], **hints) -> str:
        scope = _scope.get()
        if scope is not None:
            scope.written.add(model._meta.label_lower)
        return PRIMARY

    def allow_relation(self, obj1, obj2, **hints) -> bool:
        return True  # both hold the same database

    def allow_migrate(self, db: str, app_label: str, **hints) -> bool:
        return db == PRIMARY  # the replica follows the primary's schema


# --- Consistent snapshots ------------------------------------------------------------------------


def _open_snapshot(alias: str) -> contextlib.ExitStack:
    connection = connections[alias]
    first = not connection.in_atomic_block
    stack = contextlib.ExitStack()
    try:
        stack.enter_context(transaction.atomic(using=alias))
        with connection.cursor() as cursor:
            if first:  # inside an outer transaction (tests) its snapshot rules
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
            cursor.execute("SET LOCAL statement_timeout = 0")  # the whole log takes longer than a page
    except BaseException:
        if not stack.__exit__(*sys.exc_info()):
            raise
    token = _scope.set(Scope(replica=False, pinned=alias))
    stack.callback(_scope.reset, token)
    return stack


@contextlib.contextmanager
def read_snapshot(*labels: str, alias: str | None = None) -> Iterator[str]:
    """One REPEATABLE READ, READ ONLY transaction; yields the alias of its connection.

    Every ORM read inside goes to that connection; raw SQL must use ``connections[alias]``.
    ``alias`` chosen earlier (``read_alias``) is kept; otherwise it is chosen now. If the replica
    fails while the snapshot opens, it is opened on the primary instead.
    """
    alias = alias or read_alias(*labels)
    try:
        stack = _open_snapshot(alias)
    except CONNECTION_ERRORS as error:
        if alias == PRIMARY:
            raise
        replica_failed(error)
        alias = PRIMARY
        stack = _open_snapshot(alias)
    if alias == REPLICA:
        logger.info("Reading %s from the replica", ", ".join(labels) or "a snapshot")
    with stack:
        yield alias


def consistent_read(read: Callable[[str], T], *labels: str) -> T:
    """``read(alias)`` inside ``read_snapshot``; if the replica fails part way, again on the primary."""
    used = None
    try:
        with read_snapshot(*labels) as used:
            return read(used)
    except CONNECTION_ERRORS as error:
        if used != REPLICA:
            raise
        replica_failed(error)
    with read_snapshot(*labels, alias=PRIMARY) as alias:
        return read(alias)


# --- Pages ---------------------------------------------------------------------------------------


def wrote_recently(request) -> bool:
    session = getattr(request, "session", None)
    return session is not None and session.get(PRIMARY_UNTIL, 0) > time.time()


def reads_from_replica(view):
    """A page whose reads may go to the replica (applied in the URL conf, so views stay as they are).

    Only for GET and HEAD, and not for someone who has just written. The person and their session
    are loaded from the primary before the page runs. If the replica fails before the page has
    written anything (the access log row is written after the page's reads), the page runs again
    on the primary: the replica never turns a page into an error.
    """

    @functools.wraps(view)
    def wrapped(request, *args, **kwargs):
        if not configured() or request.method not in ("GET", "HEAD") or wrote_recently(request):
            return view(request, *args, **kwargs)
        getattr(request.user, "pk", None)  # loads the user (and session) now, from the primary
        with replica_reads() as scope:
            try:
                return view(request, *args, **kwargs)
            except CONNECTION_ERRORS as error:
                if not scope.used_replica or scope.written:
                    raise
                failure = error
        replica_failed(failure)
        logger.warning("%s ran again on the primary after the replica failed", request.path)
        return view(request, *args, **kwargs)

    wrapped.reads_from_replica = True
    return wrapped


class ReadYourWritesMiddleware:
    """After a manager or an auditor sends a form that succeeds, their reads stay on the primary for
    ``DATABASE_REPLICA_READ_YOUR_WRITES_SECONDS``, so the pages they go to next show what they did.

    Practitioners never read from the replica, so their session is not written for it.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if (
            configured()
            and request.method not in SAFE_METHODS
            and response.status_code < 400
            and hasattr(request, "session")
            and self.reads_from_replica(request.user)
        ):
            request.session[PRIMARY_UNTIL] = time.time() + settings.DATABASE_REPLICA_READ_YOUR_WRITES_SECONDS
        return response

    @staticmethod
    def reads_from_replica(user) -> bool:
        from decisions.models import Role
        from decisions.selectors import user_roles

        return bool(user_roles(user) & {Role.MANAGER, Role.AUDITOR})
