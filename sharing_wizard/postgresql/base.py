"""Django's PostgreSQL backend, with a connection pool that recovers at once from a restart, and
prepared statements for the few reads and writes every page makes.

With ``CONN_HEALTH_CHECKS``, Django's pool checks a connection before handing it out. After a
database restart every pooled connection is dead, and psycopg_pool backs off between failed checks
(1 s, 2 s, 4 s...), so with a few connections in the pool a request waits past the pool's timeout
and fails. Here the first failed check drains the pool: every idle connection is replaced by a new
one, and the request gets a live connection after one back-off.

``prepared_cursor()`` gives a cursor whose statements PostgreSQL plans once a connection
(``DATABASE_PREPARED_STATEMENTS``, settings.py). It is for statements that find rows by key (the
session, the signed-in user, the draft), whose one plan fits every run: planning the user's query
cost PostgreSQL more than running it, on every page (bench/bench_statements.py). Every other
statement is bound on the client and planned for its own values, as Django does by default: a
prepared statement's generic plan made the review queue at a million decisions three times slower.
"""

import psycopg
from django.db.backends.postgresql import base, operations
from psycopg.pq import Format
from psycopg_pool import ConnectionPool


class PreparingCursor(psycopg.Cursor):
    """A cursor binding its parameters on the server and preparing each statement on first use."""

    def execute(self, query, params=None, *, prepare=True, binary=None):
        return super().execute(query, params, prepare=prepare, binary=binary)


class DatabaseOperations(operations.DatabaseOperations):
    def last_executed_query(self, cursor, sql, params):
        """The statement with its values, for Django's query log (``DEBUG``, the tests' query
        counts), for a prepared statement as for any other."""
        if isinstance(cursor, PreparingCursor):
            try:
                return self.compose_sql(sql, params)
            except psycopg.errors.DataError:
                return None
        return super().last_executed_query(cursor, sql, params)


class DatabaseWrapper(base.DatabaseWrapper):
    ops_class = DatabaseOperations
    _preparing = False

    @property
    def pool(self):
        pool = super().pool
        if pool is not None and getattr(pool, "_check", None) is ConnectionPool.check_connection:
            pool._check = _check_or_drain(pool)
        return pool

    def prepared_cursor(self):
        """``cursor()``, whose statements are prepared when the settings allow it."""
        self._preparing = self.settings_dict["OPTIONS"].get("prepare_threshold") is not None
        try:
            return self.cursor()
        finally:
            self._preparing = False

    def create_cursor(self, name=None):
        if not self._preparing or name is not None:
            return super().create_cursor(name)
        cursor = PreparingCursor(self.connection)
        # As Django's own cursors: the connection's time zone, only if the connection disagrees.
        loader = self.connection.adapters.get_loader(base.TIMESTAMPTZ_OID, Format.TEXT)
        if self.timezone != loader.timezone:
            base.register_tzloader(self.timezone, cursor)
        return cursor


def _check_or_drain(pool: ConnectionPool):
    def check(conn) -> None:
        try:
            ConnectionPool.check_connection(conn)
        except Exception:
            pool.drain()
            raise

    return check
