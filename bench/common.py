"""What the benches share: the load average, a database of their own on the server, an SMTP
server that notes when each alert email arrives, and a whole wizard route walked in-process."""

import os
import re
import socket
import threading
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

REFERENCE = re.compile(r"Decision reference: (D-[A-Z0-9]{4}-[A-Z0-9]{4})")


def loadavg() -> str:
    """/proc/loadavg's 1, 5 and 15 minute figures, printed beside every figure a bench takes."""
    return " ".join(Path("/proc/loadavg").read_text().split()[:3])


def database_url(base: str, name: str) -> str:
    """The URL of database ``name`` on ``base``'s server, created if it is not there yet."""
    import psycopg

    with psycopg.connect(base, autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            conn.execute(f'CREATE DATABASE "{name}"')
    return urlunsplit(urlsplit(base)._replace(path=f"/{name}"))


class Inbox:
    """An aiosmtpd handler keeping (decision reference, time received) for every email."""

    def __init__(self) -> None:
        self.received: list[tuple[str, float]] = []
        self.lock = threading.Lock()

    async def handle_DATA(self, server, session, envelope):
        at = time.time()
        match = REFERENCE.search(envelope.content.decode("utf-8", "replace"))
        with self.lock:
            self.received.append((match[1] if match else "", at))
        return "250 OK"


def backend_cpu(pid: int) -> float | None:
    """Seconds of CPU the PostgreSQL backend ``pid`` has used, read from /proc when the server runs
    on this machine (None when it does not): what the statements cost the database."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def vacuum(url: str) -> None:
    """What autovacuum would have done by now. The PostgreSQL on these machines runs with autovacuum
    off, so without this the session rows the bare view rewrites on every request leave dead
    versions behind (125,000 after a few runs), every session read walks them, and each run is
    slower than the one before it for the bench's own history, not for the code measured."""
    import psycopg

    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute("VACUUM (ANALYZE)")


def smtp_inbox():
    """A real SMTP server on a free port of 127.0.0.1: (its controller, to stop it; the inbox; the port)."""
    from aiosmtpd.controller import Controller

    inbox = Inbox()
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    return controller, inbox, port


def walk_to_recording(client, routing: dict, extra: dict) -> tuple[int, str]:
    """Answer every page of a route with Django's test client, from the first question through
    "check your answers". Returns the page requests made and the path of the request that records
    the decision (not made)."""
    from tests.wizard import step_data

    first = {"answer": routing["triage"]} if "triage" in routing else {}
    location = client.post("/decisions/new/", step_data("triage", first))["Location"]
    pages = 1
    while True:
        path = urlsplit(location).path
        assert client.get(path).status_code == 200, path
        step = re.search(r"/([a-z-]+)/$", path)[1]
        overrides = dict(extra.get(step, {}))
        if step in routing:
            overrides["answer"] = routing[step]
        response = client.post(path, step_data(step, overrides))
        assert response.status_code == 302, (path, response.status_code)
        pages += 2
        location = response["Location"]
        if step == "check":
            return pages, urlsplit(location).path
