"""Gunicorn settings, read by `gunicorn` from the working directory (Dockerfile, docker-compose).

Every value can be overridden by the environment (GUNICORN_WORKERS, GUNICORN_TIMEOUT…).
Long work (imports, big exports, reports) runs in Celery, so a request never needs more
than the time-out: a request past it is a bug to fix, not a limit to raise.
"""

import os

bind = os.environ.get("GUNICORN_BIND", "0.0.0.0:8000")
workers = int(os.environ.get("GUNICORN_WORKERS", "3"))
threads = int(os.environ.get("GUNICORN_THREADS", "1"))
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "60"))
graceful_timeout = int(os.environ.get("GUNICORN_GRACEFUL_TIMEOUT", "30"))
keepalive = 5
# Recycle workers now and then (memory held by big pages goes back to the system).
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS", "1000"))
max_requests_jitter = 100
accesslog = "-"
errorlog = "-"
# The path without its query string (%(U)s), tokens masked by the logger class.
access_log_format = '%(h)s %(t)s "%(m)s %(U)s %(H)s" %(s)s %(b)s %(M)sms'
logger_class = "config.access_log.MaskingGunicornLogger"


def post_worker_init(worker):
    """Once a worker has loaded the application: import every view through the URLconf,
    then move everything alive to the permanent generation (`gc.freeze()`, as Instagram
    does for its Django workers). About 210 000 objects are alive after start; without this,
    a full collection walked them all, 100–230 ms, once every 20 to 100 requests: that pause
    was the p95 of light pages (decision 012). A request's own objects are still collected
    as before."""
    import gc

    from django.urls import get_resolver

    get_resolver().url_patterns  # noqa: B018 — imports the views and what they import
    gc.collect()
    gc.freeze()
