"""Starting a real Celery worker for a test, and reading its output until something happens."""

import selectors
import subprocess
import sys
import time

from django.conf import settings


def worker_env(tmp_path, database_url):
    """The environment of a worker that shares the test database, Redis and media files."""
    import os

    return {
        **os.environ,
        "DEBUG": "false",
        "DATABASE_URL": database_url,
        "REDIS_URL": settings.REDIS_URL,
        "VAR_DIR": str(tmp_path),
        "MEDIA_ROOT": str(settings.MEDIA_ROOT),
        "CELERY_TASK_ALWAYS_EAGER": "false",
        "EMAIL_HOST": "",
    }


def start_worker(env, *options):
    return subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "config",
            "worker",
            "--loglevel=INFO",
            "--concurrency=1",
            "--without-mingle",
            "--without-gossip",
            *options,
        ],
        cwd=settings.BASE_DIR,
        # A real worker never runs its tasks eagerly (the test process does, by default).
        env={**env, "CELERY_TASK_ALWAYS_EAGER": "false"},
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )


def read_until(process, needle, timeout=60):
    """Read the worker's output until a line contains `needle`; return the lines read."""
    selector = selectors.DefaultSelector()
    selector.register(process.stdout, selectors.EVENT_READ)
    lines, deadline = [], time.monotonic() + timeout
    while time.monotonic() < deadline and process.poll() is None:
        if selector.select(timeout=1):
            line = process.stdout.readline()
            lines.append(line)
            if needle in line:
                return lines
    raise AssertionError(f"« {needle} » not seen in the worker's output:\n" + "".join(lines))


def stop(process):
    process.terminate()
    process.wait(timeout=30)
