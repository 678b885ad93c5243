import re
import shutil
from decimal import Decimal

import pytest
from django.core.management import CommandError, call_command

from grant.models import Convention
from partners.models import Organisation
from programme.models import Action, NafCode, Place, Programme, Qpv, Term
from programme.reference import REFERENCE_DIR

pytestmark = pytest.mark.django_db

MODELS = [Organisation, Qpv, NafCode, Term, Programme, Action, Place, Convention]


def counts():
    return {model.__name__: model.objects.count() for model in MODELS}


def load(**kwargs):
    call_command("load_reference_data", verbosity=0, **kwargs)


def test_loads_what_the_deliberation_and_the_files_say():
    load()
    assert Qpv.objects.filter(generation=2015).count() == 12
    assert Qpv.objects.filter(generation=2024).count() == 10
    assert Qpv.objects.filter(generation=2024).exclude(code="").count() == 0
    assert Qpv.objects.filter(generation=2015, polygon__isnull=True).count() == 0
    assert Organisation.objects.count() == 27
    assert NafCode.objects.count() == 732
    assert Action.objects.count() == 5
    assert Term.objects.filter(family="thematique").count() == 19
    assert Term.objects.get(family="thematique_tpe", code="site_internet").parent.label == (
        "Accompagner un professionnel"
    )
    axents = Action.objects.get(code="animation-numerique-axents")
    assert axents.lead.name == "Axents"
    convention = Convention.objects.get()
    assert convention.max_amount == Decimal("40000.00")
    assert convention.deliberation_number == "M2022-397"
    assert (convention.vote_for, convention.vote_against, convention.vote_abstention) == (81, 0, 0)
    assert convention.prefecture_act_id == "034-243400017-20221004-201596-DE-1-1"
    assert str(convention.published_on) == "2022-10-14"
    assert convention.signed_on is None and convention.ends_on is None
    assert convention.funder.kind == "financeur"


def test_successors_link_2015_to_2024():
    load()
    gely = Qpv.objects.get(code="QP034009")
    figuerolles = Qpv.objects.get(code="QP034010")
    assert gely.successor == figuerolles.successor
    assert gely.successor.name == "Gély - Figuerolles" and gely.successor.generation == 2024
    assert Qpv.objects.get(code="QP034015").successor is None  # Vert-Bois left in 2024


def test_twice_changes_nothing():
    load()
    first = counts()
    load()
    assert counts() == first


def test_does_not_overwrite_a_staff_edit():
    load()
    Organisation.objects.filter(reference_name="Axents").update(name="Axents (association)")
    Term.objects.filter(code="site_internet").update(label="Site web")
    Convention.objects.update(max_amount=Decimal("38000.00"))
    load()
    assert Organisation.objects.count() == 27
    assert Organisation.objects.get(reference_name="Axents").name == "Axents (association)"
    assert Term.objects.get(code="site_internet").label == "Site web"
    assert Convention.objects.get().max_amount == Decimal("38000.00")


def test_completes_a_partial_load():
    load()
    NafCode.objects.filter(section="A").delete()
    load()
    assert NafCode.objects.count() == 732


@pytest.fixture
def data_dir(tmp_path):
    target = tmp_path / "reference"
    shutil.copytree(REFERENCE_DIR, target)
    return target


def replace_line(path, number, text):
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    lines[number - 1] = text + "\n"
    path.write_text("".join(lines), encoding="utf-8")


@pytest.mark.parametrize(
    ("filename", "line", "text", "expected"),
    [
        ("naf_rev2_sous_classes.csv", 5, "0115Z,Culture du tabac,01.15,01.1,01,A,AGRI", "ligne 5"),
        (
            "qpv_montpellier.csv",
            3,
            "2015,QP034005,Mosson,Montpellier,34172,21652,2015-02-30,,Mosson,x",
            "ligne 3",
        ),
        (
            "qpv_montpellier.csv",
            4,
            "2015,QP034006,Petit Bard,Montpellier,34172,1,2015-01-01,,Nowhere,x",
            "ligne 4",
        ),
        ("partners_from_deliberation.csv", 6, "Axents,operateur,trop,de,colonnes", "ligne 6"),
        ("partners_from_deliberation.csv", 7, "GIP PIX,startup,x", "ligne 7"),
        ("activity_vocabulary.csv", 13, "materiel,ordinateur,Ordinateur,doublon", "ligne 13"),
    ],
)
def test_a_corrupted_file_names_file_and_line_and_writes_nothing(
    data_dir, filename, line, text, expected
):
    replace_line(data_dir / filename, line, text)
    with pytest.raises(CommandError) as error:
        load(directory=str(data_dir))
    message = str(error.value)
    assert filename in message and expected in message
    assert "rien n'a été écrit" in message
    assert set(counts().values()) == {0}


def test_a_missing_file_is_named(data_dir):
    (data_dir / "naf_rev2_sous_classes.csv").unlink()
    with pytest.raises(
        CommandError, match=re.escape("naf_rev2_sous_classes.csv : fichier introuvable")
    ):
        load(directory=str(data_dir))
    assert set(counts().values()) == {0}


def test_a_file_not_in_utf8_is_refused_with_its_line(data_dir):
    path = data_dir / "partners_from_deliberation.csv"
    path.write_bytes(path.read_text(encoding="utf-8").encode("cp1252", errors="replace"))
    with pytest.raises(CommandError, match=r"partners_from_deliberation.csv, ligne 2 : .*UTF-8"):
        load(directory=str(data_dir))


def test_a_broken_geojson_is_refused(data_dir):
    path = data_dir / "qpv_2015_montpellier.geojson"
    path.write_text(path.read_text(encoding="utf-8")[:-40], encoding="utf-8")
    with pytest.raises(
        CommandError, match=re.escape("qpv_2015_montpellier.geojson, ligne 1 : JSON mal formé")
    ):
        load(directory=str(data_dir))
    assert set(counts().values()) == {0}


def test_an_unknown_organisation_in_programme_json_is_refused(data_dir):
    path = data_dir / "programme.json"
    path.write_text(path.read_text(encoding="utf-8").replace('"lead": "Axents"', '"lead": "Axens"'))
    with pytest.raises(
        CommandError, match=re.escape("programme.json : action n° 2 : la structure « Axens »")
    ):
        load(directory=str(data_dir))
    assert set(counts().values()) == {0}
