import os
import subprocess
import sys

import pytest
from django.conf import settings

pytestmark = pytest.mark.django_db

PRODUCTION_ENV = {
    "DEBUG": "false",
    "SECRET_KEY": "k3y-" + "x9!Qz7@Lm2#Rt5$Wp8%Vb4^Nc6&Hd1*Js0(Fg3)" * 2,
    "ALLOWED_HOSTS": "parcours-tpe.example.fr",
    "SITE_URL": "https://parcours-tpe.example.fr",
    "SECURE_SSL_REDIRECT": "true",
    "SECURE_HSTS_SECONDS": "31536000",
    "ALLAUTH_TRUSTED_PROXY_COUNT": "1",
}


def test_check_deploy_is_clean_with_production_settings():
    env = {
        k: v
        for k, v in os.environ.items()
        if k != "DJANGO_ALLOW_ASYNC_UNSAFE" and not k.startswith("SECURE_")
    }
    env.update(PRODUCTION_ENV)
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


def test_content_security_policy_forbids_inline_code(client):
    policy = client.get("/compte/login/")["Content-Security-Policy"]
    for directive in (
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "object-src 'none'",
        "base-uri 'none'",
        "frame-ancestors 'none'",
    ):
        assert directive in policy


def test_pages_for_logged_in_people_are_never_cached(client, alice):
    client.force_login(alice)
    response = client.get("/espace/")
    assert "no-store" in response["Cache-Control"] and "private" in response["Cache-Control"]


def test_no_inline_script_or_style_in_our_templates():
    offenders = []
    for path in (settings.BASE_DIR / "templates").rglob("*.html"):
        if "emails" in path.parts:
            continue  # e-mail clients need inline styles; no CSP applies there
        content = path.read_text(encoding="utf-8")
        if (
            "<script>" in content
            or "<style" in content
            or " style=" in content
            or "onclick=" in content
        ):
            offenders.append(str(path.relative_to(settings.BASE_DIR)))
    assert offenders == []
