import json
import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

ROOT = Path(__file__).resolve().parent.parent
PRODUCTION = {
    "SECRET_KEY": secrets.token_urlsafe(50),
    "ALLOWED_HOSTS": "decisions.example.org",
    "DATABASE_URL": "postgres://app@db.example.org:5432/decisions",
    "PATH": os.environ["PATH"],
}


def manage(*args, env):
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env={**env, "DJANGO_SETTINGS_MODULE": "sharing_wizard.settings"},
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_production_settings_pass_the_deployment_checks():
    result = manage("check", "--deploy", "--fail-level", "WARNING", env=PRODUCTION)

    assert result.returncode == 0, result.stdout + result.stderr


def test_production_settings_refuse_to_start_without_a_secret_key():
    env = {k: v for k, v in PRODUCTION.items() if k != "SECRET_KEY"}

    result = manage("check", env=env)

    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr


def test_debug_is_off_unless_asked_for():
    result = manage("shell", "-c", "from django.conf import settings; print(settings.DEBUG)", env=PRODUCTION)

    assert result.stdout.strip().splitlines()[-1] == "False", result.stderr


def test_only_postgresql_is_accepted():
    result = manage("check", env={**PRODUCTION, "DATABASE_URL": "sqlite:///db.sqlite3"})

    assert result.returncode != 0
    assert "PostgreSQL" in result.stderr


@pytest.mark.django_db
def test_demo_users_are_refused_when_debug_is_off(settings):
    settings.DEBUG = False

    with pytest.raises(CommandError, match="DEBUG"):
        call_command("seed_demo")


@pytest.mark.django_db
def test_demo_users_exist_for_every_role_when_debug_is_on(settings, capsys, django_user_model):
    settings.DEBUG = True

    call_command("seed_demo")

    printed = capsys.readouterr().out
    assert "password:" in printed
    for username in ["practitioner", "manager", "auditor", "admin"]:
        assert django_user_model.objects.get(username=username).groups.exists()


@pytest.mark.django_db
def test_demo_decisions_make_a_working_service_once(settings, capsys, django_user_model):
    from decisions.models import Decision, ReviewEvent

    settings.DEBUG = True
    call_command("seed_demo")
    call_command("seed_demo")  # run again: the same users, no second set of decisions

    decisions = Decision.objects.all()
    assert 30 <= decisions.count() <= 40
    assert {d.outcome for d in decisions} == {"share", "do-not-share", "awaiting-advice"}
    assert decisions.filter(emergency=True).exists() and decisions.filter(significant_harm=True).exists()
    assert ReviewEvent.objects.filter(action="concern").exists()
    assert ReviewEvent.objects.filter(action="advice").exists()
    assert "demo decisions" in capsys.readouterr().out


def test_a_replica_is_an_optional_second_database_read_through_the_router():
    show = (
        "import json; from django.conf import settings; r = settings.DATABASES.get('replica');"
        " print(json.dumps([r and {k: r[k] for k in ('HOST', 'NAME', 'OPTIONS', 'TEST')},"
        " settings.DATABASE_ROUTERS, settings.DATABASE_REPLICA_READ_YOUR_WRITES_SECONDS]))"
    )
    without = manage("shell", "-c", show, env=PRODUCTION)
    assert without.stdout.strip().splitlines()[-1] == "[null, [], 15.0]", without.stderr

    replica_url = "postgres://app@replica.example.org:5432/decisions"
    env = {**PRODUCTION, "DATABASE_REPLICA_URL": replica_url, "DATABASE_REPLICA_MAX_LAG": "30"}
    result = manage("shell", "-c", show, env=env)
    replica, routers, window = json.loads(result.stdout.strip().splitlines()[-1])
    assert replica["HOST"] == "replica.example.org"
    assert replica["OPTIONS"]["pool"]["min_size"] == 0  # nothing held open to a replica that is down
    assert replica["OPTIONS"]["pool"]["timeout"] == replica["OPTIONS"]["connect_timeout"] == 2
    assert replica["OPTIONS"]["options"] == "-c statement_timeout=30000"
    assert replica["TEST"]["MIRROR"] == "default"
    assert routers == ["decisions.replica.ReplicaRouter"]
    assert window == 35.0  # the lag limit plus the check interval: a write is on the replica by then

    mysql = manage("check", env={**env, "DATABASE_REPLICA_URL": "mysql://app@replica/decisions"})
    assert mysql.returncode != 0
    assert "DATABASE_REPLICA_URL must point at PostgreSQL" in mysql.stderr
