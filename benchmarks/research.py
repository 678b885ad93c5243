"""The research export (`manage.py export_research`) at national scale, in its own process
so that its peak memory (ru_maxrss) is the export's alone (see run.py)."""

import datetime
import json
import os
import resource
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
os.environ.setdefault("SECRET_KEY", "benchmark-only-secret-key")
os.environ.setdefault("ALLOWED_HOSTS", "127.0.0.1,localhost,testserver")

import django

django.setup()

from django.db import connection  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from grant.models import Study  # noqa: E402
from grant.research.export import build_dataset  # noqa: E402

study, _ = Study.objects.get_or_create(name="Mesure de performance")
with tempfile.TemporaryDirectory() as directory:
    start = time.perf_counter()
    with CaptureQueriesContext(connection) as queries:
        build_dataset(study, datetime.date(2022, 10, 4), datetime.date.today(), directory)
    seconds = time.perf_counter() - start
    size = sum(f.stat().st_size for f in Path(directory).iterdir())
print(
    json.dumps(
        {
            "seconds": round(seconds, 1),
            "peak_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
            "queries": len(queries),
            "files_mb": round(size / 1e6, 1),
        }
    )
)
