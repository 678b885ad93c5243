import pytest
from django.conf import settings

from config.celery import app as celery_app

pytestmark = pytest.mark.django_db


def test_healthz_is_public_and_checks_database_and_broker(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "checks": {"database": "ok", "broker": "ok"}}


def test_healthz_answers_503_when_the_broker_is_down(client, monkeypatch):
    # A broker URL where nothing listens: the check must say so, without details.
    monkeypatch.setattr(celery_app.conf, "broker_url", "redis://127.0.0.1:1/0")
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["checks"] == {"database": "ok", "broker": "error"}
    assert "127.0.0.1" not in response.content.decode()


@pytest.mark.redis
def test_the_broker_is_redis_when_redis_url_is_set(client):
    assert settings.CELERY_BROKER_URL == settings.REDIS_URL
    assert client.get("/healthz").json()["checks"]["broker"] == "ok"


@pytest.mark.redis
def test_the_cache_is_redis_when_redis_url_is_set():
    from django.core.cache import cache

    assert "RedisCache" in settings.CACHES["default"]["BACKEND"]
    cache.set("healthz-probe", "présent", 30)
    assert cache.get("healthz-probe") == "présent"
    cache.delete("healthz-probe")
