"""One report at national scale, measured in its own process (see run.py)."""

import json
import os
import resource
import sys
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

from grant.models import Convention, Report  # noqa: E402
from grant.reports import build  # noqa: E402

convention = Convention.objects.exclude(signed_on=None).order_by("pk").first()
report = Report.objects.create(
    convention=convention,
    kind="annuel",
    start=convention.signed_on,
    end=convention.ends_on,
    status="running",
)
start = time.perf_counter()
with CaptureQueriesContext(connection) as queries:
    build(report)
print(
    json.dumps(
        {
            "seconds": round(time.perf_counter() - start, 1),
            "peak_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
            "queries": len(queries),
            "pdf_kb": round(report.pdf.size / 1024),
            "xlsx_kb": round(report.xlsx.size / 1024),
        }
    )
)
