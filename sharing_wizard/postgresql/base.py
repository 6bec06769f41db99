"""Django's PostgreSQL backend, with a connection pool that recovers at once from a restart.

With ``CONN_HEALTH_CHECKS``, Django's pool checks a connection before handing it out. After a
database restart every pooled connection is dead, and psycopg_pool backs off between failed checks
(1 s, 2 s, 4 s...), so with a few connections in the pool a request waits past the pool's timeout
and fails. Here the first failed check drains the pool: every idle connection is replaced by a new
one, and the request gets a live connection after one back-off.
"""

from django.db.backends.postgresql import base
from psycopg_pool import ConnectionPool


class DatabaseWrapper(base.DatabaseWrapper):
    @property
    def pool(self):
        pool = super().pool
        if pool is not None and getattr(pool, "_check", None) is ConnectionPool.check_connection:
            pool._check = _check_or_drain(pool)
        return pool


def _check_or_drain(pool: ConnectionPool):
    def check(conn) -> None:
        try:
            ConnectionPool.check_connection(conn)
        except Exception:
            pool.drain()
            raise

    return check
