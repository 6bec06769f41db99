"""A real OpenID provider (panva's oidc-provider, from npm) started on 127.0.0.1 by the tests."""

import html
import json
import re
import shutil
import socket
import subprocess
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import pytest
import requests

from decisions.accounts import oidc

LAUNCHER = Path(__file__).resolve().parent / "provider.mjs"
CLIENT_ID, CLIENT_SECRET = "sharing-wizard", "test-only-client-secret"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Provider:
    def __init__(self, redirect_base: str, **env):
        node = shutil.which("node")
        if node is None:
            pytest.fail("node is missing: the single sign-on tests run oidc-provider on Node.js")
        self.port = free_port()
        self.issuer = f"http://127.0.0.1:{self.port}"
        client = {
            "client_secret": CLIENT_SECRET,
            "redirect_uris": [f"{redirect_base}/oidc/callback/"],
            "post_logout_redirect_uris": [f"{redirect_base}/sign-in/"],
        }
        clients = [{**client, "client_id": CLIENT_ID}, {**client, "client_id": "another-service"}]
        self.process = subprocess.Popen(
            [node, str(LAUNCHER)],
            env={"PATH": "/usr/bin:/bin", "PORT": str(self.port), "CLIENTS": json.dumps(clients), **env},
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            text=True,
        )
        line = self.process.stdout.readline()
        if not line.startswith("ready"):
            self.process.kill()
            pytest.fail(f"oidc-provider did not start: {line!r}")

    def stop(self):
        self.process.terminate()
        self.process.wait(timeout=10)


@pytest.fixture(scope="session")
def provider_factory():
    """Start providers on demand, one per kind (normal, clock behind, wrong audience)."""
    started: dict[tuple, Provider] = {}

    def start(redirect_base: str = "http://testserver", **env) -> Provider:
        key = (redirect_base, tuple(sorted(env.items())))
        if key not in started:
            started[key] = Provider(redirect_base, **env)
        return started[key]

    yield start
    for provider in started.values():
        provider.stop()


def configure(settings, provider: Provider, **extra) -> None:
    settings.OIDC_ISSUER = provider.issuer
    settings.OIDC_RP_CLIENT_ID = CLIENT_ID
    settings.OIDC_RP_CLIENT_SECRET = CLIENT_SECRET
    settings.OIDC_RP_SCOPES = "openid email profile groups"
    for name, value in extra.items():
        setattr(settings, name, value)
    oidc.discovery.cache_clear()


@pytest.fixture
def provider(provider_factory, settings):
    running = provider_factory()
    configure(settings, running)
    return running


def sign_in_at_provider(authorize_url: str, login: str) -> str:
    """Do what a person does at the provider (type a login and password); return where the
    provider sends the browser back to (the service's callback, with code and state)."""
    browser = requests.Session()
    url, data = authorize_url, None
    for _ in range(10):
        response = (
            browser.post(url, data=data, allow_redirects=False)
            if data
            else browser.get(url, allow_redirects=False)
        )
        data = None
        if response.is_redirect:
            location = urljoin(url, response.headers["Location"])
            if urlsplit(location).netloc != urlsplit(authorize_url).netloc:
                return location
            url = location
            continue
        form = re.search(r'<form[^>]*action="([^"]+)"', response.text)
        if form is None:
            raise AssertionError(
                f"unexpected page from the provider: {response.status_code} {response.text[:300]}"
            )
        url = urljoin(url, html.unescape(form.group(1)))
        fields = dict(re.findall(r'<input[^>]*name="([^"]+)"[^>]*value="([^"]*)"', response.text))
        if 'name="login"' in response.text:
            fields.update(login=login, password="any-password")
        data = fields
    raise AssertionError("too many steps at the provider")
