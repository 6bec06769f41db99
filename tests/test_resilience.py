import urllib.request
from concurrent.futures import ThreadPoolExecutor

import psycopg
import pytest
from django.db import connection
from django.urls import reverse

from decisions.models import AccessLog


def drop_every_connection():
    """What a database restart does to the app's connections: every one of them is cut."""
    params = connection.get_connection_params()
    for key in ("cursor_factory", "context", "prepare_threshold"):
        params.pop(key, None)
    with psycopg.connect(**params, autocommit=True) as admin:
        admin.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
            "WHERE datname = current_database() AND pid <> pg_backend_pid()"
        )
    connection.close()  # the test's own connection was cut too


@pytest.mark.django_db(transaction=True)
def test_requests_succeed_after_the_database_drops_every_connection(client, live_server, practitioner):
    # The test client keeps one connection for the whole test; a live server recycles them as in production.
    client.force_login(practitioner)
    opener = urllib.request.build_opener()
    opener.addheaders = [("Cookie", f"sessionid={client.cookies['sessionid'].value}")]
    url = live_server.url + reverse("decisions:my_decisions")
    with ThreadPoolExecutor(max_workers=8) as pool:  # fill the connection pool
        assert set(pool.map(lambda _: opener.open(url).status, range(16))) == {200}

    for _ in range(3):
        drop_every_connection()
        assert opener.open(url).status == 200

    assert AccessLog.objects.filter(user=practitioner, action=AccessLog.Action.VIEW_LIST).count() == 19
