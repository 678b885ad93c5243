"""The embedded broker works for a real worker in another process."""

import os
import selectors
import subprocess
import sys
import time

from django.conf import settings


def test_a_worker_starts_on_the_filesystem_broker(tmp_path):
    env = {**os.environ, "DEBUG": "true", "VAR_DIR": str(tmp_path), "REDIS_URL": ""}
    env.pop("DATABASE_URL", None)
    worker = subprocess.Popen(
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
            "--without-heartbeat",
        ],
        cwd=settings.BASE_DIR,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    output = []
    try:
        selector = selectors.DefaultSelector()
        selector.register(worker.stdout, selectors.EVENT_READ)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and worker.poll() is None:
            if selector.select(timeout=1):
                line = worker.stdout.readline()
                output.append(line)
                if " ready." in line:
                    break
        assert any(" ready." in line for line in output), "".join(output)
        assert (tmp_path / "celery" / "queue").is_dir()
    finally:
        worker.terminate()
        worker.wait(timeout=30)
