"""In CI the suite runs on the real services the Métropole runs in production."""

import os

import pytest
from django.conf import settings
from django.db import connection


@pytest.mark.skipif(not os.environ.get("CI"), reason="vérifie la configuration de la CI")
def test_ci_runs_on_postgresql_and_redis():
    assert connection.vendor == "postgresql", "CI doit tourner sur PostgreSQL (DATABASE_URL)"
    assert settings.REDIS_URL, "CI doit définir REDIS_URL"
    assert settings.CELERY_BROKER_URL.startswith("redis://")


@pytest.mark.postgres
@pytest.mark.django_db
def test_postgresql_is_reachable():
    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        assert int(cursor.fetchone()[0].split(".")[0]) >= 13
