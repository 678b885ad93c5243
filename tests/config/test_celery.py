"""The embedded broker works for a real worker in another process."""

import os

from ..workers import read_until, start_worker, stop


def test_a_worker_starts_on_the_filesystem_broker(tmp_path):
    env = {**os.environ, "DEBUG": "true", "VAR_DIR": str(tmp_path), "REDIS_URL": ""}
    env.pop("DATABASE_URL", None)
    worker = start_worker(env, "--without-heartbeat")
    try:
        read_until(worker, " ready.")
        assert (tmp_path / "celery" / "queue").is_dir()
    finally:
        stop(worker)
