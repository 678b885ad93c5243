"""Settings fail fast, in French, naming the variable to fix."""

import os
import subprocess
import sys

from django.conf import settings

import config.settings as project_settings


def start(env_overrides, *args):
    env = {k: v for k, v in os.environ.items() if k not in ("SECRET_KEY", "ALLOWED_HOSTS", "DEBUG")}
    env.update(env_overrides)
    return subprocess.run(
        [sys.executable, "manage.py", *(args or ["check"])],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )


PRODUCTION = {"SECRET_KEY": "x" * 50, "ALLOWED_HOSTS": "parcours.example.test", "DEBUG": "false"}


def test_production_refuses_to_start_without_secret_key():
    result = start({"ALLOWED_HOSTS": "parcours.example.test"})
    assert result.returncode != 0
    assert "La variable SECRET_KEY est obligatoire" in result.stderr


def test_production_refuses_to_start_without_allowed_hosts():
    result = start({"SECRET_KEY": "x" * 50})
    assert result.returncode != 0
    assert "La variable ALLOWED_HOSTS est obligatoire" in result.stderr


def test_debug_accepts_the_development_defaults():
    result = start({"DEBUG": "true", "DATABASE_URL": ""})
    assert result.returncode == 0, result.stderr


def test_a_database_url_of_another_kind_is_named():
    result = start({**PRODUCTION, "DATABASE_URL": "mysql://user@host/base"})
    assert result.returncode != 0
    assert "La variable DATABASE_URL doit désigner PostgreSQL" in result.stderr


def test_a_malformed_database_url_is_named():
    result = start({**PRODUCTION, "DATABASE_URL": "n'importe quoi"})
    assert result.returncode != 0
    assert "DATABASE_URL" in result.stderr


def test_an_unreachable_database_is_named_at_migrate():
    result = start(
        {**PRODUCTION, "DATABASE_URL": "postgres://u:secret@127.0.0.1:1/base"}, "migrate"
    )
    assert result.returncode != 0
    assert "Vérifiez la variable DATABASE_URL" in result.stderr
    assert "secret" not in result.stderr  # the password is never printed


def test_a_wrong_boolean_is_named():
    result = start({**PRODUCTION, "DEBUG": "peut-être"})
    assert result.returncode != 0
    assert "La variable DEBUG doit valoir true ou false" in result.stderr


def test_french_and_paris():
    assert settings.LANGUAGE_CODE == "fr-fr"
    assert settings.TIME_ZONE == "Europe/Paris"
    assert settings.AUTH_USER_MODEL == "partners.User"


def test_envint_and_envlist(monkeypatch):
    monkeypatch.setenv("SOME_NUMBER", "12")
    monkeypatch.setenv("SOME_LIST", " a, b ,,c ")
    assert project_settings.envint("SOME_NUMBER", 3) == 12
    assert project_settings.envlist("SOME_LIST") == ["a", "b", "c"]
    assert project_settings.envbool("UNSET_BOOLEAN_VARIABLE", True) is True


def test_check_deploy_is_clean_with_only_debug_off_a_secret_and_allowed_hosts():
    # Nothing else from the environment: no SECURE_* variable, no proxy count.
    env = {"PATH": os.environ.get("PATH", ""), **PRODUCTION, "SECRET_KEY": "k3y-" + "Qz7@Lm2#" * 8}
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


def read_settings(env_overrides, *names):
    env = {"PATH": os.environ.get("PATH", ""), **PRODUCTION, **env_overrides}
    code = "from django.conf import settings as s; print(" + ",".join(f"s.{n}" for n in names) + ")"
    result = subprocess.run(
        [sys.executable, "-c", code],
        cwd=settings.BASE_DIR,
        env={**env, "DJANGO_SETTINGS_MODULE": "config.settings"},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout.split()


def test_production_is_secure_by_default_and_preload_only_on_request():
    values = read_settings(
        {},
        "SECURE_SSL_REDIRECT",
        "SESSION_COOKIE_SECURE",
        "CSRF_COOKIE_SECURE",
        "SECURE_HSTS_SECONDS",
        "SECURE_HSTS_PRELOAD",
    )
    assert values == ["True", "True", "True", "31536000", "False"]


def test_each_protection_can_be_turned_off_and_preload_asked_for():
    values = read_settings(
        {"SECURE_SSL_REDIRECT": "false", "SECURE_COOKIES": "false", "SECURE_HSTS_SECONDS": "0"},
        "SECURE_SSL_REDIRECT",
        "SESSION_COOKIE_SECURE",
        "SECURE_HSTS_SECONDS",
    )
    assert values == ["False", "False", "0"]
    assert read_settings({"SECURE_HSTS_PRELOAD": "true"}, "SECURE_HSTS_PRELOAD") == ["True"]
