"""Project-wide rules that no single feature test would notice breaking."""

import re
from pathlib import Path

import yaml
from django.conf import settings

import config.settings as settings_module

BASE = Path(settings.BASE_DIR)
SETTINGS_SOURCE = Path(settings_module.__file__).read_text(encoding="utf-8")
ENV_READ = set(re.findall(r'env(?:str|bool|int|list)\(\s*"([A-Z_]+)"', SETTINGS_SOURCE))


def compose():
    return yaml.safe_load((BASE / "docker-compose.yml").read_text(encoding="utf-8"))


def test_compose_passes_only_variables_the_settings_read():
    environment = compose()["x-app"]["environment"]
    unknown = sorted(set(environment) - ENV_READ)
    assert unknown == [], f"docker-compose.yml passes variables settings.py never reads: {unknown}"
    for required in ("SECRET_KEY", "ALLOWED_HOSTS", "DATABASE_URL", "REDIS_URL"):
        assert required in environment


def test_compose_services_have_health_checks_and_volumes():
    services = compose()["services"]
    assert set(services) >= {"web", "worker", "beat", "postgres", "redis"}
    for name, service in services.items():
        assert "healthcheck" in service or "healthcheck" in compose()["x-app"], name
    assert "pgdata:/var/lib/postgresql/data" in services["postgres"]["volumes"]
    assert "/healthz" in str(services["web"]["healthcheck"]["test"])


def test_compose_database_url_is_understood_by_the_settings():
    url = compose()["x-app"]["environment"]["DATABASE_URL"]
    url = re.sub(r"\$\{POSTGRES_PASSWORD[^}]*\}", "secret", url)
    config = settings_module.database_from_url(url)
    assert config["ENGINE"] == "django.db.backends.postgresql"
    assert (config["HOST"], config["NAME"]) == ("postgres", "parcours_tpe")


def test_every_environment_variable_is_documented_in_the_readme():
    readme = (BASE / "README.md").read_text(encoding="utf-8")
    undocumented = sorted(name for name in ENV_READ if f"`{name}`" not in readme)
    assert undocumented == []


def test_every_file_field_is_protected_from_public_urls():
    # Uploaded files are served by permission-checked views, never under MEDIA_URL.
    assert not getattr(settings, "MEDIA_URL", "").strip("/")


def test_compose_exposes_the_application_only_to_its_proxy():
    services = compose()["services"]
    published = sorted(name for name, service in services.items() if service.get("ports"))
    assert published == ["proxy"]
    assert services["web"]["expose"] == ["8000"]
    # One proxy hop between clients and gunicorn: the trusted count says exactly that.
    assert compose()["x-app"]["environment"]["ALLAUTH_TRUSTED_PROXY_COUNT"] == "1"
    caddyfile = (BASE / "deploy" / "Caddyfile").read_text(encoding="utf-8")
    assert "reverse_proxy web:8000" in caddyfile
    for name in ("GUNICORN_WORKERS", "GUNICORN_TIMEOUT"):
        assert name in services["web"]["environment"]
        assert name in (BASE / "Dockerfile").read_text(encoding="utf-8")
