import os
from pathlib import Path

import pytest
from django.contrib.auth.models import Group
from django.test import Client

from decisions.models import LocalSettings, Role, Team
from tests.browser_support import CHROMIUM, CHROMIUM_ARGS

# Playwright's sync API runs an event loop in the test thread; Django's ORM must still be usable.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

PASSWORD = "correct-horse-battery-staple"


def verify_second_factor(client: Client, user) -> None:
    """Mark the client's session as having passed two-factor, with a (new) authenticator app."""
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name="Test app", confirmed=True)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()


@pytest.fixture(autouse=True)
def _force_login_includes_the_second_factor(monkeypatch):
    """``client.force_login`` stands for a finished sign-in, second factor included, as it did
    before two-factor existed. Sign-in itself (password, code) is tested in tests/accounts."""
    from decisions.accounts.two_factor import two_factor_required

    original = Client.force_login

    def force_login(self, user, backend=None):
        original(self, user, backend)
        if two_factor_required(user):
            verify_second_factor(self, user)

    monkeypatch.setattr(Client, "force_login", force_login)


@pytest.fixture
def team(db):
    return Team.objects.create(name="Riverside early help")


@pytest.fixture
def make_user(db, django_user_model):
    def make(username: str, role: Role = Role.PRACTITIONER, team: Team | None = None):
        user = django_user_model.objects.create_user(
            username=username, password=PASSWORD, first_name=username.title()
        )
        user.groups.add(Group.objects.get_or_create(name=role)[0])
        if team is not None:
            team.members.add(user)
        return user

    return make


@pytest.fixture
def practitioner(make_user, team):
    return make_user("pat", Role.PRACTITIONER, team)


@pytest.fixture
def other_practitioner(make_user, team):
    return make_user("sam", Role.PRACTITIONER, team)


@pytest.fixture
def practitioner_client(client, practitioner):
    client.force_login(practitioner)
    return client


@pytest.fixture(scope="session")
def chromium_browser():
    """One Chromium for the whole run: Playwright's sync API allows one instance per thread."""
    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: `make test` installs Debian's chromium package")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def live_roles(transactional_db):
    """Live-server tests flush the database after each test, removing the rows the data migration
    made (the role groups, the local settings). Put them back."""
    for role in Role:
        Group.objects.get_or_create(name=role)
    LocalSettings.load()
