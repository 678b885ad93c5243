"""The Celery application: broker from REDIS_URL, or the embedded filesystem broker."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

app = Celery("parcours_tpe")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()

FILESYSTEM_FOLDERS = ("data_folder_in", "data_folder_out", "processed_folder", "control_folder")


def broker_folders(celery_app=app):
    """The folders of the filesystem broker (none when another broker is used)."""
    if not str(celery_app.conf.broker_url).startswith("filesystem://"):
        return []
    options = celery_app.conf.broker_transport_options or {}
    return sorted({options[key] for key in FILESYSTEM_FOLDERS if options.get(key)})


@app.on_after_configure.connect
def _create_broker_folders(sender, **kwargs):
    # Kombu's filesystem transport fails on a missing folder: create them up front,
    # for the worker and for any process that sends a task.
    for folder in broker_folders(sender):
        os.makedirs(folder, exist_ok=True)
