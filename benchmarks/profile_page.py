"""Profile one page in process on the benchmark's database (cProfile, standard library):

    .venv/bin/python benchmarks/profile_page.py "liste des entreprises" [rounds]

The page is named as in pages.py; prints where the time goes, then the SQL it ran."""

import cProfile
import os
import pstats
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
os.environ.setdefault("SECRET_KEY", "benchmark-only-secret-key")
os.environ.setdefault("ALLOWED_HOSTS", "127.0.0.1,localhost,testserver")
os.environ.setdefault("SECURE_SSL_REDIRECT", "false")
os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/parcours_bench")

import django

django.setup()

from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from pages import conseiller_user, pages, staff_user, with_second_factor  # noqa: E402


def main():
    wanted, rounds = sys.argv[1], int(sys.argv[2]) if len(sys.argv) > 2 else 20
    measured = {name: (path, user) for name, path, user in pages(staff_user(), conseiller_user())}
    path, user = measured[wanted]
    client = Client()
    client.force_login(user)
    session = client.session
    with_second_factor(session, user)
    session.save()
    client.get(path)
    start = time.perf_counter()
    profile = cProfile.Profile()
    profile.enable()
    for _ in range(rounds):
        client.get(path)
    profile.disable()
    print(f"{path}: {(time.perf_counter() - start) / rounds * 1000:.1f} ms a request (profiled)")
    pstats.Stats(profile).sort_stats("cumulative").print_stats(45)
    with CaptureQueriesContext(connection) as queries:
        client.get(path)
    for query in queries:
        print(f"{query['time']} s  {query['sql'][:300]}")


if __name__ == "__main__":
    main()
