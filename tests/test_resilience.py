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


def terminate_backend_of(conn) -> None:
    """Cut one connection, as a database restart does, from another session."""
    pid = conn.connection.info.backend_pid
    params = conn.get_connection_params()
    for key in ("cursor_factory", "context", "prepare_threshold"):
        params.pop(key, None)
    with psycopg.connect(**params, autocommit=True) as admin:
        admin.execute("SELECT pg_terminate_backend(%s)", [pid])


@pytest.mark.django_db(transaction=True)
def test_session_save_survives_a_connection_cut_after_the_view():
    from django.contrib.sessions.backends.base import UpdateError
    from django.contrib.sessions.backends.db import SessionStore as DjangoStore

    from sharing_wizard.sessions import SessionStore

    session = SessionStore()
    session["answer"] = "kept"
    session.create()
    session["answer"] = "typed after the restart"
    connection.ensure_connection()
    terminate_backend_of(connection)

    session.save()

    assert SessionStore(session.session_key).load()["answer"] == "typed after the restart"
    plain = DjangoStore(session.session_key)
    plain["answer"] = "lost"
    terminate_backend_of(connection)
    with pytest.raises(UpdateError):  # what users saw as "you may have logged out"
        plain.save()
    connection.close()


@pytest.mark.django_db(transaction=True)
def test_a_session_that_was_really_signed_out_is_still_refused():
    from django.contrib.sessions.backends.base import UpdateError

    from sharing_wizard.sessions import SessionStore

    session = SessionStore()
    session.create()
    SessionStore(session.session_key).delete()
    session["answer"] = "x"
    with pytest.raises(UpdateError):
        session.save()


def test_statement_timeout_is_set_on_the_apps_connections(db, settings):
    with connection.cursor() as cursor:
        cursor.execute("SHOW statement_timeout")
        assert cursor.fetchone() == (f"{settings.DATABASE_STATEMENT_TIMEOUT}s",)


@pytest.mark.django_db(transaction=True)
def test_a_query_past_the_statement_timeout_answers_503_and_leads_back(client, practitioner, settings):
    """A table locked for longer than the timeout: the page says sorry (503) and leads back."""
    client.force_login(practitioner)
    client.raise_request_exception = False
    url = reverse("decisions:my_decisions")
    assert client.get(url).status_code == 200
    params = connection.get_connection_params()
    for key in ("cursor_factory", "context", "prepare_threshold", "options"):
        params.pop(key, None)
    options = connection.settings_dict["OPTIONS"]
    configured = options.get("options")
    options["options"] = "-c statement_timeout=300"  # as DATABASE_STATEMENT_TIMEOUT sets it, but short
    connection.close()
    connection.close_pool()
    try:
        with psycopg.connect(**params) as blocker:
            # Not a table only reached by a deferred foreign key check: those run at commit, where
            # PostgreSQL no longer applies statement_timeout.
            blocker.execute("LOCK TABLE decisions_accesslog IN ACCESS EXCLUSIVE MODE")
            response = client.get(url)
            blocker.rollback()
    finally:
        if configured is None:
            options.pop("options")
        else:
            options["options"] = configured
        connection.close()
        connection.close_pool()
    assert response.status_code == 503
    assert response["Retry-After"] == "30"
    html = response.content.decode()
    assert "Sorry, there is a problem with the service" in html
    assert f'href="{url}"' in html
    assert client.get(url).status_code == 200
