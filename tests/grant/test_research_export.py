"""The research export on the demo data: nothing personal in the files, pseudonyms per
study, suppressed small counts that cannot be recomputed, a manifest that matches."""

import csv
import datetime
import hashlib
import io
import json
import os
import zipfile

import pytest
from django.core.management import call_command
from django.urls import reverse

from common.suppression import SUPPRESSED
from enterprises.models import Activity, Contact, Enterprise
from grant.enums import ResearchEventKind, ResearchJobStatus
from grant.models import ResearchExportEvent, ResearchJob, Study
from grant.research.export import build_dataset, pseudonym
from partners.models import Organisation, User

pytestmark = pytest.mark.django_db

START, END = datetime.date(2022, 10, 4), datetime.date.today()


@pytest.fixture
def demo(db):
    with open(os.devnull, "w") as quiet:
        call_command("seed_demo", verbosity=0, stdout=quiet)


def read(directory, name):
    with open(directory / name, encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def personal_values():
    """Every name, e-mail, phone, SIRET and address of the demo (and free text)."""
    values = set()
    for e in Enterprise.objects.all():
        values |= {e.siret, e.siret[:9], e.name, e.trade_name, e.address}
    for c in Contact.objects.all():
        values |= {c.first_name, c.last_name, c.email, c.phone, c.pix_external_id}
    for u in User.objects.all():
        values |= {u.email, u.first_name, u.last_name}
    for o in Organisation.objects.all():
        values |= {o.name, o.email}
    for a in Activity.objects.exclude(notes=""):
        values.add(a.notes)
    return {v for v in values if v and len(v) >= 4}


def test_the_files_hold_no_personal_value(demo, tmp_path):
    study = Study.objects.create(name="MRE")
    build_dataset(study, START, END, tmp_path)
    assert Enterprise.objects.count() >= 40
    text = "\n".join(p.read_text(encoding="utf-8") for p in sorted(tmp_path.iterdir()))
    leaks = sorted(v for v in personal_values() if v in text)
    assert leaks == []
    assert study.key not in text
    rows = read(tmp_path, "entreprises.csv")
    assert len(rows) == Enterprise.objects.count()
    assert {len(r["entreprise"]) for r in rows} == {64}


def test_pseudonyms_are_stable_per_study_and_differ_between_studies(demo, tmp_path):
    mre, citus = Study.objects.create(name="MRE"), Study.objects.create(name="Cit'Us")
    build_dataset(mre, START, END, tmp_path / "a")
    build_dataset(mre, START, END, tmp_path / "b")
    build_dataset(citus, START, END, tmp_path / "c")
    first = {r["entreprise"] for r in read(tmp_path / "a", "entreprises.csv")}
    again = {r["entreprise"] for r in read(tmp_path / "b", "entreprises.csv")}
    other = {r["entreprise"] for r in read(tmp_path / "c", "entreprises.csv")}
    assert first == again
    assert first.isdisjoint(other)
    enterprise = Enterprise.objects.first()
    assert pseudonym(mre.key, enterprise.pk) in first
    mre.rotate_key()
    build_dataset(mre, START, END, tmp_path / "d")
    assert first.isdisjoint({r["entreprise"] for r in read(tmp_path / "d", "entreprises.csv")})
    kinds = list(ResearchExportEvent.objects.values_list("kind", flat=True))
    assert kinds.count(ResearchEventKind.EXPORT) == 4
    assert kinds.count(ResearchEventKind.ROTATION) == 1


def test_small_counts_are_suppressed_and_cannot_be_recomputed(demo, tmp_path):
    build_dataset(Study.objects.create(name="MRE"), START, END, tmp_path)
    rows = read(tmp_path, "agregats.csv")
    by_dimension = {}
    for row in rows:
        by_dimension.setdefault(row["dimension"], []).append(row)
    for dimension, table in by_dimension.items():
        cells = [r for r in table if r["valeur"] != "TOTAL"]
        for row in cells:
            if row["entreprises"] != SUPPRESSED:
                assert int(row["entreprises"]) >= 5, row
            else:
                assert row["activites"] == row["heures"] == SUPPRESSED
        hidden = [r for r in cells if r["entreprises"] == SUPPRESSED]
        # With a total shown, one hidden cell alone would be total − the others.
        assert len(hidden) != 1, dimension
    # The demo's 40 enterprises spread over 12 QPVs: the QPV table hides small cells.
    assert any(r["entreprises"] == SUPPRESSED for r in by_dimension["qpv"])
    for row in read(tmp_path, "evaluation_avant_apres.csv"):
        assert row["paires"] == "< 5" or int(row["paires"]) >= 5


def test_the_manifest_and_the_dictionary(demo, tmp_path):
    checksums = build_dataset(Study.objects.create(name="MRE"), START, END, tmp_path)
    manifest = json.loads((tmp_path / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["etude"] == "MRE"
    assert manifest["periode"] == {"du": START.isoformat(), "au": END.isoformat()}
    for name, digest in manifest["sha256"].items():
        assert hashlib.sha256((tmp_path / name).read_bytes()).hexdigest() == digest
    assert manifest["sha256"] == checksums
    readme = (tmp_path / "LISEZMOI.txt").read_text(encoding="utf-8")
    for name in checksums:
        if name.endswith(".csv"):
            header = (tmp_path / name).read_text(encoding="utf-8").splitlines()[0]
            for column in header.split(","):
                assert f"  {column} : " in readme, (name, column)
    event = ResearchExportEvent.objects.get()
    assert event.checksums == checksums and event.start == START


def test_the_command(demo, tmp_path, capsys):
    call_command("export_research", "--study", "MRE", "--output", str(tmp_path))
    assert (tmp_path / "manifest.json").exists()
    assert "Export écrit" in capsys.readouterr().out


def test_staff_ask_for_an_export_and_download_it(
    demo, client, staff, django_capture_on_commit_callbacks
):
    client.force_login(staff)
    page = client.get(reverse("grant:research"))
    assert "Demander un export" in page.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("grant:research"),
            {"new_study": "Chaire Cit'Us", "start": "04/10/2022", "end": END.strftime("%d/%m/%Y")},
        )
    job = ResearchJob.objects.get()
    assert response.status_code == 302 and job.status == ResearchJobStatus.DONE
    download = client.get(reverse("grant:research_file", args=[job.pk]))
    archive = zipfile.ZipFile(io.BytesIO(b"".join(download.streaming_content)))
    assert "LISEZMOI.txt" in archive.namelist() and "manifest.json" in archive.namelist()
    assert download["Content-Type"] == "application/zip"


def test_the_form_refuses_a_future_end_in_french(client, staff):
    client.force_login(staff)
    future = (datetime.date.today() + datetime.timedelta(days=3)).strftime("%d/%m/%Y")
    response = client.post(
        reverse("grant:research"), {"new_study": "MRE", "start": "04/10/2022", "end": future}
    )
    assert "ne peut pas finir dans le futur" in response.content.decode()
    assert not ResearchJob.objects.exists()


def test_others_get_404(client, alice):
    client.force_login(alice)
    assert client.get(reverse("grant:research")).status_code == 404
