"""SQL queries per page on the database in DATABASE_URL, as JSON (see run.py): run once on
the national data set and once on the small demo one, the counts must be the same."""

import json
import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
os.environ.setdefault("SECRET_KEY", "benchmark-only-secret-key")
os.environ.setdefault("ALLOWED_HOSTS", "127.0.0.1,localhost,testserver")

import django

django.setup()

from django.core.management import call_command  # noqa: E402
from pages import conseiller_user, count_queries, pages, staff_user  # noqa: E402

from enterprises.models import Enterprise  # noqa: E402

call_command("migrate", verbosity=0)
if not Enterprise.objects.exists():
    call_command("seed_demo", verbosity=0)
staff, conseiller = staff_user(), conseiller_user()
print(
    json.dumps({name: count_queries(path, user) for name, path, user in pages(staff, conseiller)})
)
