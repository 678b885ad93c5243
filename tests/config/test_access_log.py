"""No personal data nor single-use token in access logs (gunicorn and Django's loggers)."""

import logging
import os
import subprocess
import sys
from types import SimpleNamespace

import pytest
from django.conf import settings
from gunicorn.config import Config

from config.access_log import MaskingFilter, MaskingGunicornLogger, mask


def test_query_strings_and_tokens_are_masked():
    assert mask("GET /espace/entreprises/?q=12345678901234 HTTP/1.1") == (
        "GET /espace/entreprises/ HTTP/1.1"
    )
    assert mask("/invitation/AbC-123_xyz/") == "/invitation/[masqué]/"
    assert mask("/compte/password/reset/key/4-c2f9-abc/") == "/compte/password/reset/key/[masqué]/"
    assert mask("/compte/password/reset/key/done/") == "/compte/password/reset/key/done/"
    assert mask("/compte/confirm-email/MTA:1t2:abc/") == "/compte/confirm-email/[masqué]/"


def test_the_logging_filter_rewrites_django_request_records():
    record = logging.LogRecord(
        "django.request", logging.WARNING, __file__, 1, "Not Found: %s", ("/invitation/x1/",), None
    )
    assert MaskingFilter().filter(record) is True
    assert record.getMessage() == "Not Found: /invitation/[masqué]/"


def test_gunicorn_access_line_has_no_query_nor_token(tmp_path):
    cfg = Config()
    cfg.set("accesslog", str(tmp_path / "access.log"))
    cfg.set("access_log_format", '%(h)s "%(r)s" %(U)s %(q)s %(s)s')
    logger = MaskingGunicornLogger(cfg)
    environ = {
        "REQUEST_METHOD": "GET",
        "RAW_URI": "/invitation/s3cr3t/?email=jeanne@example.fr",
        "PATH_INFO": "/invitation/s3cr3t/",
        "QUERY_STRING": "email=jeanne@example.fr",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "REMOTE_ADDR": "10.0.0.2",
    }
    response = SimpleNamespace(status="200 OK", sent=10, headers=[], status_code=200)
    request = SimpleNamespace(headers=[])
    logger.access(response, request, environ, SimpleNamespace(seconds=0, microseconds=1000))
    for handler in logger.access_log.handlers:
        handler.flush()
    line = (tmp_path / "access.log").read_text()
    assert "/invitation/[masqué]/" in line
    assert "s3cr3t" not in line and "jeanne" not in line


@pytest.mark.parametrize("debug", ["true", "false"])
def test_djangos_own_loggers_go_through_the_mask(debug):
    code = (
        "import django, logging; django.setup(); "
        "logging.getLogger('django.request').warning('Not Found: %s', '/invitation/s3cr3t/'); "
        "logging.getLogger('django.server').info('\"GET /entreprises/?q=jeanne HTTP/1.1\" 200')"
    )
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "DEBUG": debug,
        "SECRET_KEY": "x" * 50,
        "ALLOWED_HOSTS": "localhost",
    }
    result = subprocess.run(
        [sys.executable, "-c", code],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert "Not Found: /invitation/[masqué]/" in result.stderr, result.stderr
    assert '"GET /entreprises/ HTTP/1.1" 200' in result.stderr
    assert "s3cr3t" not in result.stderr and "jeanne" not in result.stderr
