"""`make bench`: pages, queries, imports, repérage and report at national scale.

Every time is given as a ratio to a floor measured in the same run, so that the figures
mean the same on any machine. Prints a table and writes JSON to $BENCH_OUT."""

import csv
import io
import json
import os
import random
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import tracemalloc
import urllib.request
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
os.environ.setdefault("SECRET_KEY", "benchmark-only-secret-key")
os.environ.setdefault("ALLOWED_HOSTS", "127.0.0.1,localhost,testserver")
# A database of its own, so that the national data set never mixes with real data.
os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/parcours_bench")


def create_database(url):
    """Create the benchmark's PostgreSQL database when it does not exist yet."""
    import dj_database_url
    import psycopg
    from psycopg import sql

    config = dj_database_url.parse(url)
    if not config["ENGINE"].endswith("postgresql"):
        return
    params = {
        "host": config["HOST"] or None,
        "port": config["PORT"] or None,
        "user": config["USER"] or None,
        "password": config["PASSWORD"] or None,
    }
    with psycopg.connect(dbname="postgres", autocommit=True, **params) as admin:
        exists = admin.execute(
            "SELECT 1 FROM pg_database WHERE datname = %s", [config["NAME"]]
        ).fetchone()
        if not exists:
            print(f"… création de la base {config['NAME']}", flush=True)
            admin.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(config["NAME"])))


create_database(os.environ["DATABASE_URL"])

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY  # noqa: E402
from django.contrib.sessions.backends.db import SessionStore  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from enterprises.demo import demo_siret, write_sirene_extract  # noqa: E402
from enterprises.imports import apply_import, prepare_import  # noqa: E402
from enterprises.models import Enterprise  # noqa: E402
from enterprises.sirene import import_sirene  # noqa: E402
from partners.models import User  # noqa: E402

OUT = Path(os.environ.get("BENCH_OUT", settings.VAR_DIR / "bench.json"))
PORT = int(os.environ.get("BENCH_PORT", "8765"))
CLIENTS, REQUESTS = 4, int(os.environ.get("BENCH_REQUESTS", "40"))


def session_for(user):
    store = SessionStore()
    store[SESSION_KEY] = str(user.pk)
    store[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    store[HASH_SESSION_KEY] = user.get_session_auth_hash()
    store.save()
    return store.session_key


def staff_user():
    from allauth.mfa.models import Authenticator
    from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret

    user = User.objects.filter(is_staff=True, is_active=True).order_by("pk").first()
    if not Authenticator.objects.filter(user=user, type="totp").exists():
        TOTP.activate(user, generate_totp_secret())
    return user


def timed_requests(path, cookie):
    durations, lock = [], threading.Lock()

    def worker(count):
        for _ in range(count):
            request = urllib.request.Request(
                f"http://127.0.0.1:{PORT}{path}", headers={"Cookie": f"sessionid={cookie}"}
            )
            start = time.perf_counter()
            with urllib.request.urlopen(request, timeout=120) as response:
                response.read()
                assert response.status == 200, (path, response.status)
            with lock:
                durations.append(time.perf_counter() - start)

    threads = [threading.Thread(target=worker, args=(REQUESTS // CLIENTS,)) for _ in range(CLIENTS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    durations.sort()
    return statistics.median(durations), durations[int(len(durations) * 0.95) - 1]


def count_queries(path, user):
    client = Client()
    client.force_login(user)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(path)
    assert response.status_code == 200, (path, response.status_code)
    return len(queries)


def bench_pages(results):
    staff = staff_user()
    conseiller = (
        User.objects.filter(email__endswith="@national.test").order_by("pk").first() or staff
    )
    enterprise = Enterprise.objects.visible_to(conseiller).order_by("pk").first()
    pages = [
        ("liste des entreprises", "/entreprises/", conseiller),
        ("fiche entreprise", f"/entreprises/{enterprise.pk}/", conseiller),
        ("boîte des partenaires", "/espace/orientations/", conseiller),
        ("mes statistiques", "/statistiques/", conseiller),
        ("pilotage", "/pilotage/", staff),
        ("admin : entreprises", "/admin/enterprises/enterprise/", staff),
        ("admin : activités", "/admin/enterprises/activity/", staff),
    ]
    env = {**os.environ, "DEBUG": "false"}
    # Production settings serve static files from the manifest: build it as a deploy does.
    from django.core.management import call_command

    call_command("collectstatic", "--no-input", verbosity=0)
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "config.wsgi:application",
            "-w",
            "2",
            "-b",
            f"127.0.0.1:{PORT}",
            "--log-level",
            "info",
        ],
        cwd=settings.BASE_DIR,
        env=env,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        # Ready when both workers said they booted (gunicorn logs it on stderr).
        booted = 0
        while booted < 2:
            line = server.stderr.readline()
            if not line:
                raise RuntimeError("gunicorn s'est arrêté au démarrage")
            booted += "Booting worker" in line
        threading.Thread(target=server.stderr.read, daemon=True).start()  # keep the pipe drained
        for _ in range(2 * CLIENTS):  # warm both workers up (lazy imports, connections)
            urllib.request.urlopen(f"http://127.0.0.1:{PORT}/healthz", timeout=30).read()
        cookies = {u.pk: session_for(u) for u in {staff, conseiller}}
        p50_floor, p95_floor = timed_requests("/ping", cookies[conseiller.pk])
        results["pages"] = {
            "trivial": {"p50_ms": round(p50_floor * 1000, 1), "p95_ms": round(p95_floor * 1000, 1)}
        }
        for name, path, user in pages:
            p50, p95 = timed_requests(path, cookies[user.pk])
            results["pages"][name] = {
                "p50_ms": round(p50 * 1000, 1),
                "p95_ms": round(p95 * 1000, 1),
                "p95_ratio": round(p95 / p95_floor, 1),
                "queries": count_queries(path, user),
                "target_met": p95 / p95_floor <= 5,
            }
    finally:
        server.terminate()
        server.wait(timeout=30)


def bench_import(results, rows=10_000):
    rng = random.Random(9)
    header = "SIRET;Raison sociale;Code NAF;Code postal;Commune;Latitude;Longitude;Effectif"
    sirets = set()
    lines = [header]
    while len(sirets) < rows:
        sirets.add(demo_siret(rng))
    for i, siret in enumerate(sorted(sirets)):
        lines.append(f"{siret};BENCH {i};47.11B;34080;Montpellier;43,63{i % 9};3,82{i % 7};{i % 9}")
    content = ("\n".join(lines) + "\n").encode()
    start = time.perf_counter()
    prepared = prepare_import(content, "bench.csv")
    apply_import(prepared)
    imported = time.perf_counter() - start
    Enterprise.objects.filter(siret__in=sirets).delete()
    objects = [
        Enterprise(siret=s, name=f"BENCH {i}", source="import")
        for i, s in enumerate(sorted(sirets))
    ]
    start = time.perf_counter()
    Enterprise.objects.bulk_create(objects, batch_size=5000)
    bare = time.perf_counter() - start
    Enterprise.objects.filter(siret__in=sirets).delete()
    results["import"] = {
        "rows": rows,
        "seconds": round(imported, 2),
        "bare_bulk_create_s": round(bare, 2),
        "ratio": round(imported / bare, 1),
        "target_met": imported / bare <= 3,
    }


def peak(function):
    tracemalloc.start()
    start = time.perf_counter()
    function()
    elapsed = time.perf_counter() - start
    _current, top = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return elapsed, top


def bare_read(path):
    """The floor: reading the same file with the csv module and nothing else."""
    with open(path, encoding="utf-8", newline="") as handle:
        return sum(1 for _ in csv.DictReader(handle))


def bench_sirene(results):
    folder = Path(tempfile.mkdtemp())
    sizes = {}
    for rows in (10_000, 100_000):
        path = folder / f"sirene-{rows}.csv"
        write_sirene_extract(path, rows, seed=rows)
        elapsed, top = peak(lambda p=path: import_sirene(p, dry_run=True))
        bare, _ = peak(lambda p=path: bare_read(p))
        sizes[rows] = {
            "seconds": round(elapsed, 2),
            "peak_mb": round(top / 1e6, 1),
            "bare_read_s": round(bare, 2),
            "ratio": round(elapsed / bare, 1),
        }
    memory_ratio = sizes[100_000]["peak_mb"] / max(sizes[10_000]["peak_mb"], 0.1)
    results["sirene"] = {
        **{str(k): v for k, v in sizes.items()},
        "memory_ratio_100k_10k": round(memory_ratio, 2),
        "target_met": sizes[100_000]["ratio"] <= 5 and memory_ratio <= 1.2,
    }


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


def main():
    if connection.vendor != "postgresql":
        sys.exit(
            "Les mesures se font sur PostgreSQL : DATABASE_URL=postgres://… make bench "
            "(voir README, « Performance »)."
        )
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    if Enterprise.objects.count() < 10_000:
        print("… seed_demo --scale national (quelques minutes, une seule fois)", flush=True)
        call_command("seed_demo", scale="national")
    results = {
        "machine": {"cores": os.cpu_count(), "python": sys.version.split()[0]},
        "data": {"enterprises": Enterprise.objects.count()},
    }
    OUT.parent.mkdir(parents=True, exist_ok=True)
    steps = {
        "pages": bench_pages,
        "import": bench_import,
        "sirene": bench_sirene,
        "report": bench_report,
    }
    chosen = os.environ.get("BENCH_STEPS", ",".join(steps)).split(",")
    if OUT.exists():  # keep the figures of the steps not run this time
        results = {**json.loads(OUT.read_text(encoding="utf-8")), **results}
    for step in (steps[name] for name in chosen):
        print(f"… {step.__name__}", flush=True)
        step(results)
        # Written after each step: a run stopped half-way still leaves its figures.
        OUT.write_text(
            json.dumps(results, indent=2, ensure_ascii=False, default=str), encoding="utf-8"
        )
    buffer = io.StringIO()
    for section, values in results.items():
        buffer.write(f"\n{section}\n")
        for key, value in values.items():
            buffer.write(f"  {key}: {value}\n")
    print(buffer.getvalue())
    print(f"JSON : {OUT}")


if __name__ == "__main__":
    main()
