"""gunicorn.conf.py: what each worker does once it has loaded the application."""

import gc
import runpy
from pathlib import Path

from django.conf import settings


def test_a_worker_freezes_what_is_alive_after_loading_the_application():
    hooks = runpy.run_path(str(Path(settings.BASE_DIR) / "gunicorn.conf.py"))
    gc.unfreeze()
    try:
        hooks["post_worker_init"](worker=None)
        # The views were imported and everything alive then is out of the collector's walks.
        assert gc.get_freeze_count() > 10_000
    finally:
        gc.unfreeze()
