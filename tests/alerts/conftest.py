"""Alert tests: a real SMTP server on 127.0.0.1 (aiosmtpd) and the real procrastinate worker."""

import email
import email.policy
import socket
import threading
from dataclasses import dataclass

import pytest
from aiosmtpd.controller import Controller
from django.db import connection
from procrastinate.contrib.django import app as procrastinate_app

from decisions.models import Role, Team


@dataclass
class Received:
    to: list[str]
    subject: str
    body: str


class Collector:
    """An SMTP handler that keeps every message it accepts."""

    def __init__(self) -> None:
        self.messages: list[Received] = []
        self.refused: set[str] = set()  # addresses turned away with "try again later"
        self.connections = 0

    async def handle_EHLO(self, server, session, envelope, hostname, responses):
        self.connections += 1
        session.host_name = hostname
        return responses

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address in self.refused:
            return "451 Mailbox busy, try again later"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        message = email.message_from_bytes(envelope.content, policy=email.policy.default)
        body = message.get_body(preferencelist=("plain",)).get_content()
        self.messages.append(Received(list(envelope.rcpt_tos), str(message["Subject"]), body))
        return "250 Message accepted"

    def to(self, address: str) -> list[Received]:
        return [m for m in self.messages if address in m.to]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class SMTPServer:
    """A real SMTP server the test starts, stops (an outage) and starts again on the same port."""

    def __init__(self) -> None:
        self.port = free_port()
        self.collector = Collector()
        self.controller: Controller | None = None

    def start(self) -> None:
        self.controller = Controller(self.collector, hostname="127.0.0.1", port=self.port)
        self.controller.start()

    def stop(self) -> None:
        if self.controller is not None:
            self.controller.stop()
            self.controller = None

    @property
    def messages(self) -> list[Received]:
        return self.collector.messages

    def to(self, address: str) -> list[Received]:
        return self.collector.to(address)


@pytest.fixture
def smtp(settings):
    server = SMTPServer()
    server.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = server.port
    settings.EMAIL_USE_TLS = False
    settings.EMAIL_TIMEOUT = 5
    settings.SERVICE_URL = "https://decisions.example.org"
    yield server
    server.stop()


@pytest.fixture
def worker(transactional_db, live_roles, monkeypatch):
    """Run the procrastinate worker until no job is ready, as ``manage.py procrastinate worker``
    would (its own connections). The periodic digest is left out: tests call it with a frozen time."""
    with connection.cursor() as cursor:  # procrastinate's tables are not flushed between tests
        cursor.execute("TRUNCATE procrastinate_jobs RESTART IDENTITY CASCADE")
    monkeypatch.setattr(procrastinate_app.periodic_registry, "periodic_tasks", {})

    def work(errors: list) -> None:
        try:
            with procrastinate_app.replace_connector(
                procrastinate_app.connector.get_worker_connector()
            ) as app:
                app.run_worker(
                    queues=["alerts"], wait=False, install_signal_handlers=False, listen_notify=False
                )
        except BaseException as error:  # handed to the test's thread
            errors.append(error)

    def run() -> None:
        # In a thread of its own: Playwright's sync API may have left an event loop in this one.
        errors: list = []
        thread = threading.Thread(target=work, args=(errors,))
        thread.start()
        thread.join(timeout=120)
        assert not thread.is_alive(), "the worker did not finish"
        if errors:
            raise errors[0]

    return run


@pytest.fixture
def teams(make_user):
    """Two teams, each with practitioners and managers; an auditor; a manager of both."""
    north = Team.objects.create(name="North")
    south = Team.objects.create(name="South")
    users = {
        "pat": make_user("pat", Role.PRACTITIONER, north),
        "sam": make_user("sam", Role.PRACTITIONER, south),
        "mo": make_user("mo", Role.MANAGER, north),
        "mia": make_user("mia", Role.MANAGER, north),
        "sol": make_user("sol", Role.MANAGER, south),
        "ann": make_user("ann", Role.AUDITOR),
        "bo": make_user("bo", Role.MANAGER, north),
    }
    south.members.add(users["bo"])
    for name, user in users.items():
        user.email = f"{name}@example.org"
        user.last_name = "Testname"
        user.save()
    return {"north": north, "south": south, **users}
