"""Steps of `make bench` measured in a process of their own, so that their peak memory
(ru_maxrss) is theirs alone (see run.py): the report and the research export."""

import json
import subprocess
import sys
from pathlib import Path

from django.conf import settings


def bench_report(results):
    """PDF + XLSX at national scale, in a process of its own so that its peak memory
    (ru_maxrss) is the report's alone; tracemalloc would slow it several times."""
    output = (
        subprocess.run(
            [sys.executable, str(Path(__file__).with_name("report.py"))],
            cwd=settings.BASE_DIR,
            capture_output=True,
            text=True,
            timeout=1800,
            check=True,
        )
        .stdout.strip()
        .splitlines()[-1]
    )
    figures = json.loads(output)
    figures["target_met"] = figures["seconds"] <= 15 and figures["peak_mb"] <= 400
    results["report"] = figures


def bench_research(results):
    """The research export at national scale, in a process of its own (peak memory)."""
    output = (
        subprocess.run(
            [sys.executable, str(Path(__file__).with_name("research.py"))],
            cwd=settings.BASE_DIR,
            capture_output=True,
            text=True,
            timeout=1800,
            check=True,
        )
        .stdout.strip()
        .splitlines()[-1]
    )
    figures = json.loads(output)
    figures["target_met"] = figures["seconds"] < 30 and figures["peak_mb"] <= 400
    results["research"] = figures
