import pytest
from django.contrib.auth import authenticate
from django.core.management import call_command

from enterprises.models import Enterprise
from partners.models import Membership, User
from programme.models import Qpv

pytestmark = pytest.mark.django_db


def seed(*args):
    call_command("seed_demo", *args, verbosity=0)


def test_demo_accounts_for_each_role():
    seed("--enterprises", "5")
    pilotage = User.objects.get(email="pilotage@demo.test")
    assert pilotage.is_staff
    assert authenticate(email="conseiller1@demo.test", password="demo-parcours-tpe")
    roles = dict(Membership.objects.values_list("user__email", "organisation__name"))
    assert roles["axents@demo.test"] == "Axents"
    assert roles["conseiller1@demo.test"] != roles["conseiller2@demo.test"]
    assert Membership.objects.get(user__email="association@demo.test").organisation.kind == (
        "association_qpv"
    )


def test_password_option():
    seed("--enterprises", "0", "--password", "un-autre-mot-de-passe")
    assert authenticate(email="axents@demo.test", password="un-autre-mot-de-passe")
    assert not authenticate(email="axents@demo.test", password="demo-parcours-tpe")


def test_enterprises_lie_in_their_qpv_and_are_deterministic():
    seed("--enterprises", "60", "--seed", "7")
    first = list(
        Enterprise.objects.order_by("siret").values_list("siret", "name", "latitude", "qpv_id")
    )
    assert len(first) == 60
    assert Enterprise.objects.filter(qpv__isnull=False).values("qpv").distinct().count() == 12
    assert Enterprise.objects.filter(qpv__isnull=True).exists()
    for enterprise in Enterprise.objects.select_related("qpv"):
        assert Qpv.objects.containing(enterprise.latitude, enterprise.longitude) == enterprise.qpv
        assert enterprise.postcode.startswith("34") and enterprise.commune == "Montpellier"
    seed("--enterprises", "60", "--seed", "7")
    again = list(
        Enterprise.objects.order_by("siret").values_list("siret", "name", "latitude", "qpv_id")
    )
    assert again == first


def test_another_seed_gives_other_enterprises():
    seed("--enterprises", "10", "--seed", "1")
    seed("--enterprises", "10", "--seed", "2")
    assert Enterprise.objects.count() == 20


def test_demo_accounts_see_different_sets(client):
    from django.urls import reverse

    from enterprises.models import Assignment, Enterprise

    seed("--enterprises", "40")
    axents = User.objects.get(email="axents@demo.test")
    association = User.objects.get(email="association@demo.test")
    axents_ids = set(Enterprise.objects.visible_to(axents).values_list("pk", flat=True))
    # Orientations declined or expired more than the grace period ago no longer count.
    assert axents_ids == set(
        Assignment.objects.giving_sight()
        .filter(organisation__name="Axents")
        .values_list("enterprise_id", flat=True)
    )
    association_ids = set(Enterprise.objects.visible_to(association).values_list("pk", flat=True))
    assert axents_ids and association_ids and not axents_ids & association_ids
    client.force_login(axents)
    other = Enterprise.objects.exclude(pk__in=axents_ids).first()
    assert client.get(reverse("enterprises:detail", args=[other.pk])).status_code == 404
    assert client.get(reverse("enterprises:detail", args=[min(axents_ids)])).status_code == 200
    stages = set(Enterprise.objects.values_list("stage", flat=True))
    assert stages == {"reperee", "diagnostiquee", "accompagnee", "autonome", "sortie"}


def test_the_demo_pix_export_imports_with_every_row_matched(settings, tmp_path):
    import io

    from enterprises.models import Activity, Assessment

    settings.VAR_DIR = tmp_path
    seed("--enterprises", "40")
    assert Activity.objects.filter(
        kind="collectif", place__name="Tiers-lieu Gisèle-Halimi"
    ).exists()
    assert Assessment.objects.filter(kind="final").exists()
    out = io.StringIO()
    call_command("import_pix", str(tmp_path / "demo" / "pix-campagne-demo.csv"), stdout=out)
    report = out.getvalue()
    assert "Rapprochées : 8" in report and "À confirmer par l'équipe : 0" in report
    assert "Refusées : 0" in report
    association = User.objects.get(email="association@demo.test")
    assert (
        not Activity.objects.visible_to(association)
        .filter(author__email="axents@demo.test")
        .exists()
    )


def test_the_national_scale_code_path_on_a_small_sample():
    from demo.national import seed_national
    from enterprises.models import Activity, Enterprise, Participation

    seed("--enterprises", "5")
    counts = seed_national(seed=3, enterprises=60, activities=120, organisations=4, users=8)
    assert counts == {"organisations": 4, "users": 8, "enterprises": 60, "activities": 120}
    assert Activity.objects.filter(author__email__endswith="@national.test").count() == 120
    assert (
        Participation.objects.filter(activity__author__email__endswith="@national.test").count()
        == 120
    )
    assert Enterprise.objects.filter(referent__email__endswith="@national.test").count() == 60
    again = seed_national(seed=3, enterprises=60, activities=1, organisations=4, users=8)
    assert again["enterprises"] == 60  # same seed, same enterprises: nothing duplicated
