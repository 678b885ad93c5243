"""What `make run` (DEBUG on) shows and sends: « Page introuvable », links to its own port."""

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from ..factories import text

ROOT = Path(__file__).resolve().parents[2]
FRIENDLY = "config.middleware.FriendlyNotFoundMiddleware"


def settings_under(**env):
    """Settings values as a fresh process computes them with this environment."""
    code = (
        "import django, json; django.setup(); from django.conf import settings as s; "
        "print(json.dumps([s.DEBUG, s.SITE_URL, 'config.middleware.FriendlyNotFoundMiddleware' "
        "in s.MIDDLEWARE]))"
    )
    environ = {k: v for k, v in os.environ.items() if k not in {"DEBUG", "SITE_URL", "DEBUG_404"}}
    environ.update(env, DJANGO_SETTINGS_MODULE="config.settings")
    out = subprocess.run(
        [sys.executable, "-c", code], env=environ, cwd=ROOT, capture_output=True, text=True
    )
    assert out.returncode == 0, out.stderr
    return out.stdout.strip()


def test_the_dev_server_answers_a_missing_page_in_french(client, settings, alice):
    assert settings_under(DEBUG="true").endswith("true]")
    assert settings_under(DEBUG="true", DEBUG_404="true").endswith("false]")
    settings.DEBUG = True
    settings.MIDDLEWARE = [*settings.MIDDLEWARE, FRIENDLY]
    client.force_login(alice)
    for url in ["/cette-page-n-existe-pas/", "/entreprises/999999/"]:
        response = client.get(url)
        page = text(response)
        assert response.status_code == 404
        assert "Page introuvable" in page and "Using the URLconf" not in page


def test_run_dev_gives_email_links_the_served_host_and_port():
    script = (ROOT / "scripts" / "run-dev.sh").read_text()
    assert re.search(r'export SITE_URL="\$\{SITE_URL:-http://\$host:\$port\}"', script)
    assert script.index("export SITE_URL") < script.index("celery -A config worker")
    assert '"http://127.0.0.1:8123"' in settings_under(
        DEBUG="true", SITE_URL="http://127.0.0.1:8123"
    )


pytestmark = pytest.mark.django_db
